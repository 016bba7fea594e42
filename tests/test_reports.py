"""vpsec report: the built-in reports on the example workspace, audiences, the sandbox."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from conftest import AS_OF, EXAMPLE, REPO, WriteWorkspace
from vpsec.app import CheckOptions, run_check
from vpsec.app.report import ReportOptions, render_report
from vpsec.app.report import report as run_report
from vpsec.errors import TemplateError, UsageError
from vpsec.render.templates import available_reports

VPSEC = Path(sys.executable).parent / "vpsec"
MEETING = "mtg-2026-10-08-kamituga"
REPORTS: dict[str, dict[str, Any]] = {
    "assessment": {},
    "transfer-register": {},
    "site": {"site": "kamituga"},
    "meeting": {"record": MEETING},
}


def _example_records() -> list[dict[str, Any]]:
    """The example's records read straight from YAML, independently of vpsec's loader."""
    yaml = YAML(typ="safe")
    records = []
    for path in sorted(EXAMPLE.rglob("*.yaml")):
        if path.name == "vpsec.yaml":
            continue
        data = yaml.load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "kind" in data:
            records.append(data)
    return records


def _personal_names(records: list[dict[str, Any]]) -> set[str]:
    """Every value of a field that holds a person's name, as the format defines them."""
    names: set[str] = set()
    for r in records:
        for p in r.get("participants") or []:
            names.add(p["name"])
        for d in r.get("decisions") or []:
            if d.get("owner"):
                names.add(d["owner"])
        names.update((r.get("minutes") or {}).get("distributed_to") or [])
        for part, key in (
            ("recipient", "representative"),
            ("receipt", "signed_by"),
            ("chain_of_command", "commander"),
            ("chain_of_command", "company_liaison"),
        ):
            value = (r.get(part) or {}).get(key)
            if value:
                names.add(value)
        if r.get("made_by"):
            names.add(r["made_by"])
    return names


def _probes(name: str) -> set[str]:
    """What must not appear: the name as written, without the rank, and the surname."""
    words = name.split()
    bare = [w for w in words if not w.endswith(".") and not w.isupper()]
    return {name, " ".join(bare), bare[-1]}


RECORDS = _example_records()
NAMES = _personal_names(RECORDS)
RESTRICTED = [r for r in RECORDS if r.get("sensitivity") == "restricted"]
# Left out of public reports too, shown only as counts and totals (vpsec.withhold).
UNDISCLOSED = [r for r in RECORDS if r.get("published") is False]


def _text(output: str, fmt: str) -> str:
    """The output with HTML entities decoded and whitespace collapsed, for searching."""
    text = html.unescape(output) if fmt == "html" else output.replace("\\", "")
    return " ".join(text.split())


@pytest.fixture(scope="module")
def rendered() -> dict[tuple[str, str, str], str]:
    out = {}
    for name, extra in REPORTS.items():
        for fmt in ("md", "html"):
            for audience in ("internal", "public"):
                options = ReportOptions(
                    name=name,
                    path=EXAMPLE,
                    format=fmt,
                    audience=audience,
                    as_of=date.fromisoformat(AS_OF),
                    **extra,
                )
                out[(name, fmt, audience)] = render_report(options)
    return out


@pytest.fixture(scope="module")
def assessed() -> Any:
    return run_check(CheckOptions(path=EXAMPLE, as_of=date.fromisoformat(AS_OF)), "assess")


def test_the_example_has_names_and_a_restricted_record() -> None:
    # Otherwise the privacy tests below could not fail.
    assert len(NAMES) > 10
    assert RESTRICTED


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("audience", ["internal", "public"])
def test_assessment_lists_every_finding(
    rendered: dict[tuple[str, str, str], str], assessed: Any, fmt: str, audience: str
) -> None:
    text = _text(rendered[("assessment", fmt, audience)], fmt)
    withheld = [*RESTRICTED, *UNDISCLOSED] if audience == "public" else []
    hidden = {r["id"] for r in withheld}
    shown = [f for f in assessed.findings if f.record not in hidden]
    assert shown
    for finding in shown:
        assert finding.rule in text
        if finding.record:
            assert finding.record in text
    assert "Workspace-wide findings" in text
    assert "Waivers in force" in text
    for waived in assessed.waived:
        if waived.finding.record not in hidden:
            assert waived.finding.record in text


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_assessment_gives_the_good_practice_behind_findings(
    rendered: dict[tuple[str, str, str], str], assessed: Any, fmt: str
) -> None:
    from vpsec import catalogue

    text = _text(rendered[("assessment", fmt, "internal")], fmt)
    for finding in assessed.findings:
        rationale = catalogue.rule(finding.rule).rationale
        assert rationale[:60].replace("`", "") in text.replace("`", "")


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("audience", ["internal", "public"])
def test_transfer_register_lists_every_transfer_and_totals_per_currency(
    rendered: dict[tuple[str, str, str], str], fmt: str, audience: str
) -> None:
    text = _text(rendered[("transfer-register", fmt, audience)], fmt)
    transfers = [r for r in RECORDS if r["kind"] == "Transfer"]
    if audience == "public":
        # An undisclosed transfer is only counted, in the notice (tests/test_public_leaks.py).
        assert all(t["id"] not in text for t in UNDISCLOSED)
        transfers = [t for t in transfers if t not in UNDISCLOSED]
    for transfer in transfers:
        assert transfer["id"] in text
    # Totals are per currency: the example's USD transfers add up to 16,200 (10,000
    # disclosed) and nothing in another currency is added to them.
    usd = sum(
        item["value"]["amount"]
        for t in transfers
        for item in t["items"]
        if item.get("value", {}).get("currency") == "USD"
    )
    assert f"USD {usd:,.0f}" in text


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("audience", ["internal", "public"])
def test_meeting_minutes_have_the_decision_points(
    rendered: dict[tuple[str, str, str], str], fmt: str, audience: str
) -> None:
    text = _text(rendered[("meeting", fmt, audience)], fmt)
    meeting = next(r for r in RECORDS if r["id"] == MEETING)
    for decision in meeting["decisions"]:
        assert " ".join(decision["text"].split()) in text
        assert decision["due"].isoformat() in text
    if audience == "internal":
        for participant in meeting["participants"]:
            assert participant["name"] in text
    for participant in meeting["participants"]:
        assert participant["role"] in text


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_site_report_is_about_one_site(rendered: dict[tuple[str, str, str], str], fmt: str) -> None:
    text = _text(rendered[("site", fmt, "internal")], fmt)
    assert "Kamituga Gold Mine" in text
    assert "PNC emergency reserve at Kamituga, 2026" in text
    assert "rsk-kamituga-2026" in text or "Kamituga security and human rights risk" in text
    assert "Chingola West Copper Mine" not in text


@pytest.mark.parametrize("report", list(REPORTS))
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_public_output_names_no_one(
    rendered: dict[tuple[str, str, str], str], report: str, fmt: str
) -> None:
    output = rendered[(report, fmt, "public")]
    text = _text(output, fmt)
    for name in sorted(NAMES):
        for probe in _probes(name):
            assert probe not in text, f"{probe!r} (from {name!r}) in public {report}.{fmt}"
            assert probe not in output
    assert "Prepared for publication" in text


@pytest.mark.parametrize("report", list(REPORTS))
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_public_output_leaves_out_restricted_records(
    rendered: dict[tuple[str, str, str], str], report: str, fmt: str
) -> None:
    text = _text(rendered[(report, fmt, "public")], fmt)
    for record in RESTRICTED:
        assert record["id"] not in text
        if record.get("title"):
            assert record["title"] not in text
    n = len(RESTRICTED)
    left_out = (
        f"{n} record marked restricted was" if n == 1 else f"{n} records marked restricted were"
    )
    assert f"{left_out} left out" in text


def test_internal_output_keeps_names_and_restricted_records(
    rendered: dict[tuple[str, str, str], str],
) -> None:
    text = _text(rendered[("site", "html", "internal")], "html")
    assert RESTRICTED[0]["title"] in text
    assert "Cdt. Jean-Pierre Mbala" in _text(rendered[("meeting", "md", "internal")], "md")


class _Page(HTMLParser):
    """Collects what the standalone and accessibility checks need."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[int] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        self._in_title = tag == "title" and not any(t == "svg" for t, _ in self.tags[:-1])

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


@pytest.mark.parametrize("report", list(REPORTS))
@pytest.mark.parametrize("audience", ["internal", "public"])
def test_html_stands_alone_and_is_accessible(
    rendered: dict[tuple[str, str, str], str], report: str, audience: str
) -> None:
    page = _Page()
    page.feed(rendered[(report, "html", audience)])
    tags = [t for t, _ in page.tags]
    assert ("html", {"lang": "en"}) in page.tags
    assert page.title.strip()
    assert "script" not in tags
    assert "link" not in tags and "img" not in tags and "iframe" not in tags
    for _, attrs in page.tags:
        for key in ("src", "href"):
            value = attrs.get(key)
            assert value is None or value.startswith("#"), f"{key}={value} fetches something"
    assert page.headings[0] == 1 and page.headings.count(1) == 1
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        assert after <= before + 1, f"heading h{after} follows h{before}"
    for tag, attrs in page.tags:
        if tag == "th":
            assert attrs.get("scope") in ("col", "row")
    assert tags.count("table") == tags.count("caption")
    assert "@media print" in rendered[(report, "html", audience)]


def test_html_charts_are_inline_svg_with_text(
    rendered: dict[tuple[str, str, str], str],
) -> None:
    output = rendered[("transfer-register", "html", "internal")]
    assert output.count("<svg") == 4  # one chart per currency: CDF, PEN, USD, ZMW
    assert "<desc" in output
    assert "USD 4,800 local" in output


@pytest.mark.parametrize("report", list(REPORTS))
def test_markdown_tables_are_well_formed(
    rendered: dict[tuple[str, str, str], str], report: str
) -> None:
    lines = rendered[(report, "md", "internal")].splitlines()
    tables = 0
    for index, line in enumerate(lines):
        if re.fullmatch(r"\|( --- \|)+", line):
            tables += 1
            width = line.count("---")
            header = lines[index - 1]
            assert _cells(header) == width
            row = index + 1
            while row < len(lines) and lines[row].startswith("|"):
                assert _cells(lines[row]) == width, lines[row]
                row += 1
    assert tables >= 1


def _cells(line: str) -> int:
    return len(re.split(r"(?<!\\)\|", line)) - 2


# -- options and errors ---------------------------------------------------------------


def _options(root: Path, name: str, **kwargs: Any) -> ReportOptions:
    return ReportOptions(name=name, path=root, as_of=date(2026, 11, 27), **kwargs)


def test_unknown_report_lists_the_available_ones() -> None:
    with pytest.raises(UsageError) as error:
        render_report(_options(EXAMPLE, "nonsense"))
    assert "assessment, meeting, site, transfer-register" in str(error.value)


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        ("site", {}, "--site"),
        ("site", {"site": "atlantis"}, "atlantis"),
        ("meeting", {}, "--record"),
        ("meeting", {"record": "trf-2026-001"}, "not a Meeting"),
        ("meeting", {"record": "nope"}, "no record"),
        ("assessment", {"format": "docx"}, "--format"),
        ("assessment", {"audience": "everyone"}, "--audience"),
        ("assessment", {"format": "pdf"}, "--output"),
    ],
)
def test_bad_options_are_usage_errors(name: str, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        render_report(_options(EXAMPLE, name, **kwargs))


def test_public_meeting_report_refuses_a_restricted_record(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace({"meetings/m.yaml": _MEETING.replace("internal", "restricted")})
    with pytest.raises(UsageError, match="restricted"):
        render_report(_options(root, "meeting", record="m-1", audience="public"))
    assert "Ann Example" in render_report(_options(root, "meeting", record="m-1"))


def test_pdf_without_weasyprint_gives_the_install_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # None in sys.modules makes `import weasyprint` fail as if it were not installed.
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    target = tmp_path / "a.pdf"
    with pytest.raises(UsageError, match=re.escape("pip install 'vpsec[pdf]'")):
        run_report(_options(EXAMPLE, "assessment", format="pdf", output=target))
    assert not target.exists()


def test_run_report_writes_the_output_file(tmp_path: Path) -> None:
    target = tmp_path / "register.html"
    code = run_report(_options(EXAMPLE, "transfer-register", format="html", output=target))
    assert code == 0
    assert "trf-2026-008" in target.read_text(encoding="utf-8")


# -- workspace templates and the sandbox ---------------------------------------------------

_SITE = """\
apiVersion: vpsec/v1
kind: Site
id: s-1
name: Test Site
country: ZM
"""
_MEETING = """\
apiVersion: vpsec/v1
kind: Meeting
id: m-1
sensitivity: internal
date: 2026-05-01
level: local
counterpart: public_security
participants:
  - name: Ann Example
    role: Security Manager
decisions:
  - text: Agree the patrol plan.
    owner: Ann Example
"""


def _with_template(write_workspace: WriteWorkspace, name: str, source: str) -> Path:
    return write_workspace(
        {"sites/s.yaml": _SITE, "meetings/m.yaml": _MEETING, f"templates/{name}": source}
    )


def test_workspace_template_overrides_the_built_in(write_workspace: WriteWorkspace) -> None:
    root = _with_template(
        write_workspace,
        "assessment.md.j2",
        "Our own: {{ report.organisation }}, {{ sites|length }} site(s)\n",
    )
    assert render_report(_options(root, "assessment")) == "Our own: Test Mining plc, 1 site(s)\n"
    # The HTML form still comes from the built-ins.
    assert "<!DOCTYPE html>" in render_report(_options(root, "assessment", format="html"))


def test_workspace_template_adds_a_report_and_uses_built_in_macros(
    write_workspace: WriteWorkspace,
) -> None:
    root = _with_template(
        write_workspace,
        "board.md.j2",
        '{% import "_macros.md.j2" as m %}{{ m.row(["a|b", report.name]) }}\n',
    )
    assert "board" in available_reports(root)
    assert render_report(_options(root, "board")) == "| a\\|b | board |\n"


def test_public_workspace_template_cannot_reach_names(write_workspace: WriteWorkspace) -> None:
    root = _with_template(
        write_workspace,
        "dump.md.j2",
        "{{ records }} {{ findings }} {{ sites }} {{ waivers }}\n",
    )
    assert "Ann" in render_report(_options(root, "dump"))
    output = render_report(_options(root, "dump", audience="public"))
    assert "Ann" not in output and "Example" not in output


ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'] }}",
    "{{ joiner.__init__.__globals__.os.popen('id').read() }}",
    "{{ report.__class__.__init__ }}",
    "{{ self.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{% set _ = report.update({'title': 'x'}) %}",
    "{{ records.pop('Site') }}",
    "{{ report.title.format.__globals__ }}",
    "{{ (report.title|attr('__class__')).__mro__ }}",
]


@pytest.mark.parametrize("attempt", ESCAPES)
def test_sandbox_refuses_escapes_naming_template_and_line(
    write_workspace: WriteWorkspace, attempt: str
) -> None:
    root = _with_template(write_workspace, "evil.html.j2", f"<p>line one</p>\n\n{attempt}\n")
    with pytest.raises(TemplateError) as error:
        render_report(_options(root, "evil", format="html"))
    assert str(error.value).startswith("templates/evil.html.j2:3: "), str(error.value)


def test_undefined_variable_names_template_and_line(write_workspace: WriteWorkspace) -> None:
    root = _with_template(write_workspace, "x.md.j2", "ok\n{{ report.title }}\n{{ no_such }}\n")
    with pytest.raises(TemplateError, match=r"^templates/x\.md\.j2:3: undefined: 'no_such'"):
        render_report(_options(root, "x"))


def test_undefined_attribute_in_an_included_macro_names_that_file(
    write_workspace: WriteWorkspace,
) -> None:
    root = write_workspace(
        {
            "sites/s.yaml": _SITE,
            "templates/y.md.j2": '{% import "_mine.md.j2" as m %}\n{{ m.f(report) }}\n',
            "templates/_mine.md.j2": "{% macro f(r) %}\n\n{{ r.missing }}{% endmacro %}\n",
        }
    )
    with pytest.raises(TemplateError, match=r"^templates/_mine\.md\.j2:3: undefined"):
        render_report(_options(root, "y"))


def test_syntax_error_names_template_and_line(write_workspace: WriteWorkspace) -> None:
    root = _with_template(write_workspace, "bad.md.j2", "a\nb\n{% if %}\n")
    with pytest.raises(TemplateError, match=r"^templates/bad\.md\.j2:3: syntax error"):
        render_report(_options(root, "bad"))


def test_templates_cannot_include_files_outside_the_template_folders(
    write_workspace: WriteWorkspace,
) -> None:
    root = _with_template(write_workspace, "inc.md.j2", '{% include "../vpsec.yaml" %}\n')
    with pytest.raises(TemplateError, match=r"^templates/inc\.md\.j2:1: no template"):
        render_report(_options(root, "inc"))


@pytest.mark.skipif(os.name == "nt", reason="symlinks")
def test_a_symlinked_template_pointing_outside_is_refused(
    write_workspace: WriteWorkspace, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET\n", encoding="utf-8")
    root = _with_template(write_workspace, "ok.md.j2", '{% include "leak.md.j2" %}\n')
    (root / "templates" / "leak.md.j2").symlink_to(secret)
    with pytest.raises(TemplateError) as error:
        render_report(_options(root, "ok"))
    assert "TOP SECRET" not in str(error.value)


def test_runaway_recursion_is_a_template_error(write_workspace: WriteWorkspace) -> None:
    root = _with_template(
        write_workspace, "loop.md.j2", "{% macro f() %}{{ f() }}{% endmacro %}\n{{ f() }}\n"
    )
    with pytest.raises(TemplateError, match="recurses"):
        render_report(_options(root, "loop"))


def test_html_templates_escape_record_text(write_workspace: WriteWorkspace) -> None:
    root = write_workspace(
        {"sites/s.yaml": _SITE.replace("Test Site", "<script>alert(1)</script>")}
    )
    output = render_report(_options(root, "site", site="s-1", format="html"))
    assert "<script>" not in output
    assert "&lt;script&gt;" in output


# -- through the real command line ---------------------------------------------------------


def _vpsec(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VPSEC), *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=120
    )


def test_cli_renders_a_report() -> None:
    done = _vpsec("report", "meeting", "--record", MEETING, "-w", str(EXAMPLE), "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Minutes: Monthly security coordination meeting")


def test_cli_sandbox_escape_is_exit_2_with_template_and_line(
    write_workspace: WriteWorkspace,
) -> None:
    root = _with_template(write_workspace, "evil.md.j2", "x\n{{ cycler.__init__.__globals__ }}\n")
    done = _vpsec("report", "evil", "-w", str(root), "--as-of", AS_OF)
    assert done.returncode == 2
    assert "templates/evil.md.j2:2:" in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_unknown_report_is_exit_2() -> None:
    done = _vpsec("report", "nope", "-w", str(EXAMPLE))
    assert done.returncode == 2
    assert "available: assessment, meeting, site, transfer-register" in done.stderr


def test_a_report_reads_the_workspace_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Records and findings come from one parse of the files (it used to be two)."""
    import vpsec.load.workspace as workspace_module

    parse = workspace_module.parse_scanned
    calls: list[int] = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return parse(*args, **kwargs)

    monkeypatch.setattr(workspace_module, "parse_scanned", counting)
    text = render_report(_options(EXAMPLE, "assessment"))
    assert "Findings by site" in str(text)
    assert len(calls) == 1


_NOUNS = "error|warning|record|finding|transfer|participant|concern|item|waiver|clause|name|mention"


@pytest.mark.parametrize("report", list(REPORTS))
@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("audience", ["internal", "public"])
def test_reports_count_in_words(
    rendered: dict[tuple[str, str, str], str], assessed: Any, report: str, fmt: str, audience: str
) -> None:
    text = _text(rendered[(report, fmt, audience)], fmt)
    # The report's own sentences: a "(s)" may only come from a rule's message.
    from_rules = {w for f in assessed.findings for w in re.findall(r"(\w+)\(s\)", f.message)}
    assert set(re.findall(r"(\w+)\(s\)", text)) <= from_rules
    assert not re.search(rf"(?<![\d,.]) ?\b1 ({_NOUNS})s\b", text), report
    assert not re.search(rf"\b(0|[2-9]|\d{{2,}}) ({_NOUNS})\b(?![-\w])", text), report
    assert " ihl" not in text and "individuals level" not in text


def test_public_minutes_do_not_contradict_themselves(
    rendered: dict[tuple[str, str, str], str],
) -> None:
    text = _text(rendered[("meeting", "md", "public")], "md")
    assert "1 concern raised at this meeting is about a restricted record and is not shown" in text
    assert "No incidents on record were raised" not in text


def test_counts_agree_with_their_nouns(rendered: dict[tuple[str, str, str], str]) -> None:
    text = _text(rendered[("assessment", "html", "internal")], "html")
    assert "1 finding is waived" in text
    assert "41 records assessed" in text
    register = _text(rendered[("transfer-register", "html", "internal")], "html")
    assert re.search(r"\b\d+ transfers\.", register)
    assert "(individual officers)" in register or "(local level)" in register


@pytest.mark.parametrize("report", ["assessment", "site"])
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_client_text_has_no_field_names_or_file_paths(
    rendered: dict[tuple[str, str, str], str], report: str, fmt: str
) -> None:
    public = rendered[(report, fmt, "public")]
    assert ".yaml:" not in public and "What to do" not in public
    assert "For the team that keeps the records" not in public
    assert ("<code>" not in public) if fmt == "html" else ("`" not in public)
    internal = rendered[(report, fmt, "internal")]
    body, _, team = internal.partition("For the team that keeps the records")
    assert team, "internal reports keep the records' details in their own section"
    assert ".yaml:" not in body and "What to do" not in body
    assert re.search(r"[a-z]+/[\w.-]+\.yaml:\d+", team)
    # A field a finding names (RSK005: armed_groups) is shown as a field to the team only.
    assert "armed_groups" in team.replace("\\", "") and "armed_groups" not in body
