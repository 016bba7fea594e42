"""`--format json`: the shape of cli.md, stable for scripts.

Paths are relative to the root of the git repository, with the workspace's
folder in front ("" when the workspace is the repository), as in every other
format (docs/ci.md, "Paths"): a script can open them from a checkout, and they
match the SARIF, GitLab and GitHub outputs of the same run. The keys stay
those of cli.md.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from vpsec.findings import RunResult
from vpsec.render import RenderOptions


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def render(result: RunResult, options: RenderOptions) -> str:
    head = {
        "vpsec": result.version,
        "as_of": result.as_of.isoformat(),
        "workspace": result.workspace,
        "summary": result.summary(),
    }
    if options.statistics:
        counts = Counter(f.rule for f in result.findings)
        name = "statistics"
        entries = [{"rule": rule, "count": count} for rule, count in sorted(counts.items())]
    else:
        name = "findings"
        entries = [
            {**finding.to_json(), "path": result.repo_path(finding.path)}
            for finding in result.findings
        ]
    # One entry per line: as easy to read and diff as indented JSON, and written
    # by json's C encoder (with `indent` json falls back to pure Python, which
    # took a quarter of a warm run on 10,000 records).
    lines = ["{"]
    lines.extend(f"  {_compact(key)}: {_compact(value)}," for key, value in head.items())
    if entries:
        body = ",\n".join(f"    {_compact(entry)}" for entry in entries)
        lines.append(f'  "{name}": [\n{body}\n  ]')
    else:
        lines.append(f'  "{name}": []')
    lines.append("}")
    return "\n".join(lines) + "\n"
