"""Text from a workspace, made safe to print on a terminal.

Record fields, file names and commit messages are written by whoever wrote
the workspace. An escape sequence among them could clear the screen, hide
the rest of the output ("The audit trail is NOT intact") or retitle the
window, so every control character from data is shown as a visible escape
(`\\x1b`) instead of being sent to the terminal. vpsec's own colours are
added after this, by rich, from markup vpsec writes itself.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, and C1 controls: what a terminal acts on.
# Unicode direction marks are left alone: Arabic and Hebrew names need them.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _visible(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def terminal_safe(text: str) -> str:
    """Text with every control character from data shown as an escape, never interpreted."""
    return _UNSAFE.sub(_visible, text)


def terminal_line(text: str) -> str:
    """One line of terminal text: newlines and tabs from data are escaped too."""
    return terminal_safe(text).replace("\n", "\\n").replace("\t", "\\t")
