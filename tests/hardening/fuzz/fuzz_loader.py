"""Coverage-guided fuzzing of the loader with atheris.

Run: `python fuzz_loader.py CORPUS_DIR -max_total_time=20`.

Each input is a record file's bytes. It must parse into documents or a
YamlProblem, and the documents must validate into records or findings:
anything else (an exception, a crash in C) is a bug, reported by libFuzzer
with the input that caused it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

# Coverage of vpsec's own code guides the fuzzer (libyaml is C and not instrumented).
with atheris.instrument_imports(include=["vpsec"]):
    from vpsec.load.parallel import parse_bytes
    from vpsec.load.workspace import build_workspace
    from vpsec.load.yamlread import YamlProblem
    from vpsec.models.config import WorkspaceConfig

CONFIG = WorkspaceConfig.model_validate(
    {"apiVersion": "vpsec/v1", "kind": "Workspace", "organisation": "Fuzz"}
)
ROOT = Path()


def test_one_input(data: bytes) -> None:
    parsed = parse_bytes(data)
    if isinstance(parsed, YamlProblem):
        assert parsed.message
        return
    build_workspace(ROOT, CONFIG, [("records/fuzz.yaml", parsed)])


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
