"""docs/findings.md, generated from the catalogue (HEADERCHECK_UPDATE_GOLDEN=1 rewrites it)."""

from __future__ import annotations

from headercheck._catalogue import catalogue
from headercheck._explain_codes import CODES

INTRO = """# Findings

`report.findings(lang)` / `headercheck check --lang en|ja` / JSON `"findings"`: one entry per
problem, each with a stable `code`, a `severity` (error, warning, info), a `message` (what
happened) and a `fix`. The texts live in `src/headercheck/locale/en.json` and `ja.json`
(placeholders such as `{d}` are filled from the report); codes and severities in
`src/headercheck/_explain_codes.py`. Codes are stable: new ones may be added, none renamed.

DKIM reason codes from the DKIM check are mapped to kinds in `src/headercheck/_kinds.py`
(one place); a reason code it does not know gives the generic `dkim_other` with the check's
own reason text. Tests check that every code has both languages with the same placeholders,
that every reason code the DKIM check declares maps to a specific finding, and that this file
lists every code (it is generated from the catalogue by `tests/support/findings_doc.py`).
"""

GROUPS = (
    ("DKIM", ("dkim_",)), ("SPF and the envelope", ("spf_", "envelope_")), ("iprev", ("iprev_",)),
    ("DMARC", ("dmarc_",)), ("ARC", ("arc_",)),
    ("Receivers' requirements, the message file, the receiver's verdict", ("",)),
)


def render() -> str:
    """The whole document."""
    en, ja = catalogue("en")["findings"], catalogue("ja")["findings"]
    out, seen = [INTRO], set()
    for title, prefixes in GROUPS:
        codes = [c for c in CODES if c not in seen and c.startswith(prefixes)]
        seen.update(codes)
        out.append(f"## {title}\n")
        for c in codes:
            out.append(f"### `{c}` ({CODES[c].value})\n\n"
                       f"- en: {en[c]['message']}\n  - fix: {en[c]['fix']}\n"
                       f"- ja: {ja[c]['message']}\n  - 対処: {ja[c]['fix']}\n")
    return "\n".join(out)
