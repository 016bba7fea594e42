"""GitHub workflow commands: escaped, errors first, within GitHub's limits; only them on stdout."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from render_support import AS_OF, EXAMPLE, HOSTILE, VPSEC, finding, made_result

from vpsec.findings import Finding, RunResult, Severity
from vpsec.render import RenderOptions
from vpsec.render.github import (
    ANNOTATIONS_PER_KIND,
    SUMMARY_LIMIT,
    annotated,
    escape_data,
    escape_property,
    post_render,
    render,
)

COMMAND = re.compile(
    r"^::(error|warning|notice) file=(?P<file>[^,:]+),line=(?P<line>[1-9]\d*),"
    r"col=(?P<col>[1-9]\d*),title=vpsec \((?P<rule>[A-Z]+\d+)\)::(?P<message>.*)$"
)


def unescape(text: str) -> str:
    """What the runner does with an escaped value."""
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def test_example_commands(example_result: RunResult) -> None:
    lines = render(example_result, RenderOptions()).splitlines()
    shown, rest = annotated(example_result)
    assert len(lines) == len(shown) + (1 if rest else 0)
    commands = {"error": "error", "warning": "warning", "info": "notice"}
    for line, source in zip(lines, shown, strict=False):
        match = COMMAND.match(line)
        assert match, line
        assert match.group(1) == commands[source.severity.value]
        assert match.group("file") == f"examples/lakeside-minerals/{source.path}"
        assert match.group("rule") == source.rule
        assert int(match.group("line")) == (source.line or 1)


def test_record_text_cannot_start_a_command() -> None:
    injected = finding("TRF001", message="receipt\n::error file=x::pwned and %0A::warning::also")
    output = render(made_result([injected]), RenderOptions())
    lines = output.splitlines()
    assert len(lines) == 1
    assert lines[0].count("::error") == 2  # ours, and the quoted one in the escaped message
    assert "%0A::error file=x::pwned" in lines[0]
    assert "%250A::warning" in lines[0]
    match = COMMAND.match(lines[0])
    assert match
    assert unescape(match.group("message")).endswith(injected.message)


def test_property_values_are_escaped() -> None:
    odd = finding("TRF001", path="a,b:c%/x\ny.yaml", message=HOSTILE)
    (line,) = render(made_result([odd]), RenderOptions()).splitlines()
    assert "file=a%2Cb%3Ac%25/x%0Ay.yaml,line=14" in line


@given(st.text())
def test_escaping_round_trips_and_stays_on_one_line(text: str) -> None:
    for escaped in (escape_data(text), escape_property(text)):
        assert "\n" not in escaped and "\r" not in escaped
        assert unescape(escaped) == text
    assert ":" not in escape_property(text) and "," not in escape_property(text)


def run_github(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VPSEC), "assess", str(EXAMPLE), "--as-of", AS_OF, "--format", "github"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_entry_point_stdout_is_commands_and_summary_is_appended(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_ACTIONS": "true"}
    done = run_github(env)
    assert done.returncode in (0, 1)
    assert done.stdout, "the example has findings"
    *annotations, last = done.stdout.splitlines()
    assert all(COMMAND.match(line) for line in annotations)
    assert COMMAND.match(last) or last.startswith("::notice title=vpsec::")
    assert "vpsec assess:" in done.stderr
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("earlier step\n## vpsec assess")
    assert "| severity | rule | location | message |" in written


def test_entry_point_without_summary_variable_writes_no_file(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}
    done = subprocess.run(
        [str(VPSEC), "assess", str(EXAMPLE), "--as-of", AS_OF, "--format", "github"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode in (0, 1)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_summary_is_one_line_and_exit_2(tmp_path: Path) -> None:
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(tmp_path)}  # a folder: cannot append
    done = run_github(env)
    assert done.returncode == 2
    assert "step summary" in done.stderr and "Traceback" not in done.stderr


def many(count: int, severity: Severity, prefix: str = "x") -> list[Finding]:
    return [
        finding(
            "TRF001",
            severity=severity,
            path=f"transfers/{prefix}-{i:05d}.yaml",
            record=f"{prefix}-{i:05d}",
            message=f"{prefix}-{i:05d}: radios handed over have no signed receipt",
        )
        for i in range(count)
    ]


def kinds(text: str) -> list[str]:
    return [line.split(" ", 1)[0].split("::")[1] for line in text.splitlines()]


def test_errors_come_first_and_each_kind_stops_at_its_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", "/dev/null")
    # In path order the notices and warnings would come first and crowd out the errors.
    findings = [
        *many(15, Severity.INFO, "a"),
        *many(12, Severity.WARNING, "b"),
        *many(14, Severity.ERROR, "c"),
    ]
    lines = render(made_result(findings), RenderOptions()).splitlines()
    order = kinds("\n".join(lines))
    assert order == ["error"] * 10 + ["warning"] * 10 + ["notice"] * 10
    *annotations, last = lines
    assert all(COMMAND.match(line) for line in annotations)
    assert last.startswith("::notice title=vpsec::")
    # 4 errors, 2 warnings, and 6 notices: one notice slot went to this line.
    message = unescape(last.split("::", 2)[2])
    assert message.startswith("12 more findings not annotated (4 errors, 2 warnings, 6 notices)")
    assert "job summary" in message


def test_within_the_limits_every_finding_is_annotated_and_no_notice_added() -> None:
    findings = [*many(10, Severity.ERROR), *many(10, Severity.WARNING), *many(10, Severity.INFO)]
    lines = render(made_result(findings), RenderOptions()).splitlines()
    assert len(lines) == 30
    assert all(COMMAND.match(line) for line in lines)


def test_the_rest_notice_without_a_summary_points_at_the_text_output(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    lines = render(made_result(many(ANNOTATIONS_PER_KIND + 3, Severity.ERROR)), RenderOptions())
    last = lines.splitlines()[-1]
    assert "3 more findings not annotated (3 errors)" in unescape(last)
    assert "vpsec assess --format text" in unescape(last)


def test_step_summary_stays_under_one_mebibyte_and_says_what_it_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # About 6,000 findings make a table of well over 1 MiB.
    findings = [*many(300, Severity.ERROR, "e"), *many(5_700, Severity.WARNING, "w")]
    result = made_result(findings)
    summary = tmp_path / "summary.md"
    earlier = "earlier output of this step\n" * 1000
    summary.write_text(earlier, encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    post_render(result, RenderOptions())
    written = summary.read_bytes()
    assert len(written) < SUMMARY_LIMIT
    text = written.decode("utf-8").removeprefix(earlier)
    (note,) = [line for line in text.splitlines() if "left out" in line]
    left = int(re.search(r"\*\*(\d+) findings left out\*\*", note).group(1))  # type: ignore[union-attr]
    rows = [line for line in text.splitlines() if line.startswith("| ") and "TRF001" in line]
    assert left + len(rows) == len(findings)
    assert left > 0
    # The most serious are kept: every error made it.
    assert sum(1 for line in rows if line.startswith("| 🔴")) == 300
    assert "SARIF log" in note and "vpsec assess --format text" in note
    # Just under the limit: nearly all the room is used.
    assert len(written) > SUMMARY_LIMIT - 2_000
    assert "vpsec assess:" in capsys.readouterr().err


def test_small_summary_is_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    post_render(made_result(many(5, Severity.ERROR)), RenderOptions())
    text = summary.read_text(encoding="utf-8")
    assert "left out" not in text
    assert text.count("| 🔴 error | [TRF001]") == 5


def test_the_public_notice_and_the_rest_line_fit_in_the_notice_limit() -> None:
    from dataclasses import replace

    findings = [*many(12, Severity.ERROR, "e"), *many(15, Severity.INFO, "i")]
    public = replace(made_result(findings), notices=("Names were replaced by roles.",))
    order = kinds(render(public, RenderOptions()))
    assert order.count("notice") == ANNOTATIONS_PER_KIND
    assert order[0] == "notice" and order.count("error") == ANNOTATIONS_PER_KIND
    shown, rest = annotated(public)
    assert rest == {Severity.ERROR: 2, Severity.INFO: 7}
    assert len(shown) == 10 + 8
