"""Git's commit and tree objects, parsed from their bytes.

The audit trail reads history structurally: a commit is headers, a blank
line and a message; a tree is a list of `mode name NUL id` entries. Lengths
and NULs delimit everything, so no byte a user can put in a message, a name
or a path changes how the rest is read. Anything that does not follow the
format is an `ObjectFormatError`, which the caller turns into an error
naming the commit: history that cannot be read is never skipped.

Paths stay bytes in git; here they become `str` through `surrogateescape`,
which round-trips any byte, and `shown()` gives the printable form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

MODE_TREE = 0o040000
MODE_LINK = 0o120000
MODE_GITLINK = 0o160000
_TYPE_BITS = 0o170000
_REGULAR = 0o100000

_HEX = re.compile(rb"^[0-9a-f]+$")
# White space as git counts it (ASCII only): Python's str.strip() would also
# eat \x1c-\x1f and other characters that belong to a subject as written.
_SPACE = " \t\n\r\f\v"
# A trailer line as git writes it: a token, a colon, a value.
_TRAILER = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*?)[ \t]*$")


class ObjectFormatError(ValueError):
    """An object that does not follow git's format; the message says what is wrong."""


def shown(text: str) -> str:
    """A path or name as printable text: bytes that are not UTF-8 appear as \\xNN."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


@dataclass(frozen=True, slots=True)
class Ident:
    """The author or committer of a commit."""

    name: str
    email: str
    when: datetime


@dataclass(frozen=True, slots=True)
class Commit:
    """A commit object: its tree, parents, people and message."""

    sha: str
    tree: str
    parents: tuple[str, ...]
    author: Ident
    committer: Ident
    message: str

    @property
    def subject(self) -> str:
        """The first paragraph on one line, as `git log --format=%s` shows it."""
        paragraph: list[str] = []
        for line in self.message.lstrip(_SPACE).split("\n"):
            if not line.strip(_SPACE):
                break
            paragraph.append(line.strip(_SPACE))
        return " ".join(paragraph)

    def trailer_values(self, key: str) -> list[str]:
        """Values of one trailer key (case-insensitive, as git compares them)."""
        wanted = key.lower()
        return [value for name, value in trailers(self.message) if name.lower() == wanted]


class TreeItem(NamedTuple):
    """One entry of a tree object (a tuple: trees have many, and sets of them are compared)."""

    name: str
    mode: int
    oid: str

    @property
    def is_tree(self) -> bool:
        return self.mode & _TYPE_BITS == MODE_TREE

    @property
    def is_regular(self) -> bool:
        return self.mode & _TYPE_BITS == _REGULAR

    @property
    def is_link(self) -> bool:
        return self.mode & _TYPE_BITS == MODE_LINK

    @property
    def is_gitlink(self) -> bool:
        return self.mode & _TYPE_BITS == MODE_GITLINK


def _text(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding, "backslashreplace")
    except LookupError:  # an encoding header naming no codec Python knows
        return data.decode("utf-8", "backslashreplace")


def _ident(value: bytes, encoding: str, what: str) -> Ident:
    """'Name <email> 1700000000 +0100' -> Ident; the last '<…>' before the date is the email."""
    head, _, zone = value.rpartition(b" ")
    head, _, stamp = head.rpartition(b" ")
    close = head.rfind(b">")
    open_ = head.rfind(b"<", 0, close) if close >= 0 else -1
    if open_ < 0 or close != len(head) - 1 or not stamp.isdigit():
        raise ObjectFormatError(f"its {what} line is malformed")
    if len(zone) != 5 or zone[:1] not in (b"+", b"-") or not zone[1:].isdigit():
        raise ObjectFormatError(f"its {what} time zone {zone!r} is malformed")
    minutes = int(zone[1:3]) * 60 + int(zone[3:5])
    offset = timedelta(minutes=-minutes if zone[:1] == b"-" else minutes)
    try:
        when = datetime.fromtimestamp(int(stamp), timezone(offset))
    except (OverflowError, OSError, ValueError):
        raise ObjectFormatError(f"its {what} date {stamp.decode()} is out of range") from None
    return Ident(
        _text(head[:open_].rstrip(b" "), encoding),
        _text(head[open_ + 1 : close], encoding),
        when,
    )


def _object_id(value: bytes, length: int, what: str) -> str:
    if len(value) != length or not _HEX.match(value):
        raise ObjectFormatError(f"its {what} {value[:80]!r} is not an object id")
    return value.decode("ascii")


def parse_commit(sha: str, data: bytes) -> Commit:
    """A commit object's bytes as a Commit; ObjectFormatError when they are not one."""
    head, separator, body = data.partition(b"\n\n")
    if not separator:
        head, body = data.rstrip(b"\n"), b""
    headers: list[tuple[bytes, bytes]] = []
    for line in head.split(b"\n"):
        if line.startswith(b" ") and headers:  # a continuation (gpgsig, mergetag)
            key, value = headers[-1]
            headers[-1] = (key, value + b"\n" + line[1:])
            continue
        key, space, value = line.partition(b" ")
        if not space:
            raise ObjectFormatError(f"its header line {line[:80]!r} is malformed")
        headers.append((key, value))
    length = len(sha)
    encoding = next((v.decode("ascii", "replace") for k, v in headers if k == b"encoding"), "utf-8")
    trees = [value for key, value in headers if key == b"tree"]
    authors = [value for key, value in headers if key == b"author"]
    committers = [value for key, value in headers if key == b"committer"]
    if len(trees) != 1 or len(authors) != 1 or len(committers) != 1:
        raise ObjectFormatError("it does not have exactly one tree, author and committer")
    return Commit(
        sha=sha,
        tree=_object_id(trees[0], length, "tree"),
        parents=tuple(_object_id(v, length, "parent") for k, v in headers if k == b"parent"),
        author=_ident(authors[0], encoding, "author"),
        committer=_ident(committers[0], encoding, "committer"),
        message=_text(body, encoding),
    )


def parse_tree(data: bytes, id_bytes: int) -> tuple[TreeItem, ...]:
    """A tree object's bytes as its entries; ObjectFormatError for a malformed or unsafe one.

    An entry name that is empty, `.`, `..`, holds a `/` or appears twice
    cannot be checked out (git fsck rejects it), so it is refused rather than
    read as some other path.
    """
    raws = _tree_entry(id_bytes).findall(data)
    # Each match starts where the one before ended exactly when together they cover
    # every byte: the tree is read entry after entry, as git writes it.
    if sum(map(len, raws)) != len(data):
        raise ObjectFormatError("a tree entry is malformed or truncated")
    known = _ITEMS.get
    items = [known(raw) or _item(raw, id_bytes) for raw in raws]
    names = {item.name for item in items}
    if len(names) != len(items) or "." in names or ".." in names:
        seen: set[str] = set()
        for item in items:
            if item.name in (".", "..") or item.name in seen:
                raise ObjectFormatError(f"a tree holds the entry name {shown(item.name)[:80]!r}")
            seen.add(item.name)
    return tuple(items)


def _item(raw: bytes, id_bytes: int) -> TreeItem:
    """One entry's bytes (`mode SP name NUL id`) as a TreeItem, kept for the next tree."""
    space = raw.index(b" ")
    mode_text, name, oid = raw[:space], raw[space + 1 : -id_bytes - 1], raw[-id_bytes:]
    mode = _MODES.get(mode_text)
    item = TreeItem(
        name.decode("utf-8", "surrogateescape"),
        int(mode_text, 8) if mode is None else mode,
        oid.hex(),
    )
    if len(_ITEMS) > _ITEMS_KEPT:
        _ITEMS.clear()
    _ITEMS[raw] = item
    return item


# Most entries of a folder are the same from one version of it to the next: the
# parsed entry is kept by its bytes (a pure function's memo, bounded).
_ITEMS: dict[bytes, TreeItem] = {}
_ITEMS_KEPT = 500_000
_MODES = {text: int(text, 8) for text in (b"100644", b"100755", b"40000", b"120000", b"160000")}


def _tree_entry(id_bytes: int) -> re.Pattern[bytes]:
    """`mode SP name NUL id`: an octal mode, a name without / or NUL, id_bytes raw bytes."""
    pattern = _TREE_ENTRIES.get(id_bytes)
    if pattern is None:
        pattern = _TREE_ENTRIES[id_bytes] = re.compile(
            rb"[0-7]{1,7} [^\0/]+\0.{%d}" % id_bytes, re.DOTALL
        )
    return pattern


_TREE_ENTRIES: dict[int, re.Pattern[bytes]] = {}


def trailers(message: str) -> tuple[tuple[str, str], ...]:
    """The trailers of a commit message: its last paragraph, when every line is one.

    Continuation lines (starting with white space) are unfolded into the
    trailer before them, as `git interpret-trailers --parse` does. The first
    paragraph (the subject) is never a trailer block.
    """
    paragraphs: list[list[str]] = [[]]
    for line in message.split("\n"):
        if line.strip(_SPACE):
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    paragraphs = [p for p in paragraphs if p]
    if len(paragraphs) < 2:
        return ()
    found: list[tuple[str, str]] = []
    for line in paragraphs[-1]:
        if line[:1] in (" ", "\t") and found:
            key, value = found[-1]
            found[-1] = (key, f"{value} {line.strip(_SPACE)}".strip(_SPACE))
            continue
        match = _TRAILER.match(line)
        if match is None:
            return ()
        found.append((match.group(1), match.group(2)))
    return tuple(found)
