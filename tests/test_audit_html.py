"""The HTML audit report, opened in a real headless Chromium: it renders, offline, without errors."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from headercheck._audit_worker import empty_row
from headercheck._summary import Summary
from headercheck.cli import main
from headercheck.render.html import HtmlWriter
from support.audit_data import CASSETTE, NOW, message

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed "
                                "(scripts/test installs it)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--enable-logging=stderr", "--v=0"]


def chromium(page: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
                          capture_output=True, text=True, timeout=120)


def varied_report(path: Path) -> None:
    """A report with every kind of result, as the real mechanisms will give."""
    summary, results = Summary(), ["pass", "pass", "fail", "softfail", "none", "permerror"]
    with open(path, "w", encoding="utf-8") as out:
        writer = HtmlWriter(out, "varied </script><b>")
        for i in range(300):
            row = empty_row(i, f"cur/{i}.eml <&>", 100)
            row.update(from_domain=f"d{i % 7}.example", dkim=results[i % 6],
                       spf=results[(i + 1) % 6], dmarc=results[i % 3], arc="none",
                       findings=["dmarc.fail"] if i % 3 == 2 else [],
                       reasons=["dmarc=fail: not aligned </script>"] if i % 3 == 2 else [])
            notes = {"dmarc.fail": ("error", "DMARC failed", "sign with an aligned d=")}
            summary.add(row, notes if row["findings"] else {})
            writer.write(row)
        writer.close(summary.to_dict())


def check_page(page: Path, tmp_path: Path, rows: int) -> None:
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)  # nothing fetched
    assert set(re.findall(r"https?://[^\s\"'<>]+", html)) <= {"http://www.w3.org/2000/svg"}
    dom = chromium(page, tmp_path, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    console = [line for line in dom.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []  # no script error, no CSP violation
    assert dom.stdout.count('class="chart"') == 3
    for section in ("chart-mechanisms", "chart-domains", "chart-reasons"):
        assert f'id="{section}"' in dom.stdout
    body = dom.stdout.split('id="rows-table"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert body.count("<tr>") == min(rows, 500)  # the script filled the table
    assert f"{rows} of {rows} messages" in dom.stdout
    shot = tmp_path / "shot.png"
    taken = chromium(page, tmp_path, f"--screenshot={shot}", "--window-size=1300,1600")
    assert taken.returncode == 0 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one


def test_varied_report_renders_in_chromium(tmp_path: Path) -> None:
    page = tmp_path / "varied.html"
    varied_report(page)
    check_page(page, tmp_path, 300)
    data = page.read_text().split('id="rows">', 1)[1].split("</script>", 1)[0]
    assert json.loads(data)[2][9] == "dmarc=fail: not aligned </script>"


def test_cli_html_report_renders_in_chromium(tmp_path: Path) -> None:
    box = tmp_path / "in"
    box.mkdir()
    for i in range(12):
        (box / f"{i}.eml").write_bytes(message(domain=f"d{i % 3}.example", n=i))
    (box / "bad.eml").write_bytes(b"\x00\x01")
    dns = tmp_path / "dns.json"
    dns.write_text(json.dumps(CASSETTE))
    page = tmp_path / "report.html"
    assert main(["audit", str(box), "--dns", str(dns), "--now", NOW, "--no-progress",
                 "-o", str(page), "--jobs", "2"]) == 0
    check_page(page, tmp_path, 13)
