"""The package and its tests need nothing beside the repository: a plain clone runs them."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Ways a file has reached outside the clone: the spec folder beside it, or the clone's parent.
OUTSIDE = re.compile(r"\.\./shared|\bREPO\.parent\b|/\s*[\"']shared[\"']")
TEXT_SUFFIXES = {".py", ".toml", ".yaml", ".yml", ".json", ".md", ".txt", ".j2", ".html", ".cfg"}


def references_outside(root: Path) -> list[str]:
    """Every `path:line: text` under root that reaches outside the repository."""
    found = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in TEXT_SUFFIXES or not path.is_file() or path == Path(__file__):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if OUTSIDE.search(line):
                found.append(f"{path}:{number}: {line.strip()}")
    return found


def test_nothing_in_src_or_tests_reaches_outside_the_clone() -> None:
    found = references_outside(REPO / "src") + references_outside(REPO / "tests")
    assert not found, "files outside the repository are referenced:\n" + "\n".join(found)


def test_the_check_sees_each_way_out(tmp_path: Path) -> None:
    # The scan above passing means something only if it would have caught these.
    lines = [
        'SCHEMA = REPO.parent / "x.json"',
        'open("../shared/schemas/sarif.json")',
        'BASE = ROOT.parents[1] / "shared" / "spec"',
    ]
    for index, line in enumerate(lines):
        (tmp_path / f"m{index}.py").write_text(line + "\n", encoding="utf-8")
    (tmp_path / "fine.py").write_text('SCHEMA = REPO / "tests" / "schemas"\n', encoding="utf-8")
    assert not OUTSIDE.search('"""Fixtures shared by every test module."""')
    found = references_outside(tmp_path)
    assert [hit.split(":")[0] for hit in found] == [str(tmp_path / f"m{i}.py") for i in range(3)]
