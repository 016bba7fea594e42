#!/usr/bin/env python3
"""Where one `vpsec assess --format json` run spends its time and memory, phase by phase.

    python benchmarks/phases.py WORKSPACE [--no-cache] [--as-of DAY]

Runs the same steps as `vpsec.app.checks.run_check` and the JSON renderer, in
this one process, and prints one JSON object: each phase's wall seconds and
the process's peak resident memory (MB) by its end. The harness (run.py) runs it in a
fresh process for every target it misses, so a gap is printed with its cause.
The run cache is not consulted (a hit would skip every phase measured here);
the parsed-file cache is, unless --no-cache.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from datetime import date
from pathlib import Path


def _peak_mb() -> float:
    """The process's peak resident memory so far (macOS counts bytes, Linux kilobytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--as-of", default="2026-11-27")
    args = parser.parse_args()
    phases: list[tuple[str, float, float]] = []
    clock = time.perf_counter()

    def done(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        phases.append((name, round(now - clock, 3), round(_peak_mb())))
        clock = now

    from vpsec.app.checks import CheckOptions, run_check  # noqa: F401  (what the CLI imports)
    from vpsec.findings import RunResult
    from vpsec.load.cache import Cache
    from vpsec.load.source import open_workspace
    from vpsec.outcome import RuleSelection, evaluate
    from vpsec.render import RenderOptions, renderer

    done("imports")
    cache = Cache.open(args.workspace, enabled=not args.no_cache)
    opened = open_workspace(args.workspace, cache)
    done("scan (find files, stat, read what changed)")
    opened.documents()
    done("documents (parse, or read the parsed-file cache)")
    opened.load()
    done("validate into models")
    rules = RuleSelection(date.fromisoformat(args.as_of), tuple(opened.config.rules.select), ())
    outcome = evaluate(opened, rules)
    done("rules and sorting")
    cache.save()
    json.dumps(outcome.to_data(), separators=(",", ":"))  # what the run cache would hold
    done("write the cache")
    # As in the CLI, the records are gone by the time the output is written (run_check
    # returns only the result): without this the renderer would seem to add their weight.
    del opened, cache
    result = RunResult(
        command="assess",
        version="bench",
        as_of=rules.as_of,
        workspace=str(args.workspace),
        records=outcome.records,
        findings=outcome.findings,
        waived=outcome.waived,
        rules=(),
        checked=outcome.checked,
    )
    text = renderer(RunResult, "json").render(result, RenderOptions())
    done("render JSON")
    json.dump({"phases": phases, "peak_mb": round(_peak_mb()), "bytes": len(text)}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
