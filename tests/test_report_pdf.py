"""PDF reports on paper: page counts, running header and footer, headings kept with their text.

The PDF is read back with poppler (`pdftotext -layout` per page, `pdftoppm`
for pictures of the pages in tests/_artifacts/pdf/, git-ignored, for a
person to look at). Without WeasyPrint or poppler these tests are skipped on
a workstation, but fail where VPSEC_REQUIRE_PDF=1 (.ci/run sets it after
installing both).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from conftest import AS_OF, EXAMPLE, REPO, WriteWorkspace
from vpsec.app import CheckOptions, run_check
from vpsec.app.report import ReportOptions, render_report
from vpsec.app.report import report as run_report

# Each PDF takes a few seconds to lay out: not in the fast tier.
pytestmark = pytest.mark.slow

ARTIFACTS = REPO / "tests" / "_artifacts" / "pdf"
# (width, height) in PostScript points, as pdfinfo gives them.
PAPER_POINTS = {"a4": (595.3, 841.9), "letter": (612.0, 792.0)}


def _missing() -> str | None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:
        return f"WeasyPrint cannot be imported ({error}); pip install 'vpsec[pdf]'"
    for tool in ("pdftotext", "pdftoppm", "pdfinfo"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install poppler-utils)"
    return None


@pytest.fixture(scope="module", autouse=True)
def _pdf_tools() -> None:
    missing = _missing()
    if missing is None:
        return
    if os.environ.get("VPSEC_REQUIRE_PDF") == "1":
        pytest.fail(f"VPSEC_REQUIRE_PDF=1 but {missing}")
    pytest.skip(f"{missing}; set VPSEC_REQUIRE_PDF=1 to make this a failure")


def _options(root: Path, name: str, **kwargs: Any) -> ReportOptions:
    return ReportOptions(name=name, path=root, as_of=date.fromisoformat(AS_OF), **kwargs)


def _pdf(tmp_path: Path, root: Path, name: str, **kwargs: Any) -> Path:
    target = tmp_path / f"{name}-{kwargs.get('paper', 'a4')}.pdf"
    assert run_report(_options(root, name, format="pdf", output=target, **kwargs)) == 0
    assert target.read_bytes().startswith(b"%PDF-")
    return target


def _info(pdf: Path) -> dict[str, str]:
    done = subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60
    )
    return {
        key.strip(): value.strip()
        for key, _, value in (line.partition(":") for line in done.stdout.splitlines())
    }


def _pages(pdf: Path) -> list[list[str]]:
    """Each page's non-blank lines, whitespace collapsed, as pdftotext -layout reads them."""
    count = int(_info(pdf)["Pages"])
    pages = []
    for number in range(1, count + 1):
        done = subprocess.run(
            ["pdftotext", "-layout", "-f", str(number), "-l", str(number), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        lines = [" ".join(line.split()) for line in done.stdout.splitlines()]
        pages.append([line for line in lines if line])
    return pages


class _Headings(HTMLParser):
    """The text of every heading and table caption of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._depth = 0
        self._current: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if re.fullmatch(r"h[1-6]|caption", tag):
            self._depth += 1
            self._current = []

    def handle_endtag(self, tag: str) -> None:
        if re.fullmatch(r"h[1-6]|caption", tag) and self._depth:
            self._depth -= 1
            self.texts.append(" ".join("".join(self._current).split()))

    def handle_data(self, data: str) -> None:
        if self._depth:
            self._current.append(data)


def _headings(root: Path, name: str, **kwargs: Any) -> list[str]:
    parser = _Headings()
    parser.feed(str(render_report(_options(root, name, format="html", **kwargs))))
    return [text for text in parser.texts if text]


def _content(page: list[str]) -> list[str]:
    """A page's lines without its running header (first line) and page number (last)."""
    body = page[:]
    if body and re.fullmatch(r"Page \d+ of \d+", body[-1]):
        body = body[:-1]
    if body and body[0].startswith("Lakeside Minerals plc ·"):
        body = body[1:]
    return body


@pytest.fixture(scope="module")
def assessment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _pdf(tmp_path_factory.mktemp("pdf"), EXAMPLE, "assessment")


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_example_assessment_fits_a_handful_of_pages(tmp_path: Path, paper: str) -> None:
    pdf = _pdf(tmp_path, EXAMPLE, "assessment", paper=paper)
    info = _info(pdf)
    options = CheckOptions(path=EXAMPLE, as_of=date.fromisoformat(AS_OF))
    findings = len(run_check(options, "assess").findings)
    # Before the print CSS was written for paper, 15 findings took 12 half-empty pages
    # (0.8 a finding). Each finding now fills about half a page with its good practice,
    # recommendation and sources (31 findings: 18 A4 pages, the appendix for the team
    # that keeps the records from page 14): a bound per finding keeps that density.
    assert 4 <= int(info["Pages"]) <= 2 + 0.65 * findings, (info["Pages"], findings)
    pages = _pages(pdf)
    appendix = next(
        i for i, page in enumerate(pages, 1) if "For the team that keeps the records" in page
    )
    assert appendix <= 2 + 0.5 * findings, (appendix, findings)
    width, height = (float(v) for v in re.findall(r"[\d.]+", info["Page size"])[:2])
    expected = PAPER_POINTS[paper]
    assert abs(width - expected[0]) < 1 and abs(height - expected[1]) < 1, info["Page size"]
    assert info["Title"] == "Security and human rights assessment – Lakeside Minerals plc"
    assert info["Author"] == "Lakeside Minerals plc"


def test_every_page_has_a_running_header_and_page_x_of_y(assessment: Path) -> None:
    pages = _pages(assessment)
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        assert page[-1] == f"Page {number} of {total}", page[-3:]
        header = "Lakeside Minerals plc · Security and human rights assessment"
        if number == 1:
            # The first page carries the full title block instead.
            assert page[0] == "LAKESIDE MINERALS PLC"
            assert not page[0].startswith(header)
        else:
            assert page[0].startswith(header), page[0]
            assert page[0].endswith(f"As of {AS_OF} · internal"), page[0]


def test_page_one_is_a_cover_summary(assessment: Path) -> None:
    pages = _pages(assessment)
    first = " ".join(pages[0])
    assert "Security and human rights assessment" in first
    assert f"As of {AS_OF}" in first
    assert "Summary" in first and "At a glance: findings by site" in first
    assert "To act on first" in first
    # The detail starts on the next page.
    assert "Findings by site" not in pages[0]
    assert _content(pages[1])[0] == "Findings by site"


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("assessment", {}),
        ("assessment", {"audience": "public"}),
        ("transfer-register", {}),
        ("site", {"site": "kamituga"}),
        ("meeting", {"record": "mtg-2026-10-08-kamituga"}),
    ],
)
def test_no_heading_or_caption_is_the_last_text_on_a_page(
    tmp_path: Path, name: str, extra: dict[str, str]
) -> None:
    headings = _headings(EXAMPLE, name, **extra)
    assert headings
    pages = _pages(_pdf(tmp_path, EXAMPLE, name, **extra))
    for number, page in enumerate(pages[:-1], start=1):
        body = _content(page)
        assert body, f"page {number} is empty"
        last = body[-1]
        orphaned = [h for h in headings if last == h or (len(last) >= 12 and last in h)]
        assert not orphaned, f"page {number} of {name} ends with the heading {orphaned[0]!r}"


_SITE = """\
apiVersion: vpsec/v1
kind: Site
id: s-1
name: Test Site
country: ZM
"""
_TRANSFER = """\
apiVersion: vpsec/v1
kind: Transfer
id: t-{n:03d}
site: s-1
date: 2026-03-{day:02d}
type: equipment
recipient: {{authority: local, unit: District Police}}
items:
  - {{description: handheld radios, quantity: 2, value: {{amount: 100, currency: USD}}}}
purpose: Communication during emergency response number {n}
receipt: {{signed: false}}
"""


def test_a_long_table_breaks_between_rows_and_repeats_its_header(
    tmp_path: Path, write_workspace: WriteWorkspace
) -> None:
    files = {"sites/s.yaml": _SITE}
    for n in range(1, 13):
        files[f"transfers/t-{n:03d}.yaml"] = _TRANSFER.format(n=n, day=1 + n % 28)
    root = write_workspace(files)
    pages = _pages(_pdf(tmp_path, root, "assessment"))
    header = re.compile(r"^Severity Rule Record Finding$")
    with_header = [i for i, page in enumerate(pages) if any(header.match(li) for li in page)]
    assert len(with_header) >= 2, "the findings table does not span pages; the test needs it"
    # The site's findings table runs over consecutive pages, each starting with its header row.
    run = [i for i in with_header if i - with_header[0] == with_header.index(i)]
    assert len(run) >= 2, with_header
    # Rows are never split: on every page the repeated header is followed by the first
    # line of a row (its severity), never by the rest of a row begun on the page before.
    for index in run:
        page = pages[index]
        at = next(i for i, line in enumerate(page) if header.match(line))
        assert re.match(r"(ERROR|WARNING|INFO) [A-Z]{3}\d{3} ", page[at + 1]), page[at : at + 3]


def test_pages_render_to_png_for_a_look(assessment: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("assessment-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(assessment), str(ARTIFACTS / "assessment")],
        check=True,
        timeout=120,
    )
    pictures = sorted(ARTIFACTS.glob("assessment-*.png"))
    assert len(pictures) == int(_info(assessment)["Pages"])
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pictures)
