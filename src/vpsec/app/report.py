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
from vpsec.load.cache import Cache
from vpsec.load.config import find_root
from vpsec.load.source import open_workspace
from vpsec.outcome import RuleSelection, evaluate
from vpsec.output import display_path, emit
from vpsec.render import RenderOptions, format_names, renderer
from vpsec.render.report import require_pdf
from vpsec.render.templates import template_for
from vpsec.reports import AUDIENCES, ReportRequest, build_context
from vpsec.results import ReportResult
from vpsec.withhold import PublicView

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
    return ReportResult(options.name, root, options.audience, context)


def render_report(options: ReportOptions) -> str | bytes:
    """The report in its format: text for md and html, bytes for pdf."""
    if options.format == "pdf":
        _check_options(options)
        # Fail on a missing WeasyPrint before doing the work.
        require_pdf()
    result = build_report(options)
    return renderer(ReportResult, options.format).render(result, RenderOptions())


def report(options: ReportOptions) -> int:
    """`vpsec report`: render and write the report; 0 when written."""
    data = render_report(options)
    emit(data, options.output)
    if options.output is not None and sys.stderr.isatty():
        sys.stderr.write(f"Wrote {options.output}\n")
    return 0


__all__ = ["PAPERS", "ReportOptions", "build_report", "render_report", "report"]
