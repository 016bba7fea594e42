"""Parsing many files at once, across cores.

Workers are started by a fork server rather than by forking this process,
so nothing of this process's state (threads, locks, signal handlers) is
copied into them. While they work, SIGINT and SIGTERM are held back in this
process and watched for: when one arrives, the workers are stopped first and
the signal is then let through, so the run unwinds as it does anywhere else
(vpsec.cli.errors) and no worker outlives it. This module imports nothing
heavier than the YAML reader, because every worker imports it.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor, wait

from vpsec.load.yamlread import RawDocument, YamlProblem, decode, parse_documents

# Below this many files, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 2000
MAX_WORKERS = 8

Parsed = list[RawDocument] | YamlProblem


def parse_bytes(data: bytes) -> Parsed:
    """The documents of a file's content, or the problem that prevents reading it."""
    try:
        return parse_documents(decode(data))
    except YamlProblem as problem:
        return problem


def _parse_chunk(chunk: list[bytes]) -> list[Parsed]:
    return [parse_bytes(data) for data in chunk]


def _leave_signals_to_the_parent() -> None:
    # A Ctrl-C in a terminal reaches the whole process group; the parent decides.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _context() -> multiprocessing.context.BaseContext | None:
    """Forkserver where there is one (Linux, most macOS), else spawn (Windows), else None."""
    methods = multiprocessing.get_all_start_methods()
    for method in ("forkserver", "spawn"):
        if method in methods:
            return multiprocessing.get_context(method)
    return None


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    for child in multiprocessing.active_children():
        child.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


def parse_many(contents: list[bytes], workers: int | None = None) -> list[Parsed]:
    """Parse many files' contents in order, in parallel when there are enough of them."""
    count = min(workers if workers is not None else (os.cpu_count() or 1), MAX_WORKERS)
    if count <= 1 or len(contents) < PARALLEL_MIN_FILES:
        return _parse_chunk(contents)
    context = _context()
    if context is None:
        return _parse_chunk(contents)
    size = -(-len(contents) // (count * 4))
    chunks = [contents[i : i + size] for i in range(0, len(contents), size)]
    if not hasattr(signal, "pthread_sigmask"):
        return _parse_unmasked(chunks, count, context)
    held = {signal.SIGINT, signal.SIGTERM}
    interrupted = False
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        try:
            pool = ProcessPoolExecutor(
                max_workers=count, mp_context=context, initializer=_leave_signals_to_the_parent
            )
            futures = [pool.submit(_parse_chunk, chunk) for chunk in chunks]
        except (OSError, RuntimeError, ValueError):
            # No processes to be had (a sandbox, a limit): parse here instead.
            return _parse_chunk(contents)
        while True:
            _done, pending = wait(futures, timeout=0.05)
            if not pending:
                break
            if signal.sigpending() & held:
                _stop_workers(pool)
                interrupted = True
                break
        if not interrupted:
            pool.shutdown()
    finally:
        # A signal that arrived meanwhile is delivered here, once the workers are gone,
        # and unwinds the run from an ordinary place.
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    if interrupted:
        # The signal's handler did not end the run: stop anyway, results are incomplete.
        raise KeyboardInterrupt
    return [result for future in futures for result in future.result()]


def _parse_unmasked(
    chunks: list[list[bytes]], count: int, context: multiprocessing.context.BaseContext
) -> list[Parsed]:
    """Parallel parsing where signals cannot be held (Windows): stop the workers on the way out.

    Ctrl-C arrives as KeyboardInterrupt in this process (and in the workers, which
    ignore it); whatever ends the wait, the workers are terminated before it goes on.
    """
    try:
        pool = ProcessPoolExecutor(
            max_workers=count, mp_context=context, initializer=_leave_signals_to_the_parent
        )
        futures = [pool.submit(_parse_chunk, chunk) for chunk in chunks]
    except (OSError, RuntimeError, ValueError):
        return [result for chunk in chunks for result in _parse_chunk(chunk)]
    try:
        results = [result for future in futures for result in future.result()]
    except BaseException:
        _stop_workers(pool)
        raise
    pool.shutdown()
    return results
