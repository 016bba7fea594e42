"""The command line: parse arguments, call one use case, turn its result into an exit code.

Typer is imported only in this package, so the application layer never
depends on how it was called. The Typer app itself (`vpsec.cli.commands`) is
built only when a command runs: `vpsec --version` answers without it, which
keeps start-up close to that of the interpreter.
"""

from __future__ import annotations

import sys
from typing import Any


def main() -> None:
    """Entry point of the `vpsec` console script."""
    if sys.argv[1:] in (["--version"], ["-V"]):
        from vpsec import __version__

        print(f"vpsec {__version__}")
        return
    from vpsec.cli.commands import app
    from vpsec.cli.errors import run

    sys.exit(run(app, process_ends=True))


def __getattr__(name: str) -> Any:
    # `from vpsec.cli import app` still works, without building it on import.
    if name == "app":
        from vpsec.cli.commands import app

        return app
    raise AttributeError(name)
