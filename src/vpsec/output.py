"""Where a command's output goes: standard output, or a file written atomically."""

from __future__ import annotations

import sys
from pathlib import Path

from vpsec.atomic import write_atomic
from vpsec.render.terminal import terminal_safe


def emit(data: str | bytes, output: Path | None, *, sanitised: bool = False) -> None:
    """Write output to a file (atomically) or to stdout.

    Control characters from data are shown escaped on standard output (a
    terminal, or a CI log that interprets escape sequences too), unless the
    renderer keeps them out itself (`sanitised`: text that adds its own
    colours, JSON and XML that encode them).
    """
    if output is not None:
        write_atomic(output, data)
        return
    if isinstance(data, bytes):
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    if not sanitised:
        data = terminal_safe(data)
    sys.stdout.write(data)
    sys.stdout.flush()


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return path.relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        return str(path)
