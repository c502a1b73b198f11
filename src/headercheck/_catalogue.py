"""The message catalogue: finding texts, difference causes and report labels per language.

Data lives in ``headercheck/locale/<lang>.json`` with three sections: ``findings`` (code ->
{"message", "fix"}), ``causes`` (code -> text) and ``labels`` (code -> text). Placeholders use
``str.format`` names; a missing one is left visible rather than raising.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("en", "ja")


class _Keep(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@cache
def catalogue(lang: str) -> dict[str, dict[str, Any]]:
    """The whole catalogue of a language ("en" when the language is unknown)."""
    name = lang if lang in LANGUAGES else "en"
    text = resources.files("headercheck").joinpath(f"locale/{name}.json").read_text("utf-8")
    data: dict[str, dict[str, Any]] = json.loads(text)
    return data


def fill(template: str, args: dict[str, Any]) -> str:
    """Format a template; unknown placeholders stay as written.

    ``str.format_map`` does what ``string.Formatter().vformat(template, (), _Keep(args))`` does
    for the catalogue's named fields, in C (tests/test_explain.py checks every template).
    """
    return template.format_map(_Keep(args))


def finding_text(lang: str, code: str, args: dict[str, Any]) -> tuple[str, str]:
    """(message, fix) of a finding code in a language; English when the language lacks it."""
    entry = catalogue(lang)["findings"].get(code) or catalogue("en")["findings"][code]
    return fill(entry["message"], args), fill(entry["fix"], args)


def cause_text(lang: str, code: str, args: dict[str, Any]) -> str:
    """The text of a difference cause."""
    causes = catalogue(lang)["causes"]
    return fill(causes.get(code) or catalogue("en")["causes"].get(code, code), args)


def label(lang: str, code: str, args: dict[str, Any] | None = None) -> str:
    """A label of the readable report."""
    labels = catalogue(lang)["labels"]
    return fill(labels.get(code) or catalogue("en")["labels"].get(code, code), args or {})
