"""The one place where exceptions become messages and exit codes."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from vpsec.cli.state import STATE
from vpsec.errors import VpsecError


def _say(message: str) -> None:
    sys.stderr.write(f"vpsec: {message}\n")


def run(app: Any, args: Sequence[str] | None = None) -> int:
    """Run the Typer app and return its exit code; foreseeable problems become one line, exit 2.

    Typer itself turns usage errors into a message and exit 2; everything
    vpsec raises on purpose is a VpsecError, said in one line.
    """
    try:
        app(args=list(args) if args is not None else None, prog_name="vpsec")
    except SystemExit as done:
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    except VpsecError as error:
        _say(f"error: {error}")
        return error.exit_code
    except KeyboardInterrupt:
        _say("interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # a bug: say so, and show the traceback only with --debug
        if STATE.debug:
            raise
        _say(
            f"internal error: {type(error).__name__}: {error}. This is a bug in vpsec; "
            "run again with --debug for the traceback and report it."
        )
        return 2
    return 0
