"""GitHub workflow commands: one escaped command per finding, nothing else on stdout."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from render_support import AS_OF, EXAMPLE, HOSTILE, VPSEC, finding, made_result

from vpsec.findings import RunResult
from vpsec.render import RenderOptions
from vpsec.render.github import escape_data, escape_property, render

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
    assert len(lines) == len(example_result.findings)
    commands = {"error": "error", "warning": "warning", "info": "notice"}
    for line, source in zip(lines, example_result.findings, strict=True):
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
    assert all(COMMAND.match(line) for line in done.stdout.splitlines())
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
