"""English wording in one place: plurals, counts, lists of words, codes as words, short labels.

Every text vpsec writes for people should count and list through here, so that
"1 warnings" and "finding(s)" cannot come back and so that a translation (for
example with gettext's ngettext) has one module to replace.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Enum values whose words are written in capitals (or a brand's own case) when shown.
_WORDS = {
    "ihl": "IHL",
    "un": "UN",
    "icoca": "ICoCA",
    "vps": "VPs",
    "vp": "VP",
    "ngo": "NGO",
    "ngos": "NGOs",
    "mou": "MoU",
    "gps": "GPS",
    "vhf": "VHF",
}
_SIBILANT = re.compile(r"(s|x|z|ch|sh)$")
_CONSONANT_Y = re.compile(r"[^aeiou]y$")


def plural(n: int, noun: str, plural_form: str | None = None) -> str:
    """The noun for n of it: plural(1, "finding") -> "finding", plural(2, ...) -> "findings".

    Regular English plurals are made here ("box" -> "boxes", "party" ->
    "parties"); give `plural_form` for any other ("person", "people"), or for
    a verb that agrees with the count (plural(n, "is", "are")).
    """
    if n == 1:
        return noun
    if plural_form is not None:
        return plural_form
    if _SIBILANT.search(noun):
        return noun + "es"
    if _CONSONANT_Y.search(noun):
        return noun[:-1] + "ies"
    return noun + "s"


def count(n: int, noun: str, plural_form: str | None = None) -> str:
    """The number and the noun that agrees with it: "1 finding", "2 findings", "1,200 records"."""
    return f"{n:,} {plural(n, noun, plural_form)}"


def join_words(words: Sequence[str], conjunction: str = "and") -> str:
    """Words as a list in a sentence: "a", "a and b", "a, b and c" (no serial comma)."""
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def label(value: object) -> str:
    """An enum value as words: "emergency_reserve" -> "emergency reserve", "ihl" -> "IHL"."""
    if value is None:
        return ""
    words = str(value).replace("_", " ").split(" ")
    return " ".join(_WORDS.get(word.casefold(), word) if word else word for word in words)


# A condition on a field, in parentheses: "(`published` is not true)".
_FIELD_CONDITION = re.compile(r"\s*\(`[^`]+`[^()]*\)")
_CODE_SPAN = re.compile(r"`([^`]+)`")


def without_field_names(message: str) -> str:
    """A vpsec message for a reader who does not edit the records.

    vpsec's messages name fields in `code spans`. A field condition in
    parentheses is dropped (the sentence already says it in words), and any
    other field name is written as words: "lacks the `un_code_of_conduct`
    clause" -> "lacks the UN code of conduct clause".
    """
    text = _FIELD_CONDITION.sub("", message)
    return _CODE_SPAN.sub(lambda match: label(match.group(1).replace(".", " ")), text)


def wrap_words(text: str, width: int, lines: int = 2) -> list[str]:
    """text in at most `lines` lines of about `width` characters, broken between words.

    A word longer than a line is cut; whatever does not fit in the last line
    is left out and the line ends with "…", so a caller that shortens a label
    should keep the full text somewhere (a tooltip, an SVG <title>).
    """
    words = text.split()
    if lines <= 1:
        return [_ellipsis(" ".join(words), width)] if words else []
    out: list[str] = []
    current = ""
    for index, word in enumerate(words):
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= width:
            current = candidate
            continue
        if current:
            out.append(current)
        if len(out) == lines - 1:
            # The last line takes the rest of the text, shortened if it must be.
            return [*out, _ellipsis(" ".join(words[index:]), width)]
        current = _ellipsis(word, width)
    if current:
        out.append(current)
    return out


def _ellipsis(text: str, width: int) -> str:
    """text cut to width with "…", at the last word boundary that fits when there is one."""
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    space = cut.rfind(" ")
    if space > width // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:(–-") + "…"


__all__ = ["count", "join_words", "label", "plural", "without_field_names", "wrap_words"]
