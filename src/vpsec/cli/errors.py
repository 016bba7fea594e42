"""The one place where exceptions become messages and exit codes."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import Any

from vpsec.cli.state import STATE
from vpsec.errors import VpsecError


def _say(message: str) -> None:
    sys.stderr.write(f"vpsec: {message}\n")


class Stopped(BaseException):
    """SIGINT or SIGTERM arrived: unwind, so that finally blocks remove temporary files.

    A BaseException of its own rather than KeyboardInterrupt, which Click
    would turn into "Aborted!" and exit 1 (the code for findings).
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


# The signals that arrived during the run. A library may catch Stopped and raise
# something else in its place (pydantic-core turns it into a SchemaError when it
# lands while a model's validator is being built): the run was still stopped.
_RECEIVED: list[int] = []


def _stop(signum: int, _frame: FrameType | None) -> None:
    _RECEIVED.append(signum)
    raise Stopped(signum)


def _stopped(signum: int) -> int:
    _say("interrupted" if signum == signal.SIGINT else "terminated")
    return 128 + signum


@contextmanager
def _stopping_cleanly(process_ends: bool) -> Iterator[None]:
    """SIGINT and SIGTERM raise Stopped while the command runs (the default SIGTERM kills the
    process at once, leaving a half-written temporary file beside --output).

    When the process ends with the command (process_ends), a signal that comes
    after the command finished is ignored: its output is complete, and the
    default handler would turn a finished run into a killed one during
    interpreter teardown. In-process callers (tests) get their handlers back.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _RECEIVED.clear()
    previous = {number: signal.signal(number, _stop) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_IGN if process_ends else handler)


def run(app: Any, args: Sequence[str] | None = None, *, process_ends: bool = False) -> int:
    """Run the Typer app and return its exit code; foreseeable problems become one line, exit 2.

    Typer itself turns usage errors into a message and exit 2; everything
    vpsec raises on purpose is a VpsecError, said in one line. SIGINT and
    SIGTERM end the run with 130 and 143, after its clean-up has run.
    """
    try:
        with _stopping_cleanly(process_ends):
            app(args=list(args) if args is not None else None, prog_name="vpsec")
    except Stopped as stop:
        return _stopped(stop.signum)
    except SystemExit as done:
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    except VpsecError as error:
        if _RECEIVED:
            return _stopped(_RECEIVED[0])
        _say(f"error: {error}")
        return error.exit_code
    except KeyboardInterrupt:
        _say("interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # a bug: say so, and show the traceback only with --debug
        if _RECEIVED:
            return _stopped(_RECEIVED[0])
        if STATE.debug:
            raise
        _say(
            f"internal error: {type(error).__name__}: {error}. This is a bug in vpsec; "
            "run again with --debug for the traceback and report it."
        )
        return 2
    return 0
