"""The progress line: on a terminal only, on stderr, after a delay, never in CI."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest

from conftest import EXAMPLE
from vpsec import progress as progress_module
from vpsec.cli import app
from vpsec.cli.errors import run
from vpsec.progress import progress, wanted


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_wanted_only_on_two_terminals_outside_ci() -> None:
    tty, pipe = Terminal(), io.StringIO()
    assert wanted(tty, tty, {})
    assert wanted(tty, tty, {"CI": "false", "TERM": "xterm"})
    assert not wanted(pipe, tty, {})
    assert not wanted(tty, pipe, {})
    for value in ("true", "1", "yes", "gitlab"):
        assert not wanted(tty, tty, {"CI": value})
    assert not wanted(tty, tty, {"TERM": "dumb"})


def test_a_closed_stream_is_no_terminal(tmp_path: Path) -> None:
    closed = (tmp_path / "out.txt").open("w")
    closed.close()
    with pytest.raises(ValueError):
        closed.isatty()
    assert not wanted(closed, Terminal(), {})
    assert not wanted(Terminal(), closed, {})


def test_long_work_shows_the_line_on_stderr_and_erases_it() -> None:
    out, err = Terminal(), Terminal()
    with progress("Assessing the records", delay=0, stdout=out, stderr=err, environ={}) as line:
        deadline = time.monotonic() + 5
        while not line.shown and time.monotonic() < deadline:
            time.sleep(0.01)
        line.step("Writing the report")
        time.sleep(0.2)
    assert line.shown
    assert "Assessing the records" in err.getvalue()
    assert "Writing the report" in err.getvalue()
    # Erased at the end (rich's transient display clears its line), and stdout untouched.
    assert err.getvalue().endswith("\x1b[2K")
    assert out.getvalue() == ""


def test_quick_work_shows_nothing() -> None:
    err = Terminal()
    with progress("Assessing", delay=5, stdout=Terminal(), stderr=err, environ={}) as line:
        pass
    assert not line.shown
    assert err.getvalue() == ""


@pytest.mark.parametrize("environ", [{"CI": "true"}, {}])
def test_nothing_when_not_wanted(environ: dict[str, str]) -> None:
    err = Terminal()
    stdout = Terminal() if environ else io.StringIO()
    with progress("Assessing", delay=0, stdout=stdout, stderr=err, environ=environ) as line:
        time.sleep(0.2)
    assert not line.shown
    assert err.getvalue() == ""


@pytest.mark.parametrize("ci", [None, "true"])
def test_assess_on_a_terminal_keeps_stdout_clean(
    monkeypatch: pytest.MonkeyPatch, ci: str | None
) -> None:
    from vpsec.app import checks

    out, err = Terminal(), Terminal()
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setattr("sys.stderr", err)
    monkeypatch.delenv("CI", raising=False)
    if ci is not None:
        monkeypatch.setenv("CI", ci)
    monkeypatch.setattr(progress_module, "DELAY_SECONDS", 0.0)
    slow = checks.run_check

    def run_check(*args: object) -> object:
        time.sleep(0.3)  # long enough for the line to appear
        return slow(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(checks, "run_check", run_check)
    code = run(app, ["assess", str(EXAMPLE), "--format", "json", "--no-cache"])
    assert code == 1
    assert json.loads(out.getvalue())["summary"]["error"] >= 1
    if ci is None:
        assert "Assessing the records" in err.getvalue()
    else:
        assert err.getvalue() == ""
