"""`vpsec diff`: compare two revisions (or a revision and the working tree) for review."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from vpsec import __version__
from vpsec.app.options import fail_level
from vpsec.errors import ConfigError, GitError, UsageError
from vpsec.findings import Finding
from vpsec.output import emit
from vpsec.results import DiffResult, RecordChange, RecordRef

WORKING_TREE = "working tree"


@dataclass(frozen=True, slots=True)
class DiffOptions:
    """What `vpsec diff` was asked to compare."""

    base: str
    head: str | None = None
    format: str = "text"
    as_of: date | None = None
    output: Path | None = None
    fail_on: str = "error"
    start: Path = Path()


def run_diff(options: DiffOptions) -> DiffResult:
    """Open both sides with the one loader and compare them."""
    from vpsec.diff import compare
    from vpsec.gitops import open_repository
    from vpsec.load.config import find_root
    from vpsec.load.source import OpenWorkspace, open_tree, open_workspace

    as_of = options.as_of or date.today()
    root = find_root(options.start)
    repo = open_repository(root)
    try:
        prefix = repo.prefix_of(root)
        # Resolve both revisions before reading anything: only object ids go further.
        try:
            base_sha = repo.resolve(options.base)
            head_sha = repo.resolve(options.head) if options.head is not None else None
        except GitError as error:
            if (repo.git_dir / "shallow").exists():
                raise GitError(
                    f"{error}; this is a shallow clone: fetch the base too "
                    "(`git fetch origin main`, or `fetch-depth: 0` in actions/checkout)"
                ) from None
            raise

        def side(sha: str, label: str) -> OpenWorkspace:
            try:
                return open_tree(repo.tree_source(sha, prefix, label), root)
            except ConfigError as error:
                raise ConfigError(f"at {label}: {error}") from None

        base = side(base_sha, options.base)
        head_has_file: Callable[[str], bool]
        if head_sha is None:
            head = open_workspace(root)
            head_label = WORKING_TREE
            head_has_file = lambda rel: (root / rel).is_file()  # noqa: E731
        else:
            assert options.head is not None
            head = side(head_sha, options.head)
            head_label = options.head
            head_files = {entry.rel for entry in repo.tree_entries(head_sha, prefix)}
            head_has_file = head_files.__contains__
        compared = compare(
            base,
            head,
            base_label=options.base,
            head_label=head_label,
            as_of=as_of,
            head_has_file=head_has_file,
            version=__version__,
            shas=(base_sha, head_sha),
        )
        return from_repository_root(compared, prefix)
    finally:
        repo.close()


def from_repository_root(result: DiffResult, prefix: str) -> DiffResult:
    """Record and finding paths relative to the repository root, as in every output format
    (docs/ci.md, "Paths"), so a link in the pull-request comment lands on the file."""
    if not prefix:
        return result

    def finding(f: Finding) -> Finding:
        return replace(f, path=f"{prefix}{f.path}")

    def ref(r: RecordRef) -> RecordRef:
        return replace(r, path=f"{prefix}{r.path}")

    def change(c: RecordChange) -> RecordChange:
        moved = f"{prefix}{c.moved_from}" if c.moved_from is not None else None
        return replace(c, path=f"{prefix}{c.path}", moved_from=moved)

    return replace(
        result,
        added=tuple(map(ref, result.added)),
        removed=tuple(map(ref, result.removed)),
        hidden=tuple(map(ref, result.hidden)),
        changed=tuple(map(change, result.changed)),
        moved=tuple(map(change, result.moved)),
        introduced=tuple(map(finding, result.introduced)),
        resolved=tuple(map(finding, result.resolved)),
    )


def diff(options: DiffOptions) -> int:
    """`vpsec diff`: 1 when the change introduces findings at or above --fail-on."""
    from vpsec.render import RenderOptions, format_names, renderer

    if options.format not in format_names(DiffResult):
        raise UsageError(f"--format: choose one of {', '.join(format_names(DiffResult))}")
    level = fail_level(options.fail_on)
    result = run_diff(options)
    chosen = renderer(DiffResult, options.format)
    render_options = RenderOptions()
    emit(chosen.render(result, render_options), options.output, sanitised=chosen.entry.escapes_data)
    chosen.post_render(result, render_options)
    if result.breaches:
        return 1
    if level is None:
        return 0
    return 1 if any(f.severity.rank >= level.rank for f in result.introduced) else 0
