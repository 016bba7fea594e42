"""`vpsec report`: check the options, load the workspace once, run the rules, build, render, write.

The records the report shows and the findings it lists come from one read
of the files (through the parse cache): the rules run on the very workspace
the context is built from.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from vpsec.errors import UsageError
from vpsec.findings import Finding, Severity
from vpsec.load.cache import Cache
from vpsec.load.config import find_root
from vpsec.load.source import open_workspace
from vpsec.outcome import RuleSelection, evaluate
from vpsec.output import display_path, emit
from vpsec.progress import progress
from vpsec.render import RenderOptions, format_names, renderer
from vpsec.render.report import require_pdf
from vpsec.render.templates import template_for
from vpsec.reports import AUDIENCES, ReportRequest, build_context
from vpsec.results import ReportResult
from vpsec.withhold import PublicView
from vpsec.wording import count, join_words

# CSS page sizes, by the name the command line takes.
PAPERS = {"a4": "A4", "letter": "letter"}


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """What `vpsec report` was asked to do."""

    name: str
    path: Path = Path()
    format: str = "md"
    audience: str = "internal"
    site: str | None = None
    record: str | None = None
    as_of: date | None = None
    output: Path | None = None
    paper: str = "a4"
    # Public: the Decision that authorises showing `published: false` records (vpsec.withhold).
    disclose_unpublished: str | None = None


def _check_options(options: ReportOptions) -> None:
    formats = format_names(ReportResult)
    if options.format not in formats:
        raise UsageError(f"--format: choose one of {', '.join(formats)}")
    if options.audience not in AUDIENCES:
        raise UsageError(f"--audience: choose one of {', '.join(AUDIENCES)}")
    if options.paper.casefold() not in PAPERS:
        raise UsageError(f"--paper: choose one of {', '.join(PAPERS)}")
    if options.format == "pdf" and options.output is None:
        raise UsageError("--format pdf needs --output FILE (PDF is not written to a terminal)")
    if options.name == "site" and options.site is None:
        raise UsageError("the site report needs --site SITE")
    if options.name == "meeting" and options.record is None:
        raise UsageError("the meeting report needs --record MEETING-ID")
    if options.disclose_unpublished is not None and options.audience != "public":
        raise UsageError("--disclose-unpublished is for --audience public (internal shows all)")


def build_report(options: ReportOptions) -> ReportResult:
    """The report's context, from one load of the workspace and one run of its rules."""
    return _built(options)[0]


def _built(options: ReportOptions) -> tuple[ReportResult, tuple[Finding, ...]]:
    """The report's context, and every finding of the run (the exit code needs the V ones)."""
    _check_options(options)
    root = find_root(options.path)
    # An unknown report, or one without a template in this format, fails before any loading.
    template_for(root, options.name, "md" if options.format == "md" else "html")
    as_of = options.as_of or date.today()
    cache = Cache.open(root)
    opened = open_workspace(root, cache)
    rules = opened.config.rules
    outcome = evaluate(opened, RuleSelection(as_of, tuple(rules.select), tuple(rules.ignore)))
    cache.save()
    request = ReportRequest(
        name=options.name,
        as_of=as_of,
        format=options.format,
        audience=options.audience,
        site=options.site,
        record=options.record,
        workspace=display_path(root),
        paper=PAPERS[options.paper.casefold()],
    )
    public = None
    if options.audience == "public":
        public = PublicView.of([opened], disclose=options.disclose_unpublished)
        if public.disclosure is not None:
            # The override is logged where the command runs, and named in the report itself.
            sys.stderr.write(
                f"vpsec: warning: records marked `published: false` are shown in full, as "
                f"{public.disclosure.decision} authorises\n"
            )
    context = build_context(
        opened.load().workspace, outcome.findings, outcome.waived, request, public
    )
    return ReportResult(options.name, root, options.audience, context), outcome.findings


def render_report(options: ReportOptions) -> str | bytes:
    """The report in its format: text for md and html, bytes for pdf."""
    return _rendered(options)[0]


def _rendered(options: ReportOptions) -> tuple[str | bytes, tuple[Finding, ...]]:
    if options.format == "pdf":
        _check_options(options)
        # Fail on a missing WeasyPrint before doing the work.
        require_pdf()
    result, findings = _built(options)
    return renderer(ReportResult, options.format).render(result, RenderOptions()), findings


def _size(data: str | bytes) -> str:
    size = len(data.encode() if isinstance(data, str) else data)
    return count(size, "byte") if size < 10_000 else f"{size / 1000:,.0f} kB"


def _validation_warning(findings: tuple[Finding, ...]) -> str | None:
    """One line saying the report was built over records that fail validation, or None."""
    errors = [f for f in findings if f.rule.startswith("V") and f.severity is Severity.ERROR]
    if not errors:
        return None
    placeholders = sum(1 for f in errors if f.rule == "V007")
    consequences = []
    if len(errors) > placeholders:
        consequences.append("leaves out the records they concern")
    if placeholders:
        consequences.append(
            f"shows {count(placeholders, 'placeholder')} from `vpsec new` as written"
        )
    files = len({f.path for f in errors})
    return (
        f"vpsec: {count(len(errors), 'validation error')} in {count(files, 'file')}: "
        f"the report {join_words(consequences)}; `vpsec validate` lists them\n"
    )


def report(options: ReportOptions) -> int:
    """`vpsec report`: render and write the report.

    0 when written over valid records; 1 when written but some records fail
    validation (cli.md: validation errors count), said on stderr.
    """
    with progress(f"Writing the {options.name} report"):
        data, findings = _rendered(options)
    emit(data, options.output)
    if options.output is not None:
        # stdout may be the report itself, so what was done is said on stderr.
        sys.stderr.write(
            f"Wrote {display_path(options.output)}: the {options.name} report "
            f"({options.format}, {options.audience}, {_size(data)}).\n"
        )
    warning = _validation_warning(findings)
    if warning is not None:
        sys.stderr.write(warning)
        return 1
    return 0


__all__ = ["PAPERS", "ReportOptions", "build_report", "render_report", "report"]
