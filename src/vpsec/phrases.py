"""Find known phrases in text: whole words, any case, any Unicode form, in one pass.

The redactor looks for tens of thousands of names (a meeting of 60,000
people) in every string of a public report. A regular expression with one
alternative per name takes Python's `re` many seconds to compile and is
tried name by name at each position. Here the text is cut into words once,
each word is reduced to one comparable form, and a trie of phrases keyed by
word is walked from each word: the work is linear in the text (times the
words of the longest phrase, capped at MAX_PHRASE_WORDS), and building the
trie is linear in the phrases. Whole words come for free: a phrase can only
start and end where a word does, so "Grace" never matches in "Gracefully".

A word's comparable form (`fold`) is its compatibility normalisation,
case-folded, without accents (so NFD "Pérez", NFC "Pérez", "PÉREZ", "Perez"
and the full-width "ＰＥＲＥＺ" are one word), and without the invisible format
characters (zero-width spaces and joiners, direction marks) that could
otherwise split a name without changing how it reads.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

# Longer phrases are cut here: their words are also phrases of their own (the
# parts of a name), so the cut loses nothing, and it bounds the walk from each word.
MAX_PHRASE_WORDS = 12
# Between two words of one phrase: spaces, hyphens, dots and apostrophes
# ("Cdt. Jean-Pierre", "O'Brien"), never a comma or a line of other text.
_JOINER = re.compile(r"[\s.\-'\u2019\u2010\u2011]+")
_END = ""  # the trie key of a phrase's end; never a word, which is never empty


@dataclass(frozen=True, slots=True)
class _Patterns:
    """The word patterns, from the quickest to the most complete, and the format characters."""

    ascii: re.Pattern[str]
    bmp: re.Pattern[str]
    full: re.Pattern[str]
    formats: re.Pattern[str]
    accents: re.Pattern[str]

    def of(self, text: str) -> re.Pattern[str]:
        """The quickest pattern that is right for text.

        A character class with ranges beyond U+FFFF is checked range by range
        for every character; one within it is a bitmap. Most text is ASCII,
        nearly all the rest has nothing beyond U+FFFF.
        """
        if text.isascii():
            return self.ascii
        return self.bmp if max(text) <= "\uffff" else self.full


@functools.cache
def _word_pattern() -> _Patterns:
    """Word characters: letters, digits and `_`, plus combining marks and format characters.

    Python's `\\w` leaves out combining marks, so NFD "Pe\\u0301rez" would be two
    words, and format characters, so a zero-width space would split "Mbala".
    Built once, on first use (public outputs only), from the planes that hold marks.
    """
    marks: list[int] = []
    nonspacing: list[int] = []
    formats: list[int] = []
    for plane in (range(0x20000), range(0xE0000, 0xE1000)):
        for code in plane:
            category = unicodedata.category(chr(code))
            if category in ("Mn", "Mc", "Me"):
                marks.append(code)
                if category == "Mn":
                    nonspacing.append(code)
            elif category == "Cf":
                formats.append(code)
    inside = [code for code in marks + formats if code <= 0xFFFF]
    beyond = [code for code in marks + formats if code > 0xFFFF]
    bmp = _char_class(inside)
    return _Patterns(
        ascii=re.compile(r"\w+", re.ASCII),
        bmp=re.compile(rf"[\w{bmp}]+"),
        full=re.compile(rf"(?:[\w{bmp}]|[{_char_class(beyond)}])+"),
        formats=re.compile(f"[{_char_class(formats)}]"),
        accents=re.compile(f"[{_char_class(nonspacing)}]"),
    )


def _char_class(codes: list[int]) -> str:
    ranges: list[str] = []
    codes = sorted(codes)
    start = previous = codes[0]
    for code in [*codes[1:], sys.maxunicode + 2]:
        if code != previous + 1:
            low, high = re.escape(chr(start)), re.escape(chr(previous))
            ranges.append(low if start == previous else f"{low}-{high}")
            start = code
        previous = code
    return "".join(ranges)


@functools.lru_cache(maxsize=1 << 18)
def fold(word: str) -> str:
    """The form in which two spellings of one word compare equal.

    Compatibility-decomposed (NFKD, so full-width letters and ligatures are
    plain ones), without non-spacing marks (accents: "Pérez" is also typed
    "Perez"; a name must not escape by losing them) or format characters,
    case-folded, and composed again (NFKC).
    """
    if word.isascii():
        return word.lower()
    patterns = _word_pattern()
    bare = patterns.accents.sub("", unicodedata.normalize("NFKD", word))
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKD", bare).casefold())
    return patterns.formats.sub("", patterns.accents.sub("", folded))


def words(text: str) -> list[str]:
    """The words of text, as written (for splitting a name into its parts)."""
    return _word_pattern().of(text).findall(text)


def joins(gap: str) -> bool:
    """True when what separates two words keeps them in one name ("Jean-Pierre", "Cdt. J")."""
    return not gap or _JOINER.fullmatch(gap) is not None


def word_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[re.Match[str]]:
    """Each word of text (between start and end) as a match: where it is, and what it is."""
    return _word_pattern().of(text).finditer(text, start, len(text) if end is None else end)


@dataclass(frozen=True, slots=True)
class Replacement:
    """What a phrase is replaced by; `capitalised` phrases match only where not all lower-case."""

    text: str
    capitalised: bool = False


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    replacement: Replacement


# A word of a text: where it starts and ends, and the word as written.
Token = tuple[int, int, str]


class PhraseMatcher:
    """A trie of phrases, keyed by folded word, used on any number of texts.

    Phrases may be added at any time (`add`): the redactor adds a person's
    only when a text holds one of their words.
    """

    __slots__ = ("_folded", "_root")

    def __init__(self, phrases: Iterable[tuple[str | list[str], Replacement]] = ()) -> None:
        """Phrases as text, or as their words already folded, each with its replacement."""
        # A node maps each next word to its node, and _END to the phrase ending there.
        self._root: dict[str, Any] = {}
        self._folded: dict[str, str] = {}
        for phrase, replacement in phrases:
            keys = [fold(word) for word in words(phrase)] if isinstance(phrase, str) else phrase
            self.add(keys, replacement)

    def add(self, keys: list[str], replacement: Replacement) -> None:
        """One phrase, as its folded words."""
        if not keys:
            return
        node = self._root
        for key in keys[:MAX_PHRASE_WORDS]:
            child = node.get(key)
            if child is None:
                child = node[key] = {}
            node = child
        known: Replacement | None = node.get(_END)
        # A phrase to match in any case wins over the same phrase matched capitalised only.
        if known is None or (known.capitalised and not replacement.capitalised):
            node[_END] = replacement

    def __bool__(self) -> bool:
        return bool(self._root)

    def key(self, word: str) -> str:
        """A word's folded form (`fold`), remembered by this matcher."""
        key = self._folded.get(word)
        if key is None:
            key = self._folded[word] = fold(word)
        return key

    @staticmethod
    def tokens(text: str) -> list[Token]:
        """The words of text, each with where it is."""
        pattern = _word_pattern().of(text)
        return [(m.start(), m.end(), m.group()) for m in pattern.finditer(text)]

    def spans(self, text: str, found: list[Token] | None = None) -> list[Span]:
        """The longest phrase starting at each word, leftmost first, never overlapping.

        `found` are the text's tokens when the caller has them already.
        """
        if found is None:
            found = self.tokens(text)
        out: list[Span] = []
        root, key = self._root, self.key
        index, count = 0, len(found)
        while index < count:
            node = root.get(key(found[index][2]))
            if node is None:
                index += 1
                continue
            best: tuple[int, Replacement] | None = None
            last = index
            while True:
                end: Replacement | None = node.get(_END)
                if end is not None and (not end.capitalised or _capitalised(found, index, last)):
                    best = (last, end)
                following = last + 1
                if following >= count or len(node) == (1 if end is not None else 0):
                    break
                gap = text[found[last][1] : found[following][0]]
                if not _JOINER.fullmatch(gap):
                    break
                node = node.get(key(found[following][2]))
                if node is None:
                    break
                last = following
            if best is None:
                index += 1
                continue
            stop, replacement = best
            out.append(Span(found[index][0], found[stop][1], replacement))
            index = stop + 1
        return out


def _capitalised(found: list[Token], first: int, last: int) -> bool:
    return not all(word.islower() for _, _, word in found[first : last + 1])


__all__ = [
    "MAX_PHRASE_WORDS",
    "PhraseMatcher",
    "Replacement",
    "Span",
    "Token",
    "fold",
    "joins",
    "word_spans",
    "words",
]
