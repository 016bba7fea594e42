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

# C0 controls except tab and newline, DEL, C1 controls, and the Unicode
# direction overrides that can make a line read differently from its bytes.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """Text with every control character from data shown as an escape, never interpreted."""
    return _UNSAFE.sub(_visible, text)


def terminal_line(text: str) -> str:
    """One line of terminal text: newlines and tabs from data are escaped too."""
    return terminal_safe(text).replace("\n", "\\n").replace("\t", "\\t")
