"""A zone or cassette file with bad content is a clear error naming the place, through the CLI too.

The CLI exits 2 (usage error, see cli.py) with ``headercheck: DNS data error: FILE: line N: ...``
on stderr and no traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from headercheck.cli import main
from headercheck.dns import CassetteResolver, DnsDataError, ZoneResolver

MSG = b"From: a@example.jp\r\nTo: b@example.net\r\nSubject: t\r\n\r\nbody\r\n"

ZONES = {
    "unknown-type": ('$ORIGIN x.example.\n@ IN TXT "ok"\n@ IN BOGUS stuff\n', 3),
    "bad-address": ("$ORIGIN x.example.\n@ IN TXT \"ok\"\nmx IN A 999.1.2.3\n", 3),
    "unterminated-quote": ('$ORIGIN x.example.\n@ IN MX 10 mx\n@ IN TXT "v=spf1 -all\n', 3),
    "include-directive": ("$ORIGIN x.example.\n$INCLUDE /etc/passwd\n", 2),
    "bad-mx": ("$ORIGIN x.example.\n\n@ IN MX ten mx\n", 3),
}

CASSETTES = {
    "txt-not-list": ('{\n "a.example": {"TXT": [["ok"]]},\n "b.example": {"TXT": [[1]]}\n}\n',
                     "line 3: b.example TXT"),
    "bad-marker": ('{\n "a.example": {\n  "TXT": "MAYBE"\n }\n}\n', "line 2: a.example TXT"),
    "bad-ipv4": ('{"a.example": {"A": ["1.2.3"]}}', "not an IPv4 address"),
    "v6-as-a": ('{"a.example": {"A": ["::1"]}}', "not an IPv4 address"),
    "bad-mx-priority": ('{\n"m.example": {"MX": [{"exchange": "mx", "priority": null}]}}',
                        "line 2: m.example MX: MX priority"),
    "mx-shape": ('{"m.example": {"MX": ["mx"]}}', "an MX record must be"),
    "not-object": ("[1, 2]", "top level must be an object"),
    "types-not-object": ('{\n\n"a.example": ["1.2.3.4"]}', "line 3: 'a.example'"),
    "syntax": ('{\n "a.example": {"TXT": [["x"]]},\n oops\n}\n', "line 3: invalid JSON"),
    "not-utf8": (b'{"a.example": {"TXT": [["\xff"]]}}', "cannot read cassette"),
}


@pytest.fixture
def eml(tmp_path: Path) -> Path:
    path = tmp_path / "m.eml"
    path.write_bytes(MSG)
    return path


@pytest.mark.parametrize("case", sorted(ZONES))
def test_bad_zone_names_the_line(case: str, tmp_path: Path) -> None:
    text, line = ZONES[case]
    path = tmp_path / f"{case}.zone"
    path.write_text(text)
    with pytest.raises(DnsDataError, match=rf"{case}\.zone:{line}"):
        ZoneResolver(path)


@pytest.mark.parametrize("case", sorted(CASSETTES))
def test_bad_cassette_names_the_place(case: str, tmp_path: Path) -> None:
    text, expected = CASSETTES[case]
    path = tmp_path / f"{case}.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(DnsDataError) as exc:
        CassetteResolver(path)
    assert str(path) in str(exc.value) and expected in str(exc.value)


@pytest.mark.parametrize("case", sorted(ZONES))
def test_cli_bad_zone_exits_2_with_the_line(
    case: str, eml: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, line = ZONES[case]
    path = tmp_path / f"{case}.zone"
    path.write_text(text)
    assert main(["check", str(eml), "--dns", str(path)]) == 2
    captured = capsys.readouterr()
    assert f"headercheck: DNS data error: {path}:{line}" in captured.err
    assert "Traceback" not in captured.err and captured.out == ""


@pytest.mark.parametrize("case", sorted(CASSETTES))
def test_cli_bad_cassette_exits_2_with_the_place(
    case: str, eml: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, expected = CASSETTES[case]
    path = tmp_path / f"{case}.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    assert main(["check", str(eml), "--dns", str(path), "--json"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("headercheck: DNS data error: ") and expected in err


def test_cli_missing_dns_file_exits_2(eml: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(eml), "--dns", "/nonexistent/dns.zone"]) == 2
    assert "/nonexistent/dns.zone" in capsys.readouterr().err


def test_dnspython_reports_the_next_line_which_we_correct() -> None:
    """The defect worked around in dns/zone.py: dnspython names the line after a bad entry."""
    import dns.rdataclass
    import dns.tokenizer
    import dns.zonefile

    from headercheck.dns._store import RecordStore
    from headercheck.dns.zone import _Collector, load_zone_text

    text = ZONES["bad-address"][0]
    reader = dns.zonefile.Reader(dns.tokenizer.Tokenizer(text, "z"), dns.rdataclass.IN,
                                 _Collector(RecordStore()),  # type: ignore[arg-type]
                                 allow_directives={"$ORIGIN"}, default_ttl=3600)
    with pytest.raises(dns.exception.SyntaxError, match="z:4:"):
        reader.read()
    with pytest.raises(DnsDataError, match="z:3:"):
        load_zone_text(RecordStore(), text, "z")
