"""`--format json`: the shape of cli.md, stable for scripts."""

from __future__ import annotations

import json
from collections import Counter

from vpsec.findings import RunResult
from vpsec.render import RenderOptions


def render(result: RunResult, options: RenderOptions) -> str:
    document: dict[str, object] = {
        "vpsec": result.version,
        "as_of": result.as_of.isoformat(),
        "workspace": result.workspace,
        "summary": result.summary(),
    }
    if options.statistics:
        counts = Counter(f.rule for f in result.findings)
        document["statistics"] = [
            {"rule": rule, "count": count} for rule, count in sorted(counts.items())
        ]
    else:
        document["findings"] = [finding.to_json() for finding in result.findings]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
