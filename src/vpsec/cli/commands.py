"""The Typer application: global options, and every command module registered on it."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from vpsec import __version__
from vpsec.cli import check, git_cmds, report_cmd, sheet_cmds, workspace_cmds
from vpsec.cli.state import STATE

app = typer.Typer(
    name="vpsec",
    help=(
        "Keep security arrangements in line with the Voluntary Principles "
        "on Security and Human Rights."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"vpsec {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
    no_color: Annotated[bool, typer.Option("--no-color", help="Never colour the output.")] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a traceback on internal errors.")
    ] = False,
) -> None:
    STATE.debug = debug
    STATE.color = not no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty()


# commands: each module registers its own; add new command modules below this line.
git_cmds.register(app)
report_cmd.register(app)
check.register(app)
workspace_cmds.register(app)
sheet_cmds.register(app)
