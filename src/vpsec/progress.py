"""A progress line for long work: on a terminal only, on stderr, after about a second.

A cold `vpsec assess` of 10,000 records takes many seconds; without a sign
of life a person at a terminal cannot tell work from a hang. The line is
never shown where nobody watches it or where it would pollute output: in CI
(the `CI` environment variable), when stdout or stderr is not a terminal
(piped, redirected, captured), or on a dumb terminal. It goes to stderr, so
stdout carries only the command's output, and it is erased when the work ends.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import IO, Any

# Work that ends sooner than this shows nothing at all.
DELAY_SECONDS = 1.0


def _is_terminal(stream: IO[str] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError):  # closed or detached
        return False


def wanted(
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> bool:
    """Whether a progress line may be shown: both streams are terminals, and this is not CI."""
    environ = os.environ if environ is None else environ
    if environ.get("CI", "").strip().casefold() not in ("", "0", "false", "no"):
        return False
    if environ.get("TERM") == "dumb":
        return False
    stdout = sys.stdout if stdout is None else stdout
    stderr = sys.stderr if stderr is None else stderr
    return _is_terminal(stdout) and _is_terminal(stderr)


class Progress:
    """The line shown for one piece of work; `step` says what it is doing now."""

    def __init__(self, text: str, stream: IO[str] | None, delay: float) -> None:
        self._text = text
        self._stream = stream
        self._lock = threading.Lock()
        self._done = False
        self._display: Any = None
        self._task: Any = None
        self._timer: threading.Timer | None = None
        if stream is not None:
            self._timer = threading.Timer(delay, self._show)
            self._timer.daemon = True
            self._timer.start()

    def _show(self) -> None:
        with self._lock:
            if self._done:
                return
            # Imported here: most runs end before the delay and never need rich's live display.
            from rich.console import Console
            from rich.progress import Progress as Display
            from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

            console = Console(file=self._stream, color_system=None, force_terminal=True)
            self._display = Display(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=console,
                transient=True,
                redirect_stdout=False,
                redirect_stderr=False,
            )
            self._task = self._display.add_task(self._text, total=None)
            self._display.start()

    def step(self, text: str) -> None:
        """Say what the work is doing now."""
        with self._lock:
            self._text = text
            if self._display is not None:
                self._display.update(self._task, description=text)

    @property
    def shown(self) -> bool:
        """Whether the line has appeared (the work took longer than the delay)."""
        return self._display is not None

    def close(self) -> None:
        with self._lock:
            self._done = True
            if self._timer is not None:
                self._timer.cancel()
            if self._display is not None:
                self._display.stop()


@contextmanager
def progress(
    text: str,
    *,
    delay: float | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Iterator[Progress]:
    """Show `text` with a spinner and the time taken on stderr while the block runs long.

    Nothing is shown when `wanted()` says no, or when the block ends within the delay.
    """
    stderr = sys.stderr if stderr is None else stderr
    shown = wanted(stdout, stderr, environ)
    line = Progress(text, stderr if shown else None, DELAY_SECONDS if delay is None else delay)
    try:
        yield line
    finally:
        line.close()


__all__ = ["DELAY_SECONDS", "Progress", "progress", "wanted"]
