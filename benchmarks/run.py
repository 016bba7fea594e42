#!/usr/bin/env python3
"""vpsec's benchmark harness: `python3 tasks.py bench [--sizes 1000,10000,100000] [--runs 5]`.

Measures, in one run on one machine, side by side:
- `vpsec validate` and `vpsec assess --format json`, cold (no cache) and warm
  (cache filled; nothing changed; one file changed);
- start-up: `vpsec --version` against bare `python -c pass`;
- peak memory (maximum resident set size of each child process);
- the peer: check-jsonschema with the project's own schemas/ on the same
  files, one invocation per kind (what a user would run for schema checks);
- the floor: libyaml (ruamel.yaml.clib's CParser) composing every file into
  node trees with marks, in one process on one core;
- the default text format beside JSON, a workspace with many findings per
  record (misspelt fields), `report assessment` (md and html) and `diff`
  between two committed revisions (at 10k, or the largest size below it).

It prints medians of several runs, every target of issue 19 as met or the gap,
and (with --markdown FILE) the table.

"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
VPSEC = str(BIN / "vpsec")
AS_OF = "2026-11-27"
SCHEMA_OF = {
    "sites": "site",
    "deployments": "deployment",
    "transfers": "transfer",
    "meetings": "meeting",
    "assessments": "riskassessment",
    "agreements": "agreement",
    "incidents": "incident",
    "consultations": "consultation",
    "decisions": "decision",
}


@dataclass
class Sample:
    """Wall times (s) and peak memory (MB) of repeated runs of one measurement."""

    times: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def peak(self) -> float:
        return max(self.peaks) if self.peaks else 0.0


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Run command; return (wall seconds, peak RSS in MB of the whole process tree's largest)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"benchmark command failed ({code}): {' '.join(command)}\n{error}")
    if process.stderr:
        process.stderr.close()
    return elapsed, usage.ru_maxrss / 1024


def measure(runs: int, command: list[str], before: Callable[[], None] | None = None) -> Sample:
    sample = Sample()
    for _ in range(runs):
        if before is not None:
            before()
        elapsed, peak = timed(command)
        sample.times.append(elapsed)
        sample.peaks.append(peak)
    return sample


def check_jsonschema(workspace: Path) -> list[list[str]]:
    """One check-jsonschema command per kind folder, as a user would run them."""
    tool = shutil.which("check-jsonschema", path=str(BIN)) or shutil.which("check-jsonschema")
    if tool is None:
        return []
    commands = []
    for folder, schema in SCHEMA_OF.items():
        files = sorted(str(p) for p in (workspace / folder).glob("*.yaml"))
        if files:
            commands.append(
                [tool, "--schemafile", str(ROOT / "schemas" / f"{schema}.json"), *files]
            )
    return commands


def measure_peer(runs: int, workspace: Path) -> Sample | None:
    commands = check_jsonschema(workspace)
    if not commands:
        return None
    sample = Sample()
    for _ in range(runs):
        total = 0.0
        peak = 0.0
        for command in commands:
            elapsed, rss = timed(command)
            total += elapsed
            peak = max(peak, rss)
        sample.times.append(total)
        sample.peaks.append(peak)
    return sample


# Composes every file with libyaml's C parser, marks included, in this one process, with
# the cheapest resolver there is (one tag for everything): what no YAML loader can beat.
_FLOOR = """
import os, sys
from ruamel.yaml.cyaml import CParser as Base
from ruamel.yaml.tag import Tag
TAG = Tag(suffix="tag:yaml.org,2002:str")
class CParser(Base):
    def descend_resolver(self, *_): return None
    def ascend_resolver(self, *_): return None
    def resolve(self, *_): return TAG
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
for path in sys.stdin.read().splitlines():
    with open(path, encoding="utf-8") as handle:
        parser = CParser(handle.read())
    while parser.check_node():
        node = parser.get_node()
        node.start_mark.line
    parser.dispose()
"""


def measure_floor(runs: int, workspace: Path) -> Sample:
    files = "\n".join(str(p) for p in sorted(workspace.rglob("*.yaml"))).encode()
    sample = Sample()
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", _FLOOR], input=files, check=True)
        sample.times.append(time.perf_counter() - start)
    return sample


def _git(workspace: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", *args],
        cwd=workspace,
        check=True,
        capture_output=True,
    )


def two_revisions(workspace: Path) -> None:
    """Commit the workspace, then a second revision: 1 % of records edited, 0.5 % removed."""
    _git(workspace, "init", "-q")
    _git(workspace, "add", "-A")
    _git(workspace, "commit", "-q", "-m", "base")
    files = sorted((workspace / "transfers").glob("*.yaml")) + sorted(
        (workspace / "meetings").glob("*.yaml")
    )
    step = max(1, len(files) // 100)
    for index, path in enumerate(files[::step]):
        if index % 3 == 2:
            path.unlink()
        else:
            path.write_text(path.read_text(encoding="utf-8") + "notse: edited\n", encoding="utf-8")
    _git(workspace, "add", "-A")
    _git(workspace, "commit", "-q", "-m", "head")


def bench_extras(records: int, runs: int, scratch: Path) -> dict[str, Sample]:
    """The renderers, reports and diff, and the libyaml floor, on one size."""
    workspace = scratch / f"ws-{records}"
    results: dict[str, Sample] = {}
    results["libyaml compose (floor, 1 core)"] = measure_floor(runs, workspace)
    many = scratch / f"ws-{records}-many"
    generate(many, records, unknown_fields=6)
    for fmt, extra in (("json", ["--format", "json"]), ("text", [])):
        command = [VPSEC, "assess", str(many), *extra, "--as-of", AS_OF]
        results[f"many findings: assess {fmt} cold"] = measure(runs, [*command, *NO_CACHE])
        timed(command)
        results[f"many findings: assess {fmt} warm"] = measure(runs, command)
    for fmt in ("md", "html"):
        out = scratch / f"report.{fmt}"
        command = [VPSEC, "report", "assessment", "-w", str(workspace), "--format", fmt]
        results[f"report assessment {fmt}"] = measure(
            runs, [*command, "--as-of", AS_OF, "-o", str(out)], before=lambda o=out: o.unlink(True)
        )
    two_revisions(workspace)
    for fmt in ("text", "json"):
        command = [VPSEC, "diff", "HEAD~1", "HEAD", "-w", str(workspace), "--format", fmt]
        results[f"diff of two revisions, {fmt}"] = measure(runs, [*command, "--as-of", AS_OF])
    for name, sample in results.items():
        print(f"  {name:<36} median {sample.median:7.3f} s   peak {sample.peak:6.0f} MB")
    return results


NO_CACHE: list[str] = []
PHASES = Path(__file__).resolve().parent / "phases.py"
# Per size: the phases of one cold run and of one warm run with one file changed.
Phases = dict[str, Any]
PHASES_OF: dict[int, dict[str, Phases]] = {}


def run_phases(workspace: Path, *extra: str) -> Phases:
    """benchmarks/phases.py in a fresh process: each phase's seconds and memory after it."""
    done = subprocess.run(
        [sys.executable, str(PHASES), str(workspace), *extra],
        capture_output=True,
        text=True,
        check=True,
    )
    data: Phases = json.loads(done.stdout)
    return data


def cause(phases: Phases, what: str = "time") -> str:
    """The phases that make up a run, largest first, as one line."""
    rows = phases["phases"]
    if what == "memory":
        grown = []
        last = 0.0
        for name, _, peak in rows:
            grown.append((peak - last, name))
            last = peak
        parts = [f"{name.split(' (')[0]} +{mb:.0f} MB" for mb, name in sorted(grown, reverse=True)]
        return f"peak {phases['peak_mb']} MB: " + ", ".join(parts[:4])
    ordered = sorted(rows, key=lambda row: -row[1])
    return ", ".join(f"{name.split(' (')[0]} {seconds:.2f} s" for name, seconds, _ in ordered[:5])


def supports_cache() -> bool:
    """Older vpsec builds (measured for the "before" table) have no cache and no --no-cache."""
    done = subprocess.run([VPSEC, "assess", "--help"], capture_output=True, text=True, check=False)
    return "--no-cache" in done.stdout


def bench_size(records: int, runs: int, scratch: Path, with_peer: bool) -> dict[str, Sample]:
    workspace = scratch / f"ws-{records}"
    count = generate(workspace, records)
    print(f"\n{count} records in {workspace}", flush=True)
    results: dict[str, Sample] = {}
    validate = [VPSEC, "validate", str(workspace), "--format", "json", "--as-of", AS_OF]
    assess = [VPSEC, "assess", str(workspace), "--format", "json", "--as-of", AS_OF]
    text = [VPSEC, "assess", str(workspace), "--as-of", AS_OF]
    no_cache = NO_CACHE
    results["validate cold"] = measure(runs, [*validate, *no_cache])
    results["assess cold"] = measure(runs, [*assess, *no_cache])
    results["assess text cold"] = measure(runs, [*text, *no_cache])
    timed(assess)  # fill the cache
    results["assess warm, nothing changed"] = measure(runs, assess)
    timed(text)
    results["assess text warm, nothing changed"] = measure(runs, text)
    changed = sorted((workspace / "transfers").glob("*.yaml"))[0]
    original = changed.read_text(encoding="utf-8")
    counter = iter(range(1_000_000))

    def touch_one() -> None:
        changed.write_text(original + f"# edit {next(counter)}\n", encoding="utf-8")

    results["assess warm, one file changed"] = measure(runs, assess, before=touch_one)
    touch_one()
    PHASES_OF[records] = {"one file changed": run_phases(workspace)}
    changed.write_text(original, encoding="utf-8")
    PHASES_OF[records]["cold"] = run_phases(workspace, "--no-cache")
    if with_peer:
        peer = measure_peer(max(1, min(runs, 3)), workspace)
        if peer is not None:
            results["check-jsonschema (peer)"] = peer
    for name, sample in results.items():
        print(f"  {name:<32} median {sample.median:7.3f} s   peak {sample.peak:6.0f} MB")
    return results


def startup(runs: int) -> tuple[Sample, Sample, Sample]:
    python = measure(runs, [sys.executable, "-c", "pass"])
    version = measure(runs, [VPSEC, "--version"])
    # What every command pays before it reads a file: its options parsed, its code imported.
    help_ = measure(runs, [VPSEC, "assess", "--help"])
    return python, version, help_


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-peer", action="store_true", help="Skip check-jsonschema.")
    parser.add_argument("--markdown", type=Path, help="Also write the results table here.")
    parser.add_argument(
        "--vpsec", help="The vpsec executable to measure (default: the one beside this Python)."
    )
    args = parser.parse_args()
    global VPSEC, NO_CACHE
    if args.vpsec:
        VPSEC = args.vpsec
    NO_CACHE = ["--no-cache"] if supports_cache() else []
    sizes = [int(s) for s in args.sizes.split(",")]

    print(
        f"vpsec benchmark on {platform.platform()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    python, version, help_ = startup(max(args.runs, 10))
    print(
        f"start-up: python -c pass {python.median * 1000:.0f} ms, "
        f"vpsec --version {version.median * 1000:.0f} ms, "
        f"vpsec assess --help {help_.median * 1000:.0f} ms"
    )
    table: dict[int, dict[str, Sample]] = {}
    with tempfile.TemporaryDirectory(prefix="vpsec-bench-") as scratch:
        for size in sizes:
            runs = args.runs if size <= 10_000 else max(1, args.runs // 2)
            # The peer takes minutes at 100k; its ratio target is stated at 10k.
            peer = not args.no_peer and size <= 10_000
            table[size] = bench_size(size, runs, Path(scratch), with_peer=peer)
        extras_size = max((s for s in sizes if s <= 10_000), default=min(sizes))
        extras = bench_extras(extras_size, args.runs, Path(scratch))
        table[extras_size].update(extras)

    lines = [
        "| records | measurement | median (s) | peak memory (MB) |",
        "|---:|---|---:|---:|",
    ]
    for size, results in table.items():
        for name, sample in results.items():
            lines.append(f"| {size:,} | {name} | {sample.median:.3f} | {sample.peak:.0f} |")
    overhead = (version.median - python.median) * 1000
    lines.append("")
    lines.append(
        f"Start-up: `vpsec --version` {version.median * 1000:.0f} ms, "
        f"`python -c pass` {python.median * 1000:.0f} ms: {overhead:.0f} ms above."
    )
    ratios = [
        "",
        "| target | measured | met | where the time or memory goes |",
        "|---|---:|---|---|",
    ]
    phases = PHASES_OF.get(extras_size, {})

    def ratio(label: str, value: float, limit: float, unit: str = "", why: str = "") -> None:
        met = "yes" if value <= limit else f"**no**: {value - limit:.2f}{unit} over"
        shown = why if value > limit else ""
        ratios.append(f"| {label} ≤ {limit:g}{unit} | {value:.2f}{unit} | {met} | {shown} |")

    ten = table[extras_size]
    cold = ten["assess cold"].median
    ratio("1. text / json, cold", ten["assess text cold"].median / cold, 1.2)
    ratio(
        "1. text / json, warm",
        ten["assess text warm, nothing changed"].median
        / ten["assess warm, nothing changed"].median,
        1.2,
    )
    if "many findings: assess text cold" in ten:
        ratio(
            "1. text / json, many findings, cold",
            ten["many findings: assess text cold"].median
            / ten["many findings: assess json cold"].median,
            1.2,
        )
        ratio(
            "1. text / json, many findings, warm",
            ten["many findings: assess text warm"].median
            / ten["many findings: assess json warm"].median,
            1.2,
        )
    if "libyaml compose (floor, 1 core)" in ten:
        ratio(
            "2. cold json / libyaml floor",
            cold / ten["libyaml compose (floor, 1 core)"].median,
            2.5,
            why=cause(phases["cold"]) if "cold" in phases else "",
        )
    ratio(
        "3. warm, nothing changed / cold",
        ten["assess warm, nothing changed"].median / cold,
        0.2,
        why=f"start-up alone (`vpsec assess --help`) {help_.median:.2f} s, "
        f"{help_.median / cold:.2f} of cold",
    )
    ratio(
        "3. warm, one file changed / cold",
        ten["assess warm, one file changed"].median / cold,
        0.3,
        why=cause(phases["one file changed"]) if "one file changed" in phases else "",
    )
    if 100_000 in table:
        big = table[100_000]
        big_phases = PHASES_OF.get(100_000, {})
        ratio(
            "4. peak memory at 100k",
            max(s.peak for s in big.values()),
            500,
            " MB",
            why=cause(big_phases["cold"], "memory") if "cold" in big_phases else "",
        )
        if 10_000 in table:
            ratio("4. 100k cold / 10k cold", big["assess cold"].median / cold, 11)
    if "check-jsonschema (peer)" in ten:
        ratio("cold assess / check-jsonschema", cold / ten["check-jsonschema (peer)"].median, 0.5)
    ratio("start-up above bare python", overhead, 150, " ms")
    peak = max(s.peak for name, s in ten.items() if not name.startswith("check-jsonschema"))
    ratio("peak memory of any vpsec run at 10k", peak, 300, " MB")
    lines.extend(ratios)
    text = "\n".join(lines) + "\n"
    print("\n" + text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
