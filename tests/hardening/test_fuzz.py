"""The loader under coverage-guided fuzzing (atheris) for a bounded time; skipped without it."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLE

FUZZER = Path(__file__).parent / "fuzz" / "fuzz_loader.py"
SECONDS = 20


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("atheris") is None, reason="atheris not installed")
def test_fuzz_the_loader(tmp_path: Path) -> None:
    """Seeded with the example's records; any exception or crash fails with the input kept."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in EXAMPLE.rglob("*.yaml"):
        shutil.copyfile(path, corpus / f"{path.parent.name}-{path.name}")
    done = subprocess.run(
        [
            sys.executable,
            str(FUZZER),
            str(corpus),
            f"-max_total_time={SECONDS}",
            "-timeout=10",
            "-rss_limit_mb=1536",
            "-max_len=65536",
            f"-artifact_prefix={tmp_path}/",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=SECONDS + 120,
        check=False,
    )
    crashes = [
        p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-"))
    ]
    assert done.returncode == 0 and crashes == [], done.stderr[-4000:]
    # libFuzzer's closing line: it ran to its time limit, over many inputs.
    runs = re.search(r"Done (\d+) runs", done.stderr)
    assert runs is not None and int(runs.group(1)) > 1000, done.stderr[-2000:]
