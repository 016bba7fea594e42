"""The cache never changes a result: with or without it, with one process or many."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from conftest import AS_OF, EXAMPLE, REPO, VPSEC
from vpsec.app import CheckOptions, run_check
from vpsec.findings import RunResult
from vpsec.load import cache as cache_module
from vpsec.load import workspace as workspace_module
from vpsec.load.cache import CACHE_DIR, Cache
from vpsec.load.config import load_config
from vpsec.load.scan import scan_workspace
from vpsec.load.workspace import load_scanned

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate


@pytest.fixture(autouse=True)
def _own_cache_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each test gets its own signing key, as a fresh machine would.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.delenv("VPSEC_NO_CACHE", raising=False)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated workspace big enough to be parsed in parallel."""
    root = tmp_path_factory.mktemp("generated") / "ws"
    generate(root, workspace_module.PARALLEL_MIN_FILES + 300)
    return root


def _assess(root: Path, use_cache: bool = True) -> RunResult:
    options = CheckOptions(path=root, as_of=date.fromisoformat(AS_OF), use_cache=use_cache)
    return run_check(options, "assess")


def _copy_example(tmp_path: Path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(".vpsec"))
    return target


def test_cached_runs_equal_uncached(tmp_path: Path) -> None:
    root = _copy_example(tmp_path)
    cold = _assess(root, use_cache=False)
    assert not (root / CACHE_DIR).exists()
    first = _assess(root)
    assert (root / CACHE_DIR / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f59")
    assert (root / CACHE_DIR / ".gitignore").read_text() == "*\n"
    again = _assess(root)
    assert cold == first == again


def test_one_changed_file_is_seen(tmp_path: Path) -> None:
    root = _copy_example(tmp_path)
    before = _assess(root)
    record = root / "transfers" / "trf-2026-007.yaml"
    record.write_text(record.read_text().replace("signed: false", "signed: true"), encoding="utf-8")
    after = _assess(root)
    assert after == _assess(root, use_cache=False)
    assert any(f.rule == "TRF001" and f.record == "trf-2026-007" for f in before.findings)
    assert not any(f.rule == "TRF001" and f.record == "trf-2026-007" for f in after.findings)


def _shards(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / CACHE_DIR / "parsed").glob("*.json"))}


def test_one_changed_file_rewrites_at_most_two_shards_and_none_when_nothing_changed(
    tmp_path: Path,
) -> None:
    root = _copy_example(tmp_path)
    _assess(root)
    before = _shards(root)
    assert len(before) > 4  # the example's files spread over the sixteen shards
    _assess(root)  # the run cache answers: the parsed files stay as they were
    assert _shards(root) == before
    record = root / "transfers" / "trf-2026-007.yaml"
    record.write_text(record.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    edited = _assess(root, use_cache=True)
    after = _shards(root)
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    assert 1 <= len(changed) <= 2, changed
    # What was kept answers the next run exactly as a run without the cache.
    record.write_text(record.read_text(encoding="utf-8") + "# again\n", encoding="utf-8")
    assert _assess(root) == _assess(root, use_cache=False)
    assert edited.findings == _assess(root, use_cache=False).findings


def test_same_size_edit_within_one_mtime_tick_is_seen(tmp_path: Path) -> None:
    # Racy files: a same-size rewrite right after the cache was written must not be missed.
    root = _copy_example(tmp_path)
    record = root / "transfers" / "trf-2026-007.yaml"
    record.touch()  # written just now, as by an editor an instant before the run
    _assess(root)
    text = record.read_text(encoding="utf-8")
    assert "signed: false" in text
    stat = record.stat()
    record.write_text(text.replace("signed: false", "signed: true "), encoding="utf-8")
    # Same size, same inode, and (as on a coarse clock) the same mtime as before.
    os.utime(record, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert record.stat().st_size == stat.st_size
    findings = _assess(root).findings
    assert not any(f.rule == "TRF001" and f.record == "trf-2026-007" for f in findings)


@pytest.mark.parametrize("damage", ["garbage", "foreign-key", "truncated", "wrong-version"])
def test_damaged_or_foreign_cache_is_ignored(tmp_path: Path, damage: str) -> None:
    root = _copy_example(tmp_path)
    expected = _assess(root, use_cache=False)
    _assess(root)
    folder = root / CACHE_DIR
    (run_file,) = (folder / "runs").glob("*.json")
    shards = sorted((folder / "parsed").glob("*.json"))
    assert shards
    for path in (run_file, folder / "stats.json", *shards):
        raw = path.read_bytes()
        if damage == "garbage":
            path.write_bytes(b"\x00\xff not a cache")
        elif damage == "truncated":
            path.write_bytes(raw[: len(raw) // 2])
        elif damage == "foreign-key":
            # Well-formed, but signed by someone else: say, a cache committed in a pull request.
            mac, _, payload = raw.partition(b"\n")
            forged = payload.replace(b"TRF001", b"TRF002")
            path.write_bytes(b"0" * len(mac) + b"\n" + forged)
        else:
            mac, _, payload = raw.partition(b"\n")
            document = json.loads(payload)
            document["format"][1] = "0.0.0"
            path.write_bytes(mac + b"\n" + json.dumps(document).encode())
    assert _assess(root) == expected
    assert _assess(root) == expected


def test_forged_run_result_cannot_hide_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy_example(tmp_path)
    expected = _assess(root, use_cache=False)
    _assess(root)
    (run_file,) = (root / CACHE_DIR / "runs").glob("*.json")
    _, _, payload = run_file.read_bytes().partition(b"\n")
    outcome = json.loads(payload)["data"]
    outcome["findings"] = []
    # Another user (another key) writes a cache that claims the workspace is clean.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "attacker"))
    other = Cache.open(root)
    assert other.key is not None
    other.remember_run(run_file.stem, outcome)
    other.save()
    assert run_file.stat().st_size < len(payload)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    assert _assess(root) == expected


def test_read_only_cache_folder_still_gives_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy_example(tmp_path)
    expected = _assess(root, use_cache=False)

    def refuse(*_: object, **__: object) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(cache_module, "write_atomic_in", refuse)
    assert _assess(root) == expected
    assert not (root / CACHE_DIR / "runs").exists()


@pytest.mark.slow
def test_parallel_parse_equals_serial(generated: Path) -> None:
    config, _, _ = load_config(generated)
    serial, serial_findings = load_scanned(
        generated, config, scan_workspace(generated, config), workers=1
    )
    parallel, parallel_findings = load_scanned(
        generated, config, scan_workspace(generated, config), workers=2
    )
    assert len(serial.records) >= workspace_module.PARALLEL_MIN_FILES
    assert serial_findings == parallel_findings
    assert [(r.path, r.model, r.doc) for r in serial.records] == [
        (r.path, r.model, r.doc) for r in parallel.records
    ]


@pytest.mark.slow
def test_generated_workspace_same_with_and_without_cache(generated: Path, tmp_path: Path) -> None:
    root = tmp_path / "copy"
    shutil.copytree(generated, root, ignore=shutil.ignore_patterns(".vpsec"))
    cold = _assess(root, use_cache=False)
    assert cold.findings, "the generated workspace must have findings to compare"
    assert _assess(root) == cold  # fills the cache (parsed in parallel)
    assert _assess(root) == cold  # the whole run from the cache
    (root / "sites" / "kamituga-s0.yaml").write_text(
        (root / "sites" / "kamituga-s0.yaml").read_text() + "\n# edited\n", encoding="utf-8"
    )
    assert _assess(root) == _assess(root, use_cache=False)


def test_only_the_latest_runs_are_kept(tmp_path: Path) -> None:
    root = _copy_example(tmp_path)
    for day in range(1, cache_module.MAX_RUNS + 4):
        run_check(CheckOptions(path=root, as_of=date(2026, 11, day)), "assess")
    assert len(list((root / CACHE_DIR / "runs").glob("*.json"))) == cache_module.MAX_RUNS


@pytest.mark.slow
def test_two_runs_at_once_both_succeed(tmp_path: Path) -> None:
    root = _copy_example(tmp_path)
    command = [str(VPSEC), "assess", str(root), "--as-of", AS_OF, "--format", "json"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE) for _ in range(3)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [1, 1, 1]
    assert len(set(outputs)) == 1
    leftovers = [p.name for p in (root / CACHE_DIR).iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_positions_round_trip_through_the_cache() -> None:
    from vpsec.load.cache import _decode_documents, _encode_documents
    from vpsec.load.yamlread import parse_documents

    for path in sorted(EXAMPLE.rglob("*.yaml")):
        documents = parse_documents(path.read_text(encoding="utf-8"))
        encoded = json.loads(json.dumps(_encode_documents(documents)))
        assert _decode_documents(encoded) == documents, path


def test_positions_that_do_not_fit_are_refused() -> None:
    from vpsec.load.cache import _decode_documents

    with pytest.raises(ValueError, match="positions"):
        _decode_documents([[0, {"a": [1, 2]}, 1, 1, [1, 1, 2]]])
    with pytest.raises((TypeError, OverflowError)):
        _decode_documents([[0, {"a": [1, 2]}, 1, 1, [1, -1]]])
    # Too few: what is missing falls back to the document's own line.
    (doc,) = _decode_documents([[0, {"a": [1, 2]}, 5, 1, [3, 1]]])
    assert doc.position(("a",)) == (3, 1)
    assert doc.position(("a", 1)) == (5, 1)


def test_the_signature_is_checked_before_any_json_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy_example(tmp_path)
    _assess(root)
    stats = root / CACHE_DIR / "stats.json"
    _, _, payload = stats.read_bytes().partition(b"\n")
    stats.write_bytes(b"0" * 64 + b"\n" + payload)  # someone else's signature
    parsed: list[bytes] = []
    real_loads = json.loads

    def loads(data: bytes, **kwargs: object) -> object:
        parsed.append(data)
        return real_loads(data, **kwargs)

    monkeypatch.setattr(cache_module.json, "loads", loads)
    cache = Cache.open(root)
    assert cache.enabled and cache.known_digest("sites/kamituga.yaml", (0, 0, 0)) is None
    assert parsed == []


def test_an_oversized_cache_file_is_not_read(tmp_path: Path) -> None:
    """The size comes from the open file: a huge (here sparse) file costs no memory."""
    import tracemalloc

    root = _copy_example(tmp_path)
    expected = _assess(root, use_cache=False)
    (root / CACHE_DIR).mkdir(parents=True)
    with (root / CACHE_DIR / "stats.json").open("wb") as handle:
        handle.truncate(cache_module.MAX_FILE_BYTES + 1)
    tracemalloc.start()
    try:
        Cache.open(root)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50_000_000
    assert _assess(root) == expected


def test_a_cache_that_is_not_vpsecs_is_named_once_and_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _copy_example(tmp_path)
    expected = _assess(root, use_cache=False)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / ".vpsec").mkdir()
    (root / CACHE_DIR).symlink_to(elsewhere)
    capsys.readouterr()
    assert _assess(root) == expected
    err = capsys.readouterr().err
    assert err == "vpsec: not using the cache in .vpsec/cache: .vpsec/cache is a symbolic link\n"
    assert list(elsewhere.iterdir()) == []
