"""`vpsec diff`: compare two revisions (or a revision and the working tree) for review."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from vpsec import __version__
from vpsec.app.options import fail_level
from vpsec.errors import ConfigError, GitError, UsageError
from vpsec.findings import Finding
from vpsec.output import emit
from vpsec.results import AuditEntry, DiffResult, RecordChange, RecordRef

if TYPE_CHECKING:
    from vpsec.gitops import Repository
    from vpsec.load.source import Parsed

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
    # "public": only what vpsec.withhold lets a public output show (a PR comment).
    audience: str = "internal"


# The format a public comparison can be posted in; it says what it withheld.
PUBLIC_FORMATS = ("markdown",)


def _decision_breaches(
    repo: Repository, prefix: str, root: Path, base_sha: str, head_sha: str | None
) -> tuple[AuditEntry, ...]:
    """Decisions the change edits, renames, deletes or hides: breaches, as `vpsec audit` says."""
    from vpsec.audit import WORKTREE_REF, WorkingTreeSource, decision_changes, revision_ref

    base = repo.tree_source(base_sha, prefix, base_sha)
    if head_sha is None:
        return decision_changes(base, WorkingTreeSource(root), WORKTREE_REF)
    head = repo.tree_source(head_sha, prefix, head_sha)
    return decision_changes(base, head, revision_ref(repo, head_sha))


def run_diff(options: DiffOptions) -> DiffResult:
    """Open both sides with the one loader and compare them (for the audience asked)."""
    return _compared(options)[1]


def _compared(options: DiffOptions) -> tuple[DiffResult, DiffResult]:
    """The comparison, and the same for the options' audience (the exit code reads the first)."""
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

        parsed: dict[str, Parsed] = {}  # blob id -> parse, shared by both sides

        def side(sha: str, label: str) -> OpenWorkspace:
            try:
                return open_tree(repo.tree_source(sha, prefix, label), root, parsed)
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
        compared = replace(
            compared, breaches=_decision_breaches(repo, prefix, root, base_sha, head_sha)
        )
        result = from_repository_root(compared, prefix)
        if options.audience != "public":
            return result, result
        from vpsec.withhold import PublicView, record_data

        def by_id(opened: OpenWorkspace) -> dict[str, dict[str, object]]:
            return {str(record["id"]): record for record in record_data(opened)}

        view = PublicView.of([base, head])
        return result, view.diff_result(result, by_id(base), by_id(head))
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
    from vpsec.progress import progress
    from vpsec.render import RenderOptions, format_names, renderer

    if options.format not in format_names(DiffResult):
        raise UsageError(f"--format: choose one of {', '.join(format_names(DiffResult))}")
    if options.audience not in ("internal", "public"):
        raise UsageError("--audience: choose one of internal, public")
    if options.audience == "public" and options.format not in PUBLIC_FORMATS:
        raise UsageError("--audience public: choose --format markdown (it says what it withheld)")
    level = fail_level(options.fail_on)
    # The exit code never depends on the audience: it is the full comparison's.
    with progress("Comparing the revisions"):
        result, shown = _compared(options)
    chosen = renderer(DiffResult, options.format)
    render_options = RenderOptions()
    emit(chosen.render(shown, render_options), options.output, sanitised=chosen.entry.escapes_data)
    chosen.post_render(shown, render_options)
    if result.breaches:
        return 1
    if level is None:
        return 0
    return 1 if any(f.severity.rank >= level.rank for f in result.introduced) else 0
