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


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr.decode()}")
    return elapsed


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
        "assess --format markdown": [VPSEC, "assess", "--format", "markdown", *common],
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
            medians = {}
            for audience in ("internal", "public"):
                run = [*command, "--audience", audience]
                timed(run)  # fill the parse cache, as a second run would find it
                medians[audience] = statistics.median(timed(run) for _ in range(args.runs))
            ratio = medians["public"] / medians["internal"]
            rows.append((label, medians["internal"], medians["public"], ratio))
            print(
                f"  {label:<34} internal {medians['internal']:6.2f} s   "
                f"public {medians['public']:6.2f} s   ratio {ratio:4.2f}",
                flush=True,
            )
    table = [
        "| output | internal (s) | public (s) | public / internal |",
        "|---|---:|---:|---:|",
        *(f"| `{label}` | {i:.2f} | {p:.2f} | {r:.2f} |" for label, i, p, r in rows),
    ]
    if args.markdown:
        args.markdown.write_text("\n".join(table) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
