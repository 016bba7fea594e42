"""Parallel parsing on platforms without POSIX signal masks or the fork server (Windows, some
macOS set-ups): it falls back to spawn, or to parsing here, with the same results."""

from __future__ import annotations

import multiprocessing
import signal
from pathlib import Path

import pytest

from vpsec.load import parallel
from vpsec.load.parallel import Parsed, parse_many
from vpsec.load.yamlread import YamlProblem

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "lakeside-minerals"


@pytest.fixture
def contents() -> list[bytes]:
    files = sorted(p.read_bytes() for p in EXAMPLE.rglob("*.yaml"))
    # Enough files to be parsed in parallel, with one broken file among them.
    return (files * (parallel.PARALLEL_MIN_FILES // len(files) + 1)) + [b"a: [unclosed\n"]


def _comparable(results: list[Parsed]) -> list[object]:
    return [(r.message, r.line, r.column) if isinstance(r, YamlProblem) else r for r in results]


def _without_posix(monkeypatch: pytest.MonkeyPatch, methods: list[str]) -> list[str]:
    monkeypatch.delattr(signal, "pthread_sigmask", raising=False)
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: list(methods))
    used: list[str] = []
    real = parallel.ProcessPoolExecutor

    def recording(*args: object, **kwargs: object) -> object:
        context = kwargs.get("mp_context")
        used.append(context.get_start_method() if context is not None else "none")  # type: ignore[attr-defined]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", recording)
    return used


def test_windows_like_platform_parses_with_spawn(
    contents: list[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = _comparable(parse_many(contents, workers=1))
    used = _without_posix(monkeypatch, ["spawn"])
    assert not hasattr(signal, "pthread_sigmask")
    assert _comparable(parse_many(contents, workers=2)) == serial
    assert used == ["spawn"]


def test_no_start_method_parses_serially(
    contents: list[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = _comparable(parse_many(contents, workers=1))
    used = _without_posix(monkeypatch, [])
    assert _comparable(parse_many(contents, workers=2)) == serial
    assert used == []


def test_workers_that_cannot_start_fall_back_to_serial(
    contents: list[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = _comparable(parse_many(contents, workers=1))
    _without_posix(monkeypatch, ["spawn"])

    def refuse(*args: object, **kwargs: object) -> object:
        raise OSError("no processes in this sandbox")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", refuse)
    assert _comparable(parse_many(contents, workers=2)) == serial
