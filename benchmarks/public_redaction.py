#!/usr/bin/env python3
"""Public against internal rendering of one very large meeting (issue 13).

`python benchmarks/public_redaction.py [--participants 60000] [--runs 3]`

The case: the example workspace plus one meeting with 60,000
participants (about 1.8 MB, inside the default file-size limit), every
participant with a distinct name. A public report must withhold every one of
those names from every string it prints, so its cost grows with names times
text unless the matcher is built once and scans the text in one pass.

Each measurement is a separate `vpsec` process (the parse cache filled by a
first run, as a consultant's second run would find it), run --runs times;
the script prints the medians and the public/internal ratio per command, and
with --markdown FILE writes the table for docs/performance.md.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "lakeside-minerals"
VPSEC = str(Path(sys.executable).parent / "vpsec")
AS_OF = "2026-11-27"

# Syllables for names no dictionary holds, so that each participant is a distinct person.
_ONSETS = ["b", "k", "m", "n", "t", "s", "l", "d", "g", "z", "ng", "ts"]
_VOWELS = ["a", "e", "i", "o", "u"]


def _word(number: int, syllables: int) -> str:
    out = []
    for _ in range(syllables):
        number, onset = divmod(number, len(_ONSETS))
        number, vowel = divmod(number, len(_VOWELS))
        out.append(_ONSETS[onset] + _VOWELS[vowel])
    return "".join(out).capitalize()


def meeting_text(participants: int) -> str:
    """A meeting whose participants all have different given names and surnames."""
    lines = [
        "apiVersion: vpsec/v1",
        "kind: Meeting",
        "id: mtg-2026-11-02-assembly",
        "title: Community assembly on the Kamituga resettlement",
        "date: 2026-11-02",
        "site: kamituga",
        "level: local",
        "counterpart: community",
        "participants:",
    ]
    for index in range(participants):
        given = _word(index, 3)
        surname = _word(index * 7 + 3, 3)
        # A role for some, as an assembly's attendance list has for the few who spoke.
        role = ", role: Resident" if index % 10 == 0 else ""
        lines.append(f"  - {{name: {given} {surname}{role}}}")
    lines += [
        "decisions:",
        "  - text: The company to publish the resettlement timetable in Swahili and French.",
        f"    owner: {_word(1, 3)} {_word(10, 3)}",
        "    due: 2026-11-30",
    ]
    return "\n".join(lines) + "\n"


def build(target: Path, participants: int) -> Path:
    """The example workspace plus the large meeting, in target (replaced)."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(".vpsec"))
    path = target / "meetings" / "mtg-2026-11-02-assembly.yaml"
    path.write_text(meeting_text(participants), encoding="utf-8")
    return path


def timed(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child): CPU time moves less on a shared machine."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    error = process.stderr.read().decode() if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"failed ({code}): {' '.join(command)}\n{error}")
    return elapsed, usage.ru_utime + usage.ru_stime


def commands(workspace: Path) -> dict[str, list[str]]:
    """The outputs measured, by label; each is run with --audience internal and public."""
    common = ["--workspace", str(workspace), "--as-of", AS_OF]
    return {
        "report assessment --format md": [VPSEC, "report", "assessment", *common],
        "report assessment --format html": [
            VPSEC,
            "report",
            "assessment",
            "--format",
            "html",
            *common,
        ],
        "report meeting --format md": [
            VPSEC,
            "report",
            "meeting",
            "--record",
            "mtg-2026-11-02-assembly",
            *common,
        ],
        # Warm, an internal run reads no record at all (the run cache); a public one must
        # read them all, to learn the names. Cold, both read every file.
        "assess --format markdown": [VPSEC, "assess", "--format", "markdown", *common],
        "assess --format markdown --no-cache": [
            VPSEC,
            "assess",
            "--format",
            "markdown",
            "--no-cache",
            *common,
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=60_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", help="Measure only the commands whose label contains this.")
    parser.add_argument("--markdown", type=Path, help="Also write the results table here.")
    args = parser.parse_args()
    print(
        f"vpsec public rendering on {platform.platform()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="vpsec-public-") as scratch:
        workspace = Path(scratch) / "ws"
        meeting = build(workspace, args.participants)
        size = meeting.stat().st_size / 1_000_000
        print(f"{args.participants:,} participants, meeting file {size:.2f} MB", flush=True)
        for label, command in commands(workspace).items():
            if args.only and args.only not in label:
                continue
            samples: dict[str, list[tuple[float, float]]] = {"internal": [], "public": []}
            for audience in samples:
                timed([*command, "--audience", audience])  # fill the parse cache
            # Interleaved, so that a busy moment of the machine falls on both audiences.
            for _ in range(args.runs):
                for audience, runs in samples.items():
                    runs.append(timed([*command, "--audience", audience]))
            wall = {a: statistics.median(t for t, _ in runs) for a, runs in samples.items()}
            cpu = {a: statistics.median(c for _, c in runs) for a, runs in samples.items()}
            row = (label, wall["internal"], wall["public"], cpu["internal"], cpu["public"])
            rows.append(row)
            print(
                f"  {label:<34} wall {row[1]:6.2f} / {row[2]:6.2f} s "
                f"({row[2] / row[1]:4.2f}x)   CPU {row[3]:6.2f} / {row[4]:6.2f} s "
                f"({row[4] / row[3]:4.2f}x)",
                flush=True,
            )
    table = [
        "| output | internal (s) | public (s) | public / internal | CPU internal (s) "
        "| CPU public (s) | CPU public / internal |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *(
            f"| `{label}` | {wi:.2f} | {wp:.2f} | {wp / wi:.2f} | {ci:.2f} | {cp:.2f} "
            f"| {cp / ci:.2f} |"
            for label, wi, wp, ci, cp in rows
        ),
    ]
    if args.markdown:
        args.markdown.write_text("\n".join(table) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
