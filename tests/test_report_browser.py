"""The HTML reports in a real browser: headless Chromium opens each one, renders it, logs no errors.

Screenshots land in tests/_artifacts/screenshots/ (git-ignored) for a person to look at.
Without /usr/bin/chromium the test is skipped on a workstation but fails in CI
(env CI set), where .ci/run installs it.
"""

from __future__ import annotations

import os
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest

from conftest import AS_OF, EXAMPLE, REPO
from vpsec.app.report import ReportOptions, render_report

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO / "tests" / "_artifacts" / "screenshots"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CASES = {
    "assessment": ({}, "Security and human rights assessment"),
    "transfer-register": ({}, "Record of Transfer Register"),
    "site": ({"site": "kamituga"}, "Site security arrangements: Kamituga Gold Mine"),
    "meeting": (
        {"record": "mtg-2026-10-08-kamituga"},
        "Minutes: Monthly security coordination meeting, Kamituga",
    ),
}


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI; .ci/run should have installed chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium); not in CI, so skipped")
    return CHROMIUM


def _run(chromium: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(chromium), *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("audience", ["internal", "public"])
@pytest.mark.parametrize("report", list(CASES))
def test_html_report_renders_in_chromium(
    chromium: Path, tmp_path: Path, report: str, audience: str
) -> None:
    extra, heading = CASES[report]
    page = tmp_path / f"{report}.html"
    page.write_text(
        render_report(
            ReportOptions(
                name=report,
                path=EXAMPLE,
                format="html",
                audience=audience,
                as_of=date.fromisoformat(AS_OF),
                **extra,
            )
        ),
        encoding="utf-8",
    )
    url = page.resolve().as_uri()

    dom = _run(chromium, tmp_path / "profile-dom", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    title = re.search(r"<title>(.*?)</title>", dom.stdout, re.S)
    assert title and heading in title.group(1)
    h1 = re.search(r"<h1>(.*?)</h1>", dom.stdout, re.S)
    assert h1 and h1.group(1).strip() == heading
    assert "<svg" in dom.stdout or report == "meeting"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"{report}-{audience}.png"
    shot.unlink(missing_ok=True)
    logged = _run(
        chromium,
        tmp_path / "profile-shot",
        "--enable-logging=stderr",
        "--v=0",
        f"--screenshot={shot}",
        "--window-size=1280,2000",
        url,
    )
    assert logged.returncode == 0, logged.stderr[-2000:]
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a blank page compresses to far less
    problems = [
        line
        for line in logged.stderr.splitlines()
        if "Uncaught" in line or "ERROR:CONSOLE" in line or ":CONSOLE(" in line
    ]
    assert not problems, problems
