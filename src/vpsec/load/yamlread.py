"""YAML 1.2 to plain Python values, keeping the line and column of every key and item.

Nodes are composed in C by ruamel.yaml's libyaml binding and turned into
values here rather than by a constructor: that keeps positions without the
cost of round-trip objects, keeps dates as text (so a wrong date is a schema
error at its own line), refuses duplicate keys, and counts nodes with aliases
expanded so that an alias bomb stops early instead of exhausting memory.

The composer asks a resolver for each node's tag. ruamel.yaml's own resolver
is generic (versioned, path-aware) and took two thirds of the load time of a
10,000-file workspace; `_CoreSchemaParser.resolve` implements just the YAML
1.2 core schema the format uses, with shared tag objects.
"""

from __future__ import annotations

import math
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from sys import intern
from typing import Any

from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent, NodeEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.tag import Tag

Path_ = tuple[str | int, ...]
Position = tuple[int, int]

MAX_NODES = 250_000
MAX_DEPTH = 64
_CORE = "tag:yaml.org,2002:"

_STR = Tag(suffix=_CORE + "str")
_NULL = Tag(suffix=_CORE + "null")
_BOOL = Tag(suffix=_CORE + "bool")
_INT = Tag(suffix=_CORE + "int")
_FLOAT = Tag(suffix=_CORE + "float")
_MERGE = Tag(suffix=_CORE + "merge")
_SEQ = Tag(suffix=_CORE + "seq")
_MAP = Tag(suffix=_CORE + "map")
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_BOOLS = frozenset(("true", "True", "TRUE", "false", "False", "FALSE"))
_INT_RE = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT_RE = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_NUMBER_START = frozenset("+-.0123456789")
# libyaml composes a whole document before any value is built: recursively
# (40,000 nested `[` overflow the C stack, after ten seconds of a scanner that
# is quadratic in flow depth) and with a Python object per node (30 MB of small
# mappings take minutes). Text that cannot nest deeper than a few hundred
# levels nor hold more than MAX_NODES nodes is composed directly; other text is
# first walked as events, which stops cheaply at MAX_DEPTH or MAX_NODES. Below
# these bounds nesting is at most 2 * indent + flow openers, and a node takes
# at least one character.
_FLOW_OPENERS_UNCHECKED = 256
_DEEP_LINE_START = re.compile(r"^[ \t?:-]{128}", re.MULTILINE)
_SHOWN_CHARS = 60
_SHARED_TEXT = 40


class _CoreSchemaParser(CParser):  # type: ignore[misc]
    """libyaml's composer with the YAML 1.2 core schema as its resolver."""

    def descend_resolver(self, *_: Any) -> None:
        return None

    def ascend_resolver(self, *_: Any) -> None:
        return None

    def resolve(self, kind: type, value: str | None, implicit: Any) -> Tag:
        if kind is ScalarNode:
            assert value is not None
            if not implicit[0]:  # quoted: always a string
                return _STR
            if value in _NULLS:
                return _NULL
            if value in _BOOLS:
                return _BOOL
            if value and value[0] in _NUMBER_START:
                if _INT_RE.fullmatch(value):
                    return _INT
                if _FLOAT_RE.fullmatch(value):
                    return _FLOAT
            if value == "<<":
                return _MERGE
            return _STR
        return _SEQ if kind is SequenceNode else _MAP


class YamlProblem(Exception):
    """The text cannot be read as records; line and column are 1-based."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass(slots=True)
class RawDocument:
    """One YAML document: its value and where each key and item was written.

    Positions are kept as one flat array of (line, column) pairs, in the order
    `walk_paths` visits the value's keys and items, rather than as a mapping
    from paths: a position is looked up only for the few fields a finding
    points at, and the mapping cost ten times the memory of the values
    themselves (1.4 GB at 100,000 records).
    """

    index: int
    value: Any
    line: int
    column: int
    marks: array[int] = field(default_factory=lambda: array("I"))

    def position(self, path: Path_) -> Position:
        """Where path was written, or its nearest written ancestor, or the document."""
        index = _locate(self.value, path)
        if index >= 0 and 2 * index + 1 < len(self.marks):
            return (self.marks[2 * index], self.marks[2 * index + 1])
        return (self.line, self.column)


def walk_paths(value: Any, path: Path_ = ()) -> Iterator[Path_]:
    """Every key and item path in value, in the order their positions are kept."""
    if type(value) is dict:
        for key, child in value.items():
            child_path = (*path, key)
            yield child_path
            yield from walk_paths(child, child_path)
    elif type(value) is list:
        for index, child in enumerate(value):
            child_path = (*path, index)
            yield child_path
            yield from walk_paths(child, child_path)


def count_paths(value: Any) -> int:
    """How many keys and items value holds, at every depth (what walk_paths yields)."""
    if type(value) is dict:
        return len(value) + sum(count_paths(child) for child in value.values())
    if type(value) is list:
        return len(value) + sum(count_paths(child) for child in value)
    return 0


def _locate(value: Any, path: Path_) -> int:
    """The index in walk_paths order of the deepest prefix of path that value holds; -1 if none."""
    found = -1
    index = 0  # the index of the first key or item of the current node
    node = value
    for step in path:
        if type(node) is dict and type(step) is str and step in node:
            for key, child in node.items():
                if key == step:
                    break
                index += 1 + count_paths(child)
            node = node[step]
        elif type(node) is list and type(step) is int and 0 <= step < len(node):
            index += step + sum(count_paths(child) for child in node[:step])
            node = node[step]
        else:
            break
        found = index
        index += 1
    return found


def _tag(node: Node) -> Tag:
    tag: Tag = node.ctag
    return tag


def _mark(node: Node) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _int(text: str) -> int:
    raw = text.replace("_", "")
    sign = -1 if raw.startswith("-") else 1
    digits = raw.lstrip("+-")
    if digits.startswith(("0o", "0O")):
        return sign * int(digits[2:], 8)
    if digits.startswith(("0x", "0X")):
        return sign * int(digits[2:], 16)
    return sign * int(digits, 10)


def _float(text: str) -> float:
    lowered = text.lower().replace("_", "")
    if lowered in (".inf", "+.inf"):
        return math.inf
    if lowered == "-.inf":
        return -math.inf
    if lowered == ".nan":
        return math.nan
    return float(lowered)


class _Builder:
    """Turns one composed document into values and its flat list of positions."""

    def __init__(self, marks: list[int], max_nodes: int) -> None:
        self.marks = marks
        self.budget = max_nodes

    def build(self, node: Node, depth: int) -> Any:
        # The hot loop of loading: plain strings, the bulk of every record, return
        # at once; positions are noted by the parent, in walk_paths order.
        self.budget -= 1
        if self.budget < 0:
            line, column = _mark(node)
            raise YamlProblem(
                "the document expands to too many values (aliases used to blow up its size?)",
                line,
                column,
            )
        if type(node) is ScalarNode:
            if node.ctag is _STR:
                text: str = node.value
                # Short texts repeat across records (dates, ids named by other records,
                # currencies, units): one shared object each, which pickling between
                # processes keeps shared within a batch.
                return intern(text) if len(text) <= _SHARED_TEXT else text
            return self.scalar(node)
        if depth > MAX_DEPTH:
            line, column = _mark(node)
            raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels", line, column)
        marks = self.marks
        if type(node) is SequenceNode:
            items = []
            for child in node.value:
                mark = child.start_mark
                marks.append(mark.line + 1)
                marks.append(mark.column + 1)
                items.append(self.build(child, depth + 1))
            return items
        if type(node) is MappingNode:
            return self.mapping(node, depth)
        line, column = _mark(node)
        raise YamlProblem("unsupported YAML node", line, column)

    def mapping(self, node: MappingNode, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        marks = self.marks
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode:
                line, column = _mark(key_node)
                raise YamlProblem("a mapping key must be a plain name", line, column)
            if key_node.ctag is _MERGE:
                line, column = _mark(key_node)
                raise YamlProblem("merge keys (<<) are not supported in records", line, column)
            key = intern(str(key_node.value))
            mark = key_node.start_mark
            if key in out:
                first = next(k for k, _ in node.value if str(k.value) == key)
                raise YamlProblem(
                    f"duplicate key `{key}` (first written on line {first.start_mark.line + 1}); "
                    "keep one of them",
                    mark.line + 1,
                    mark.column + 1,
                )
            marks.append(mark.line + 1)
            marks.append(mark.column + 1)
            out[key] = self.build(value_node, depth + 1)
        return out

    def scalar(self, node: ScalarNode) -> Any:
        tag = _tag(node)
        text = node.value
        if tag is _STR:
            return text
        if tag is not _NULL and tag is not _BOOL and tag is not _INT and tag is not _FLOAT:
            # An explicit tag (`!!int "3"`): only the core schema's own are accepted.
            tag = {str(known): known for known in (_STR, _NULL, _BOOL, _INT, _FLOAT)}.get(
                str(tag), tag
            )
        if tag is _STR:
            return text
        try:
            if tag is _NULL:
                return None
            if tag is _BOOL:
                return text.lower() == "true"
            if tag is _INT:
                return _int(text)
            if tag is _FLOAT:
                return _float(text)
        except ValueError:
            line, column = _mark(node)
            shown = text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "…"
            raise YamlProblem(
                f"{shown!r} is not a valid {str(tag)[len(_CORE) :]}", line, column
            ) from None
        line, column = _mark(node)
        raise YamlProblem(f"unsupported YAML tag {tag}", line, column)


def _describe(error: MarkedYAMLError, text: str, line: int | None, column: int | None) -> str:
    problem = error.problem or "invalid YAML"
    if line is not None and column is not None:
        lines = text.splitlines()
        # The C scanner does not name the offending character; a tab is by far
        # the most common one, and it deserves a message that says so.
        if line <= len(lines) and "\t" in lines[line - 1][: column + 1]:
            return "a tab character is used where YAML allows only spaces; indent with spaces"
    if error.context:
        return f"YAML syntax error: {problem} ({error.context})"
    return f"YAML syntax error: {problem}"


def _check_shape(text: str, max_nodes: int) -> None:
    """Refuse text nested deeper than MAX_DEPTH or with more than max_nodes nodes, before
    libyaml composes it (see the bounds above)."""
    openers = text.count("[") + text.count("{")
    if (
        len(text) <= max_nodes
        and openers <= _FLOW_OPENERS_UNCHECKED
        and not _DEEP_LINE_START.search(text)
    ):
        return
    parser = _CoreSchemaParser(text)
    try:
        depth = 0
        nodes = 0
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, NodeEvent):
                nodes += 1
                if nodes > max_nodes:
                    mark = event.start_mark
                    raise YamlProblem(
                        f"the file holds more than {max_nodes:,} values; split it into "
                        "smaller files",
                        mark.line + 1,
                        mark.column + 1,
                    )
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    raise YamlProblem(
                        f"nesting deeper than {MAX_DEPTH} levels", mark.line + 1, mark.column + 1
                    )
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    finally:
        parser.dispose()


def parse_documents(text: str, max_nodes: int = MAX_NODES) -> list[RawDocument]:
    """Every non-empty document of text, with positions. Raises YamlProblem."""
    documents: list[RawDocument] = []
    budget = max_nodes
    parser = _CoreSchemaParser(text)
    try:
        _check_shape(text, max_nodes)
        index = -1
        while parser.check_node():
            node = parser.get_node()
            index += 1
            if node is None:
                continue
            marks: list[int] = []
            builder = _Builder(marks, budget)
            value = builder.build(node, 0)
            budget = builder.budget
            if value is None:
                continue
            line, column = _mark(node)
            documents.append(RawDocument(index, value, line, column, array("I", marks)))
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        at_line: int | None = mark.line + 1 if mark is not None else None
        at_column: int | None = mark.column + 1 if mark is not None else None
        # At the end of the stream the mark is on the line after the last newline, a line
        # the file does not have: point at the end of its last line instead.
        lines = text.splitlines()
        if at_line is not None and lines and at_line > len(lines):
            at_line, at_column = len(lines), len(lines[-1]) + 1
        raise YamlProblem(_describe(error, text, at_line, at_column), at_line, at_column) from None
    except YAMLError as error:
        raise YamlProblem(f"YAML error: {error}") from None
    except RecursionError:
        raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels") from None
    finally:
        parser.dispose()
    return documents


def decode(data: bytes) -> str:
    """Bytes to text; only UTF-8 (a BOM is allowed). Raises YamlProblem at the bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise YamlProblem("the file is not UTF-8 text; save it as UTF-8", line, column) from None
