#!/usr/bin/env python3
"""Synthetic workspaces for the benchmarks: `python benchmarks/generate.py DIR --records N`.

The example workspace is replicated with fresh ids until it holds N records,
so every kind is present and every rule family fires somewhere. Records of
copy k belong to site group k % S, with S = N / 300 groups, so sites carry
many records each (as a multinational's do) and per-site indexes matter.
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "lakeside-minerals"
_ID_LINE = re.compile(r"^id: (\S+)$", re.MULTILINE)
_KIND_LINE = re.compile(r"^kind: (\S+)$", re.MULTILINE)


def _example_records() -> list[tuple[Path, str, str, str]]:
    """(relative path, text, id, kind) of every record file of the example."""
    out = []
    for path in sorted(EXAMPLE.rglob("*.yaml")):
        if path.name == "vpsec.yaml":
            continue
        text = path.read_text(encoding="utf-8")
        record_id = _ID_LINE.search(text)
        kind = _KIND_LINE.search(text)
        assert record_id and kind, path
        out.append((path.relative_to(EXAMPLE), text, record_id.group(1), kind.group(1)))
    return out


# Misspelt fields, each one a V002 finding with a suggestion ("did you mean `notes`?").
_UNKNOWN_FIELDS = ("notse", "reveiw", "sitee", "statuss", "custon", "sourcess")


def generate(target: Path, records: int, unknown_fields: int = 0) -> int:
    """Write a workspace of about `records` records into target (replaced); return the count.

    With unknown_fields, every record but the sites also gets that many misspelt
    fields: a workspace with many findings per record, for the renderers.
    """
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    example = _example_records()
    ids = sorted((r[2] for r in example), key=len, reverse=True)
    pattern = re.compile(r"(?<![\w.-])(" + "|".join(map(re.escape, ids)) + r")(?![\w-])")
    sites = {r[2] for r in example if r[3] == "Site"}
    per_copy = len(example) - len(sites)
    copies = max(1, round(records / per_copy))
    groups = max(1, min(copies, records // 300))
    written = 0
    for copy in range(copies):
        group = copy % groups

        def rename(match: re.Match[str], copy: int = copy, group: int = group) -> str:
            name = match.group(1)
            return f"{name}-s{group}" if name in sites else f"{name}-c{copy}"

        for rel, text, record_id, kind in example:
            if kind == "Site" and copy >= groups:
                continue
            suffix = f"-s{group}" if kind == "Site" else f"-c{copy}"
            path = target / rel.parent / f"{record_id}{suffix}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            body = pattern.sub(rename, text)
            if unknown_fields and kind != "Site":
                body += "".join(f"{name}: x\n" for name in _UNKNOWN_FIELDS[:unknown_fields])
            path.write_text(body, encoding="utf-8")
            written += 1
    config = (EXAMPLE / "vpsec.yaml").read_text(encoding="utf-8")
    (target / "vpsec.yaml").write_text(pattern.sub(lambda m: f"{m.group(1)}-c0", config))
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", type=Path)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--unknown-fields", type=int, default=0, help="Misspelt fields per record.")
    args = parser.parse_args()
    count = generate(args.target, args.records, args.unknown_fields)
    print(f"{count} records written to {args.target}")


if __name__ == "__main__":
    main()
