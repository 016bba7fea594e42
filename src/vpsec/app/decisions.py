"""`vpsec decide`, `vpsec log` and `vpsec audit`: check the options, compute, render, emit."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from vpsec.decide import DecideOptions
from vpsec.errors import UsageError
from vpsec.output import emit
from vpsec.results import AuditResult, LogResult

if TYPE_CHECKING:
    from vpsec.withhold import PublicView

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class LogOptions:
    """What `vpsec log` was asked to show."""

    start: Path = Path()
    since: date | None = None
    format: str = "text"
    # "public": the log as vpsec.withhold lets the public see it (no names, no authors).
    audience: str = "internal"


@dataclass(frozen=True, slots=True)
class AuditOptions:
    """What `vpsec audit` was asked to verify."""

    start: Path = Path()
    format: str = "text"
    require_signed: bool = False
    since_commit: str | None = None
    audience: str = "internal"


def _check_format(result: type[object], name: str) -> None:
    from vpsec.render import format_names

    names = format_names(result)
    if name not in names:
        raise UsageError(f"--format: choose one of {', '.join(names)}")


def _show(result: T, result_type: type[T], name: str) -> None:
    from vpsec.render import RenderOptions, renderer

    chosen = renderer(result_type, name)
    options = RenderOptions()
    emit(chosen.render(result, options), None, sanitised=chosen.entry.escapes_data)
    chosen.post_render(result, options)


AUDIENCES = ("internal", "public")


def _public_view(root: Path, audience: str) -> PublicView | None:
    """What a public output may show of this workspace, or None for the internal audience."""
    if audience not in AUDIENCES:
        raise UsageError(f"--audience: choose one of {', '.join(AUDIENCES)}")
    if audience == "internal":
        return None
    from vpsec.load.source import open_workspace
    from vpsec.withhold import PublicView

    return PublicView.of([open_workspace(root)])


def decide(options: DecideOptions) -> int:
    """`vpsec decide`: write a Decision and commit exactly that file. Prints id and commit."""
    from vpsec.decide import check_text, record_decision

    check_text(options)
    recorded = record_decision(options)
    sys.stdout.write(
        f"Recorded decision {recorded.id} in {recorded.path}, commit {recorded.commit}\n"
    )
    return 0


def log(options: LogOptions) -> int:
    """`vpsec log`: the decisions in git history (committed on or after since)."""
    from vpsec.decision_log import read_log
    from vpsec.load.config import find_root
    from vpsec.progress import progress

    _check_format(LogResult, options.format)
    root = find_root(options.start)
    public = _public_view(root, options.audience)
    with progress("Reading the decision log from git history"):
        result = read_log(root, options.since)
    _show(result if public is None else public.log_result(result), LogResult, options.format)
    return 0


def audit(options: AuditOptions) -> int:
    """`vpsec audit`: 1 when a committed decision was changed, renamed or deleted."""
    from vpsec.audit import audit_history
    from vpsec.load.config import find_root
    from vpsec.progress import progress

    _check_format(AuditResult, options.format)
    root = find_root(options.start)
    public = _public_view(root, options.audience)
    with progress("Auditing the decisions in git history"):
        result = audit_history(root, options.since_commit, options.require_signed)
    # The verdict and exit code are the audit's own; only what is shown is withheld.
    _show(result if public is None else public.audit_result(result), AuditResult, options.format)
    return 0 if result.intact else 1


__all__ = ["AuditOptions", "DecideOptions", "LogOptions", "audit", "decide", "log"]
