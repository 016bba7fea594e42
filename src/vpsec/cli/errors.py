"""The one place where exceptions become messages and exit codes."""

from __future__ import annotations

import sys
from typing import Any

from vpsec.cli.state import STATE
from vpsec.errors import VpsecError


def _say(message: str) -> None:
    sys.stderr.write(f"vpsec: {message}\n")


def run(app: Any) -> None:
    """Run the Typer app; map foreseeable problems to one line and exit 2."""
    try:
        app(standalone_mode=True)
    except SystemExit:
        raise
    except VpsecError as error:
        _say(f"error: {error}")
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        _say("interrupted")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as error:  # a bug: say so, and show the traceback only with --debug
        if STATE.debug:
            raise
        _say(
            f"internal error: {type(error).__name__}: {error}. This is a bug in vpsec; "
            "run again with --debug for the traceback and report it."
        )
        sys.exit(2)
