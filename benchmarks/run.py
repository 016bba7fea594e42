#!/usr/bin/env python3
"""vpsec's benchmark harness: `python3 tasks.py bench [--sizes 1000,10000,100000] [--runs 5]`.

Measures, in one run on one machine, side by side:
- `vpsec validate` and `vpsec assess --format json`, cold (no cache) and warm
  (cache filled; nothing changed; one file changed);
- start-up: `vpsec --version` against bare `python -c pass`;
- peak memory (maximum resident set size of each child process);
- the peer: check-jsonschema with the project's own schemas/ on the same
  files, one invocation per kind (what a user would run for schema checks).

It prints medians of several runs, the ratios the targets in
docs/performance.md are stated in, and (with --markdown FILE) the table.
"""

from __future__ import annotations

import argparse
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
    no_cache = ["--no-cache"] if supports_cache() else []
    results["validate cold"] = measure(runs, [*validate, *no_cache])
    results["assess cold"] = measure(runs, [*assess, *no_cache])
    timed(assess)  # fill the cache
    results["assess warm, nothing changed"] = measure(runs, assess)
    changed = sorted((workspace / "transfers").glob("*.yaml"))[0]
    original = changed.read_text(encoding="utf-8")
    counter = iter(range(1_000_000))

    def touch_one() -> None:
        changed.write_text(original + f"# edit {next(counter)}\n", encoding="utf-8")

    results["assess warm, one file changed"] = measure(runs, assess, before=touch_one)
    changed.write_text(original, encoding="utf-8")
    if with_peer:
        peer = measure_peer(max(1, min(runs, 3)), workspace)
        if peer is not None:
            results["check-jsonschema (peer)"] = peer
    for name, sample in results.items():
        print(f"  {name:<32} median {sample.median:7.3f} s   peak {sample.peak:6.0f} MB")
    return results


def startup(runs: int) -> tuple[Sample, Sample]:
    python = measure(runs, [sys.executable, "-c", "pass"])
    version = measure(runs, [VPSEC, "--version"])
    return python, version


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
    if args.vpsec:
        global VPSEC
        VPSEC = args.vpsec
    sizes = [int(s) for s in args.sizes.split(",")]

    print(
        f"vpsec benchmark on {platform.platform()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    python, version = startup(max(args.runs, 10))
    print(
        f"start-up: python -c pass {python.median * 1000:.0f} ms, "
        f"vpsec --version {version.median * 1000:.0f} ms"
    )
    table: dict[int, dict[str, Sample]] = {}
    with tempfile.TemporaryDirectory(prefix="vpsec-bench-") as scratch:
        for size in sizes:
            runs = args.runs if size <= 10_000 else max(1, args.runs // 2)
            # The peer takes minutes at 100k; its ratio target is stated at 10k.
            peer = not args.no_peer and size <= 10_000
            table[size] = bench_size(size, runs, Path(scratch), with_peer=peer)

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
    ratios = ["", "| target | measured | met |", "|---|---:|---|"]

    def ratio(label: str, value: float, limit: float, unit: str = "") -> None:
        met = "yes" if value <= limit else "no"
        ratios.append(f"| {label} ≤ {limit:g}{unit} | {value:.2f}{unit} | {met} |")

    ten = table.get(10_000) or table[max(table)]
    cold = ten["assess cold"].median
    if "check-jsonschema (peer)" in ten:
        ratio("cold assess / check-jsonschema", cold / ten["check-jsonschema (peer)"].median, 0.5)
    ratio(
        "warm assess (nothing changed) / cold",
        ten["assess warm, nothing changed"].median / cold,
        0.2,
    )
    ratio("start-up above bare python", overhead, 150, " ms")
    peak = max(s.peak for name, s in ten.items() if not name.startswith("check-jsonschema"))
    ratio("peak memory of any vpsec run at 10k", peak, 300, " MB")
    if 100_000 in table and 10_000 in table:
        ratio(
            "100k cold assess / 10k cold assess",
            table[100_000]["assess cold"].median / table[10_000]["assess cold"].median,
            12,
        )
    lines.extend(ratios)
    text = "\n".join(lines) + "\n"
    print("\n" + text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
