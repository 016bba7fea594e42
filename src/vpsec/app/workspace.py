"""`vpsec init`, `vpsec new` and `vpsec schema`: make a workspace and its files."""

from __future__ import annotations

import sys
from pathlib import Path

from vpsec.atomic import write_atomic
from vpsec.errors import UsageError
from vpsec.load.config import find_root
from vpsec.output import display_path, emit


def init(directory: Path, organisation: str, example: bool) -> int:
    """`vpsec init`: create a workspace and say what was written."""
    from vpsec.scaffold import init_workspace

    written = init_workspace(directory, organisation, example)
    sys.stdout.write(f"Created a vpsec workspace in {directory} ({len(written)} files).\n")
    sys.stdout.write("Next: `vpsec new site` to add your first record, then `vpsec assess`.\n")
    return 0


def new(start: Path, kind: str, record_id: str | None, site: str | None) -> int:
    """`vpsec new KIND`: write a record from its template and print its path."""
    from vpsec.scaffold import new_record

    root = find_root(start)
    path = new_record(root, kind, record_id, site)
    sys.stdout.write(f"{display_path(path)}\n")
    return 0


def schema(kind: str | None, output: Path | None) -> int:
    """`vpsec schema`: print one schema, or write them all into a folder."""
    from vpsec.scaffold import write_schemas
    from vpsec.schemas import schema_names, schema_text

    names = schema_names()
    if kind is not None and kind.lower() not in names:
        raise UsageError(f"unknown kind {kind!r}; choose one of {', '.join(names)}")
    if output is not None:
        if kind is None:
            written = write_schemas(output, overwrite=True)
        else:
            output.mkdir(parents=True, exist_ok=True)
            target = output / f"{kind.lower()}.json"
            write_atomic(target, schema_text(kind.lower()))
            written = [target]
        for path in written:
            sys.stdout.write(f"{path}\n")
        return 0
    if kind is None:
        import json

        from vpsec.schemas import schema_for

        emit(json.dumps({n: schema_for(n) for n in names}, indent=2) + "\n", None)
    else:
        emit(schema_text(kind.lower()), None)
    return 0
