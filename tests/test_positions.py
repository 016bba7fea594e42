"""Positions are kept as a flat array and found by walking the value: the same answers a
mapping from every path would give, for every path, prefix and path that is not there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from vpsec.load.yamlread import Path_, RawDocument, count_paths, parse_documents, walk_paths

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "workspace"


def _mapping(doc: RawDocument) -> dict[Path_, tuple[int, int]]:
    paths = list(walk_paths(doc.value))
    assert len(doc.marks) == 2 * len(paths) == 2 * count_paths(doc.value)
    return {path: (doc.marks[2 * i], doc.marks[2 * i + 1]) for i, path in enumerate(paths)}


def _expected(doc: RawDocument, mapping: dict[Path_, tuple[int, int]], path: Path_) -> Any:
    for end in range(len(path), 0, -1):
        if path[:end] in mapping:
            return mapping[path[:end]]
    return (doc.line, doc.column)


def test_every_path_of_the_example_is_found_where_it_was_written() -> None:
    for file in sorted(EXAMPLE.rglob("*.yaml")):
        text = file.read_text(encoding="utf-8")
        lines = text.splitlines()
        for doc in parse_documents(text):
            mapping = _mapping(doc)
            for path, (line, column) in mapping.items():
                assert doc.position(path) == (line, column)
                written = lines[line - 1][column - 1 :]
                last = path[-1]
                # A key is found at its name; an item at its value (after `- `).
                assert written.startswith(last) if isinstance(last, str) else written, path
                # A field below a scalar, or past the end of a list, falls back to its parent.
                assert doc.position((*path, "no-such-field")) == (line, column)
                assert doc.position((*path, 10_000)) == (line, column)


def test_a_path_of_the_wrong_type_is_not_found() -> None:
    (doc,) = parse_documents("a:\n  - x\n  - y\n'1': z\n")
    assert doc.position(("a", 1)) == (3, 5)
    assert doc.position(("a", "1")) == (1, 1)  # a list is not indexed by text
    assert doc.position((1,)) == (1, 1)  # nor a mapping by number
    assert doc.position(("1",)) == (4, 1)
    assert doc.position(("a", -1)) == (1, 1)
    assert doc.position(()) == (1, 1)


_keys = st.text(alphabet="abcxyz", min_size=1, max_size=3)
_values = st.recursive(
    st.one_of(st.text(alphabet="pq r", max_size=4), st.integers(0, 9)),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=4),
        st.dictionaries(_keys, inner, min_size=1, max_size=4),
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_keys, _values, min_size=1, max_size=5), st.data())
def test_lookup_agrees_with_a_mapping_of_every_path(value: dict[str, Any], data: Any) -> None:
    import io

    stream = io.StringIO()
    YAML(typ="safe", pure=True).dump(value, stream)
    (doc,) = parse_documents(stream.getvalue())
    mapping = _mapping(doc)
    assert doc.value == value
    for path in mapping:
        assert doc.position(path) == mapping[path]
    # Paths that are partly there: a real prefix, then anything.
    prefix = data.draw(st.sampled_from(sorted(mapping, key=repr)))
    tail = data.draw(st.lists(st.one_of(_keys, st.integers(-1, 5)), max_size=3))
    path = (*prefix, *tail)
    assert doc.position(path) == _expected(doc, mapping, path)
