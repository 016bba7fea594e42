"""The command line, in-process and through the installed `vpsec` entry point."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import AS_OF, EXAMPLE, VPSEC, WriteWorkspace
from vpsec import __version__
from vpsec.cli import app
from vpsec.cli.errors import run


def invoke(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(app, list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def vpsec(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VPSEC), *args], capture_output=True, text=True, cwd=cwd, timeout=120, check=False
    )


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert invoke(capsys, "--version") == (0, f"vpsec {__version__}\n", "")


def test_validate_example_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = invoke(capsys, "validate", str(EXAMPLE))
    assert code == 0
    assert "0 errors" in out


def test_validate_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = invoke(capsys, "validate", str(EXAMPLE), "--format", "json", "--as-of", AS_OF)
    document = json.loads(out)
    assert code == 0
    assert set(document) == {"vpsec", "as_of", "workspace", "summary", "findings"}
    assert document["as_of"] == AS_OF
    assert set(document["summary"]) == {"records", "error", "warning", "info", "waived"}


def test_assess_json_findings_follow_cli_md(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = invoke(capsys, "assess", str(EXAMPLE), "--format", "json", "--as-of", AS_OF)
    document = json.loads(out)
    assert code == 1
    keys = {
        "rule",
        "severity",
        "title",
        "message",
        "record",
        "kind",
        "site",
        "path",
        "line",
        "column",
        "sources",
    }
    assert document["findings"]
    for finding in document["findings"]:
        assert set(finding) == keys
        assert "\\" not in finding["path"]
    order = [(f["path"], f["line"] or 0, f["rule"]) for f in document["findings"]]
    assert order == sorted(order)


def test_fail_on_levels(capsys: pytest.CaptureFixture[str]) -> None:
    assert invoke(capsys, "assess", str(EXAMPLE), "--as-of", AS_OF, "--fail-on", "never")[0] == 0
    assert (
        invoke(
            capsys,
            "assess",
            str(EXAMPLE),
            "--as-of",
            AS_OF,
            "--select",
            "CON",
            "--fail-on",
            "error",
        )[0]
        == 0
    )
    assert (
        invoke(
            capsys,
            "assess",
            str(EXAMPLE),
            "--as-of",
            AS_OF,
            "--select",
            "CON",
            "--fail-on",
            "warning",
        )[0]
        == 1
    )


def test_statistics(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = invoke(
        capsys, "assess", str(EXAMPLE), "--as-of", AS_OF, "--statistics", "--format", "json"
    )
    stats = json.loads(out)["statistics"]
    assert {"rule": "TRF001", "count": 1} in stats


def test_output_file_is_written(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    code, out, _ = invoke(
        capsys, "validate", str(EXAMPLE), "--format", "json", "--output", str(target)
    )
    assert code == 0 and out == ""
    assert json.loads(target.read_text())["summary"]["error"] == 0
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["assess", "--as-of", "yesterday"], "--as-of"),
        (["assess", "--select", "NOPE"], "NOPE is not a rule code"),
        (["assess", "--ignore", "TRF999"], "TRF999"),
        (["assess", "--fail-on", "sometimes"], "--fail-on"),
        (["assess", "--format", "xml"], "--format"),
        (["assess", "--site", "atlantis"], "no site"),
        (["rules", "XYZ001"], "not a rule code"),
        (["new", "Widget"], "unknown kind"),
    ],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = invoke(
        capsys,
        *args[:1],
        *(["--workspace", str(EXAMPLE)] if args[0] in ("assess", "new") else []),
        *args[1:],
    )
    assert code == 2
    assert message in err
    assert "Traceback" not in err + out


def test_no_workspace_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = invoke(capsys, "validate", str(tmp_path))
    assert code == 2
    assert "no vpsec.yaml" in err


def test_output_to_a_folder_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = invoke(capsys, "validate", str(EXAMPLE), "--output", str(tmp_path))
    assert code == 2
    assert "is a folder" in err


def test_rules_lists_the_whole_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    from vpsec import catalogue

    code, out, _ = invoke(capsys, "rules")
    assert code == 0
    for info in catalogue.all_rules():
        assert info.code in out


def test_rules_explains_one(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = invoke(capsys, "rules", "dep003")
    assert code == 0
    assert "MIGA: III-8" in out
    assert "How to fix" in out


def test_validation_errors_exit_1_with_file_and_line(
    capsys: pytest.CaptureFixture[str], write_workspace: WriteWorkspace
) -> None:
    root = write_workspace(
        {"sites/a.yaml": "apiVersion: vpsec/v1\nkind: Site\nid: a\nname: A\ncountry: XX\n"}
    )
    code, out, _ = invoke(capsys, "validate", str(root))
    assert code == 1
    assert "sites/a.yaml:5:1" in out
    assert "V002" in out


# Through the real installed entry point.


def test_entry_point_assess_example() -> None:
    done = vpsec("assess", str(EXAMPLE), "--as-of", AS_OF, "--format", "json")
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["summary"]["error"] >= 1


def test_entry_point_bad_yaml_is_one_line(write_workspace: WriteWorkspace) -> None:
    root = write_workspace({"bad.yaml": "a: [1\n"})
    done = vpsec("validate", str(root))
    assert done.returncode == 1
    assert "bad.yaml:" in done.stdout
    assert "Traceback" not in done.stderr


def test_entry_point_no_workspace(tmp_path: Path) -> None:
    done = vpsec("assess", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "no vpsec.yaml" in done.stderr


def test_entry_point_python_m(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "vpsec", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"vpsec {__version__}"


@pytest.mark.slow
def test_init_then_new_then_validate(tmp_path: Path) -> None:
    target = tmp_path / "ws"
    done = vpsec("init", str(target), "--organisation", "Acme Gold")
    assert done.returncode == 0, done.stderr
    assert (target / "vpsec.yaml").read_text().count("Acme Gold") == 1
    assert (target / ".git").is_dir() or shutil.which("git") is None
    assert ".vpsec/" in (target / ".gitignore").read_text()
    assert (target / "schemas" / "transfer.json").is_file()
    site = vpsec("new", "site", "--id", "alpha", cwd=target)
    assert site.returncode == 0, site.stderr
    path = target / site.stdout.strip()
    assert path == target / "sites" / "alpha.yaml"
    assert path.read_text().startswith("# yaml-language-server: $schema=../schemas/site.json")
    again = vpsec("new", "site", "--id", "alpha", cwd=target)
    assert again.returncode == 2
    assert "already used by sites/alpha.yaml" in again.stderr
    # Every TODO left is a finding at its line (V007) ...
    transfer = vpsec("new", "transfer", "--site", "alpha", cwd=target)
    assert transfer.returncode == 0, transfer.stderr
    checked = vpsec("validate", str(target), "--format", "json")
    assert checked.returncode == 1
    placeholders = [f for f in json.loads(checked.stdout)["findings"] if f["rule"] == "V007"]
    written = [path, target / transfer.stdout.strip()]
    assert sorted((f["path"], f["line"]) for f in placeholders) == sorted(
        (p.relative_to(target).as_posix(), n)
        for p in written
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if "TODO" in line.split("#")[0]
    )
    # ... and the templates are honest: they validate once their TODOs are filled in.
    for record in written:
        text = record.read_text().replace("country: TODO", "country: PE")
        record.write_text(re.sub(r"TODO[^#\n]*", "Filled in ", text))
    checked = vpsec("validate", str(target), "--format", "json")
    assert checked.returncode == 0, checked.stdout


def test_init_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "ws"
    assert vpsec("init", str(target)).returncode == 0
    (target / "vpsec.yaml").write_text(
        "apiVersion: vpsec/v1\nkind: Workspace\norganisation: Mine\n"
    )
    again = vpsec("init", str(target))
    assert again.returncode == 2
    assert "already exists" in again.stderr
    assert "organisation: Mine" in (target / "vpsec.yaml").read_text()


def test_init_example_is_the_bundled_example(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    assert vpsec("init", str(target), "--example").returncode == 0
    checked = vpsec("validate", str(target))
    assert checked.returncode == 0, checked.stdout
    assert (target / "transfers").is_dir()


def test_schema_command(tmp_path: Path) -> None:
    one = vpsec("schema", "transfer")
    assert one.returncode == 0
    assert json.loads(one.stdout)["title"] == "Transfer"
    written = vpsec("schema", "--output", str(tmp_path / "s"))
    assert written.returncode == 0
    assert len(list((tmp_path / "s").glob("*.json"))) == 10
    assert vpsec("schema", "nothing").returncode == 2


# -- help: plain words, examples, commands in the order a user meets them ----------------


def _commands() -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    context = group.make_context("vpsec", ["--help"], resilient_parsing=True)
    return list(group.list_commands(context))  # type: ignore[attr-defined]


def _help_text_of_app() -> str:
    import typer.main

    group = typer.main.get_command(app)
    with group.make_context("vpsec", ["--help"], resilient_parsing=True) as context:
        return str(group.get_help(context))


def _examples(text: str) -> list[str]:
    """The example command lines of a --help text."""
    _, _, tail = text.partition("Examples:")
    return [line.strip() for line in tail.splitlines() if line.strip().startswith("vpsec ")]


def test_commands_are_listed_in_the_order_a_user_meets_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from vpsec.cli.help import COMMAND_ORDER

    expected = ["init", "new", "validate", "assess", "report", "diff", "decide", "log"]
    expected += ["audit", "rules", "schema"]
    commands = _commands()
    assert commands[: len(expected)] == expected
    # Every command has its place (a new one must be added to vpsec.cli.help.SECTIONS).
    assert set(commands) <= set(COMMAND_ORDER)
    code, out, _ = invoke(capsys, "--help")
    assert code == 0
    rows = re.findall(r"^  ([a-z]+) {2,}(\S.*)$", out, re.M)
    assert [name for name, _ in rows] == commands
    # Each purpose fits on its line: none is cut short with "...".
    assert not [purpose for _, purpose in rows if purpose.endswith("...")]


@pytest.mark.parametrize("command", _commands())
def test_help_of_every_command(capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, out, err = invoke(capsys, command, "--help")
    assert code == 0, err
    # Values are named in words, never with Python type tags such as <str> or <list[str]>.
    assert not re.search(r"<(str|bool|int|path|list|float)\b", out), out
    assert "{" not in out.split("\n", 1)[0], "usage line"
    purpose = out.split("\n\n")[1].strip()
    assert purpose and "\n" not in purpose and purpose.endswith("."), purpose
    examples = _examples(out)
    assert len(examples) >= 2, out
    assert all(e.startswith(f"vpsec {command}") for e in examples), examples


def _help_text(command: str) -> str:
    import typer.main

    group = typer.main.get_command(app)
    context = group.make_context("vpsec", [command], resilient_parsing=True)
    sub = group.get_command(context, command)  # type: ignore[attr-defined]
    with sub.make_context(command, [], parent=context, resilient_parsing=True) as ctx:
        return str(sub.get_help(ctx))


@pytest.mark.parametrize(
    "example",
    [line for command in _commands() for line in _examples(_help_text(command))]
    + _examples(_help_text_of_app()),
)
def test_every_example_parses(example: str) -> None:
    """Each example of the help uses options and arguments the command has."""
    import typer.main

    group = typer.main.get_command(app)
    name, *args = shlex.split(example)[1:]
    context = group.make_context("vpsec", [name], resilient_parsing=True)
    command = group.get_command(context, name)  # type: ignore[attr-defined]
    assert command is not None, name
    # Parsing fails (a UsageError) on an unknown option or a missing argument.
    command.make_context(name, args, parent=context)


def test_report_help_shows_the_pdf_extra_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = invoke(capsys, "report", "--help")
    assert "pip install 'vpsec[pdf]'" in " ".join(out.split())


def test_new_help_names_every_kind(capsys: pytest.CaptureFixture[str]) -> None:
    from vpsec.models import KINDS
    from vpsec.scaffold import kind_name

    _, out, _ = invoke(capsys, "new", "--help")
    text = " ".join(out.split())
    for kind in KINDS:
        assert kind_name(kind) in text


# -- report: what it wrote, and exit codes over invalid records ----------------------------


def test_report_output_says_what_it_wrote(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "assessment.html"
    code, out, err = invoke(
        capsys,
        "report",
        "assessment",
        "-w",
        str(EXAMPLE),
        "--as-of",
        AS_OF,
        "--format",
        "html",
        "-o",
        str(target),
    )
    assert code == 0, err
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"Wrote {target}: the assessment report (html, internal, ")
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_report_over_a_broken_file_exits_1_and_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = tmp_path / "ws"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".vpsec"))
    (root / "transfers" / "broken.yaml").write_text("a: [1\n", encoding="utf-8")
    target = tmp_path / "register.md"
    args = ["report", "transfer-register", "-w", str(root), "--as-of", AS_OF, "-o", str(target)]
    code, out, err = invoke(capsys, *args)
    assert code == 1
    assert target.is_file()
    assert "1 validation error in 1 file: the report leaves out the records they concern" in err
    assert "`vpsec validate` lists them" in err
    # To stdout too: the report is written, the exit code and stderr say it is incomplete.
    code, out, err = invoke(capsys, *args[:-2])
    assert code == 1 and out.startswith("# ")
    assert "validation error" in err


def test_report_over_placeholders_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = tmp_path / "ws"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".vpsec"))
    code, out, _ = invoke(capsys, "new", "transfer", "-w", str(root), "--site", "kamituga")
    assert code == 0
    written = Path(out.strip())
    left = sum(line.split("#")[0].count("TODO") for line in written.read_text().splitlines())
    code, _, err = invoke(capsys, "report", "transfer-register", "-w", str(root))
    assert code == 1
    assert f"the report shows {left} placeholders from `vpsec new` as written" in err


def test_a_signal_a_library_turned_into_another_error_still_ends_the_run_as_stopped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """pydantic-core turns the Stopped a signal raises while it builds a validator into a
    SchemaError: the run was still interrupted, not a bug (exit 130, not 2)."""
    import os
    import signal
    import time

    def app(args: list[str], prog_name: str) -> None:
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)  # the handler raises here, as soon as the signal is taken
        except BaseException as caught:  # as the library does
            raise RuntimeError(f"Error building validator: {caught!r}") from None

    assert run(app, []) == 130
    assert capsys.readouterr().err == "vpsec: interrupted\n"

    # And a later run that nobody interrupts reports its bug as a bug.
    def broken(args: list[str], prog_name: str) -> None:
        raise RuntimeError("boom")

    assert run(broken, []) == 2
    assert "internal error: RuntimeError: boom" in capsys.readouterr().err
