"""The Typer application: global options, and every command module registered on it.

Commands are listed in `vpsec --help` in the order a user meets them
(vpsec.cli.help.SECTIONS), whichever module registers them.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from vpsec import __version__
from vpsec.cli import check, git_cmds, report_cmd, sheet_cmds, workspace_cmds
from vpsec.cli.help import VpsecGroup, VpsecTyper, examples
from vpsec.cli.state import STATE

app = VpsecTyper(
    name="vpsec",
    cls=VpsecGroup,
    help=(
        "Keep security arrangements in line with the Voluntary Principles "
        "on Security and Human Rights.\n\n"
        "Records are YAML files in a git repository (the workspace). `vpsec COMMAND --help` "
        "explains each command, with examples."
    ),
    epilog=examples(
        ("A workspace made from the bundled example", "vpsec init demo --example"),
        ("Every finding, grouped by site", "vpsec assess demo"),
        (
            "A report to hand to a client",
            "vpsec report assessment -w demo --format html -o report.html",
        ),
    ),
    # Help is plain text, printed as written: no Rich markup to escape (vpsec.cli.help).
    rich_markup_mode=None,
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
