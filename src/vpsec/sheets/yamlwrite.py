"""Records as YAML text that vpsec's loader reads back as the same values.

Block style throughout (one field per line, one list item per line), as a
person would write the file and as git diffs show it best. A string is
written plain only when nothing can read it as anything else: it starts with
a letter or an underscore, holds only letters, digits, spaces and a few
punctuation marks, and is not a word YAML reads as null or a boolean (YAML
1.1's yes/no/on/off included, for other tools). Dates are written plain
(YYYY-MM-DD). Everything else is double-quoted, with every character a YAML
reader could change escaped.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

_PLAIN = re.compile(r"[^\W\d][\w .,/()&'+-]*", re.UNICODE)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_RESERVED = frozenset(
    ["null", "true", "false", "yes", "no", "on", "off", "y", "n", "~", "nan", "inf"]
)
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0"}


def _escaped(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    # C0, DEL, C1, the Unicode line and paragraph separators, BOM, non-characters, surrogates.
    if (
        code < 0x20
        or 0x7F <= code <= 0x9F
        or code in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF)
        or 0xD800 <= code <= 0xDFFF
    ):
        return f"\\u{code:04x}"
    return char


def quote(text: str) -> str:
    """A YAML scalar for text: plain when that is unambiguous, else double-quoted."""
    if (
        _PLAIN.fullmatch(text)
        and not text.endswith(" ")
        and text.casefold() not in _RESERVED
        and "  " not in text
    ):
        return text
    if _DATE.fullmatch(text):
        return text
    return '"' + "".join(_escaped(char) for char in text) + '"'


def scalar(value: Any) -> str:
    """One value as YAML: null, true/false, a number, a date or a string."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return quote(str(value))


def _block(value: Any, indent: int) -> list[str]:
    """The lines of a mapping or list, each indented by indent spaces."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            name = scalar(key)
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{name}:")
                lines.extend(_block(item, indent + 2))
            else:
                lines.append(f"{pad}{name}: {_inline(item)}")
        return lines
    for item in value:
        if isinstance(item, (dict, list)) and item:
            inner = _block(item, indent + 2)
            # The first line of the item goes on the dash's line.
            lines.append(f"{pad}- {inner[0][indent + 2 :]}")
            lines.extend(inner[1:])
        else:
            lines.append(f"{pad}- {_inline(item)}")
    return lines


def _inline(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return scalar(value)


def record_yaml(record: dict[str, Any], modeline: str | None = None) -> str:
    """A record (a mapping of plain values) as the text of its own YAML file."""
    head = f"# yaml-language-server: $schema={modeline}\n" if modeline else ""
    return head + "\n".join(_block(record, 0)) + "\n"
