"""`vpsec report`: fill a Jinja2 template with plain data about the workspace.

Templates are untrusted input (a workspace template arrives in a pull request
like any record), so they run in Jinja2's immutable sandbox with undefined
names as errors, HTML autoescaped, and a loader confined to two folders: the
workspace's `templates/` (which wins) and the built-in ones. They see only
plain data (dicts, lists, strings, numbers) built here; for a public audience
that data has been redacted before any template runs (see vpsec.redact).
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from vpsec import __version__, charts
from vpsec.errors import TemplateError, UsageError
from vpsec.findings import Finding, RunResult, Severity
from vpsec.redact import Publication, Redactor

if TYPE_CHECKING:
    import jinja2
    from markupsafe import Markup

    from vpsec.load.workspace import Workspace
    from vpsec.models.config import WorkspaceConfig

FORMATS = ("md", "html", "pdf")
AUDIENCES = ("internal", "public")
TEMPLATES_DIR = "templates"
PDF_HINT = "pip install 'vpsec[pdf]'"
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
_TITLES = {
    "assessment": "Security and human rights assessment",
    "transfer-register": "Record of Transfer Register",
    "site": "Site security arrangements",
    "meeting": "Minutes of meeting",
}
# Each record kind's own date, for "what happened since the last risk assessment".
_DATE_FIELD = {
    "Transfer": "date",
    "Incident": "date",
    "Meeting": "date",
    "Consultation": "date",
    "Deployment": "start",
    "Agreement": "signed",
    "Decision": "date",
}
_LEVELS = ("national", "regional", "local", "individuals")


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


# -- templates -------------------------------------------------------------------


def _builtin_dir() -> Path:
    from vpsec.resources import data_dir

    return data_dir(TEMPLATES_DIR)


def template_dirs(root: Path) -> list[tuple[str, Path]]:
    """Where templates come from, first match wins: (label for messages, folder)."""
    dirs = [
        (f"{TEMPLATES_DIR}/", root / TEMPLATES_DIR),
        (f"vpsec:{TEMPLATES_DIR}/", _builtin_dir()),
    ]
    return [(label, folder) for label, folder in dirs if folder.is_dir()]


def available_reports(root: Path) -> list[str]:
    """Report names with a template in either folder (partials start with '_')."""
    names: set[str] = set()
    for _, folder in template_dirs(root):
        for path in folder.glob("*.j2"):
            stem = path.name.removesuffix(".j2")
            name, _, ext = stem.rpartition(".")
            if ext in ("md", "html") and name and not name.startswith("_"):
                names.add(name)
    return sorted(names)


def _confined_loader(root: Path) -> jinja2.BaseLoader:
    """A loader that reads only regular files inside the two template folders."""
    import jinja2

    class ConfinedLoader(jinja2.FileSystemLoader):
        def get_source(
            self, environment: jinja2.Environment, template: str
        ) -> tuple[str, str, Callable[[], bool]]:
            source, filename, uptodate = super().get_source(environment, template)
            folder = Path(str(self.searchpath[0])).resolve()
            # A symlink in a workspace's templates/ must not read a file elsewhere.
            if not Path(filename).resolve().is_relative_to(folder):
                raise jinja2.TemplateNotFound(template)
            return source, filename, uptodate

    return jinja2.ChoiceLoader([ConfinedLoader(str(folder)) for _, folder in template_dirs(root)])


def md_escape(value: object) -> str:
    """Text safe inside a Markdown paragraph or table cell."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    # Only what could break a table or smuggle in a link or HTML; emphasis is harmless.
    for char in ("|", "[", "]"):
        text = text.replace(char, "\\" + char)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _code_spans(value: object) -> Markup:
    """Escaped text with `backticked` spans as <code> (the catalogue writes field names so)."""
    from markupsafe import Markup, escape

    text = str(escape("" if value is None else value))
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", text))


def _label(value: object) -> str:
    """An enum value for people: 'emergency_reserve' -> 'emergency reserve'."""
    return "" if value is None else str(value).replace("_", " ")


def _yesno(value: object) -> str:
    """True/False/None as words; anything else as itself."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return "not recorded" if value is None else str(value)


def _amount(value: object) -> str:
    if not isinstance(value, (int, float)):
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _money(value: object, currency: object = None) -> str:
    """4800, 'USD' -> 'USD 4,800'; or a {'amount', 'currency'} mapping."""
    if isinstance(value, dict):
        currency, value = value.get("currency"), value.get("amount")
    text = _amount(value)
    return f"{currency} {text}" if currency and text else text


def _environment(root: Path, fmt: str) -> jinja2.Environment:
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(
        loader=_confined_loader(root),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "html.j2"), default_for_string=False, default=False
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # None prints as nothing, never as the word "None".
        finalize=lambda value: "" if value is None else value,
    )
    env.filters.update(
        code=_code_spans, md=md_escape, label=_label, yesno=_yesno, money=_money, amount=_amount
    )
    return env


def _template_location(error: BaseException, root: Path, fallback: str) -> tuple[str, int | None]:
    """The template file and line an error happened at, as a user would name it."""
    import jinja2

    if isinstance(error, jinja2.TemplateSyntaxError):
        return _display_name(error.filename or error.name or fallback, root), error.lineno
    folders = [folder.resolve() for _, folder in template_dirs(root)]
    found: tuple[str, int | None] = (fallback, None)
    tb: TracebackType | None = error.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2") and any(
            Path(filename).resolve().is_relative_to(folder) for folder in folders
        ):
            found = (_display_name(filename, root), tb.tb_lineno)
        tb = tb.tb_next
    return found


def _display_name(filename: str, root: Path) -> str:
    path = Path(filename)
    if not path.is_absolute():
        return f"{TEMPLATES_DIR}/{filename}"
    for label, folder in template_dirs(root):
        resolved = path.resolve()
        if resolved.is_relative_to(folder.resolve()):
            return label + resolved.relative_to(folder.resolve()).as_posix()
    return filename


def _template_error(error: BaseException, root: Path, template_name: str) -> TemplateError:
    import jinja2
    from jinja2.exceptions import SecurityError

    name, line = _template_location(error, root, f"{TEMPLATES_DIR}/{template_name}")
    where = f"{name}:{line}" if line else name
    if isinstance(error, SecurityError):
        what = f"the template tried something the sandbox forbids ({error})"
    elif isinstance(error, jinja2.UndefinedError):
        what = f"undefined: {error.message}"
    elif isinstance(error, jinja2.TemplateSyntaxError):
        what = f"syntax error: {error.message}"
    elif isinstance(error, jinja2.TemplateNotFound):
        what = f"no template {error.name!r} in {TEMPLATES_DIR}/ or the built-in templates"
    elif isinstance(error, RecursionError):
        what = "the template recurses without end"
    elif isinstance(error, MemoryError):
        what = "the template builds more text than fits in memory"
    else:
        what = f"{type(error).__name__}: {error}"
    return TemplateError(f"{where}: {what}")


def render_template(root: Path, template_name: str, context: dict[str, Any], fmt: str) -> str:
    """Render one template with context; any template problem becomes a TemplateError."""
    import jinja2

    env = _environment(root, fmt)
    try:
        template = env.get_template(template_name)
        return template.render(context)
    except (
        jinja2.TemplateError,
        RecursionError,
        MemoryError,
        ArithmeticError,
        TypeError,
        ValueError,
    ) as error:
        raise _template_error(error, root, template_name) from None
    except (AttributeError, KeyError, IndexError, LookupError) as error:
        raise _template_error(error, root, template_name) from None


# -- the data templates see ---------------------------------------------------------------


def _record_data(record: Any) -> dict[str, Any]:
    data: dict[str, Any] = record.model.model_dump(mode="json", exclude={"api_version"})
    data["kind"] = record.kind
    data["path"] = record.path
    return data


def _finding_data(finding: Finding, waived: bool = False) -> dict[str, Any]:
    from vpsec import catalogue

    info = catalogue.rule(finding.rule)
    return {
        "rule": finding.rule,
        "name": info.name,
        "severity": finding.severity.value,
        "title": finding.title,
        "message": finding.message,
        "record": finding.record,
        "kind": finding.kind,
        "site": finding.site,
        "sites": list(finding.sites),
        "path": finding.path,
        "line": finding.line,
        "sources": list(finding.sources),
        "rationale": info.rationale,
        "fix": info.fix,
        "waived": waived,
    }


def _counts(findings: list[dict[str, Any]]) -> dict[str, int]:
    out = {s.value: 0 for s in Severity}
    for finding in findings:
        out[finding["severity"]] += 1
    return out


def _by_severity(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rank = {s.value: s.rank for s in Severity}
    return sorted(findings, key=lambda f: (-rank[f["severity"]], f["rule"], f["record"] or ""))


def _base_data(
    workspace: Workspace, config: WorkspaceConfig, result: RunResult, audience: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], Redactor | None]:
    """Records, findings and waivers as plain data, redacted for a public audience."""
    records = [_record_data(r) for r in workspace.records]
    findings = [_finding_data(f) for f in result.findings]
    findings += [_finding_data(w.finding, waived=True) for w in result.waived]
    waived_keys = {(w.finding.rule, w.finding.record) for w in result.waived}
    waivers = [
        {
            "rule": w.rule,
            "record": w.record,
            "reason": w.reason,
            "approved_by": w.approved_by,
            "expires": w.expires.isoformat(),
            "in_force": w.expires >= result.as_of,
            "applied": (w.rule, w.record) in waived_keys,
        }
        for w in config.waivers
    ]
    if audience != "public":
        return records, findings, waivers, None
    redactor = Redactor.for_records(records)
    hidden = redactor.restricted
    redactor.stats.records_withheld = len(hidden)
    redactor.stats.findings_withheld = sum(1 for f in findings if f["record"] in hidden)
    records = [redactor.record(r) for r in records if r["id"] not in hidden]
    findings = [f for f in findings if f["record"] not in hidden]
    waivers = [
        {**w, "approved_by": redactor.approver(str(w["approved_by"]))}
        for w in waivers
        if w["record"] not in hidden
    ]
    return records, findings, waivers, redactor


def build_context(
    workspace: Workspace, config: WorkspaceConfig, result: RunResult, options: ReportOptions
) -> dict[str, Any]:
    """Everything a report template may use, as plain data."""
    as_of = result.as_of
    records, findings, waivers, redactor = _base_data(workspace, config, result, options.audience)
    if redactor is not None:
        # The last line of defence: every string that remains, scrubbed of every known name.
        records, findings, waivers = redactor.scrub_tree([records, findings, waivers])
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        by_kind[record["kind"]].append(record)
    by_id = {r["id"]: r for r in records}
    site_names = {s["id"]: s["name"] for s in by_kind["Site"]}
    if options.site is not None and options.site not in site_names:
        raise UsageError(f"--site: no site with id {options.site!r} in the workspace")

    shown = [f for f in findings if not f["waived"]]
    site_ids = sorted(site_names, key=lambda s: site_names[s].casefold())
    sites = []
    for site_id in site_ids:
        site_findings = _by_severity([f for f in shown if site_id in f["sites"]])
        sites.append(
            {
                **by_id[site_id],
                "findings": site_findings,
                "counts": _counts(site_findings),
                "since_assessment": _since_assessment(by_kind, site_id, as_of),
            }
        )
    # A finding whose sites are all unknown (a reference to a missing or invalid
    # Site) belongs to no section above; it is shown here rather than lost.
    workspace_findings = _by_severity(
        [f for f in shown if not any(s in site_names for s in f["sites"])]
    )
    transfers = _transfers(by_kind["Transfer"], site_names, options.site)
    publication: dict[str, Any] = {
        "audience": options.audience,
        "public": options.audience == "public",
        **(redactor.stats if redactor else Publication()).as_dict(),
    }
    context: dict[str, Any] = {
        "report": {
            "name": options.name,
            "title": _TITLES.get(options.name, options.name.replace("-", " ").capitalize()),
            "format": options.format,
            "audience": options.audience,
            "as_of": as_of.isoformat(),
            "organisation": config.organisation,
            "vpsec_version": __version__,
            "workspace": result.workspace,
        },
        "publication": publication,
        "summary": {
            "records": len(records),
            **_counts(shown),
            "waived": sum(1 for f in findings if f["waived"]),
        },
        "records": dict(by_kind),
        "sites": sites,
        "findings": _by_severity(shown),
        "workspace_findings": workspace_findings,
        "waived_findings": [f for f in findings if f["waived"]],
        "waivers": [w for w in waivers if w["in_force"]],
        "expired_waivers": [w for w in waivers if not w["in_force"]],
        "transfers": transfers["rows"],
        "transfer_totals": transfers["totals"],
        "site": None,
        "meeting": None,
        "charts": {},
    }
    if options.site is not None:
        context["site"] = _site_detail(
            next(s for s in sites if s["id"] == options.site), by_kind, as_of
        )
        context["findings"] = context["site"]["findings"]
    if options.record is not None:
        context["meeting"] = _meeting_detail(
            workspace, options.record, by_id, by_kind, site_names, redactor
        )
    context["charts"] = _charts(context, options)
    return context


def _since_assessment(
    by_kind: dict[str, list[dict[str, Any]]], site_id: str, as_of: date
) -> dict[str, Any]:
    """The site's latest risk assessment and the records dated after it."""
    assessments = sorted(
        (a for a in by_kind["RiskAssessment"] if a["site"] == site_id and a["date"] <= str(as_of)),
        key=lambda a: a["date"],
    )
    if not assessments:
        return {"assessment": None, "records": []}
    latest = assessments[-1]
    later = []
    for kind, field_name in _DATE_FIELD.items():
        for record in by_kind[kind]:
            day = record.get(field_name)
            in_site = record.get("site") == site_id or site_id in (record.get("sites") or [])
            if in_site and day and latest["date"] < day <= str(as_of):
                later.append(
                    {"kind": kind, "id": record["id"], "title": record.get("title"), "date": day}
                )
    later.sort(key=lambda r: (r["date"], r["id"]))
    return {"assessment": latest, "records": later}


def _transfers(
    transfers: list[dict[str, Any]], site_names: dict[str, str], only_site: str | None
) -> dict[str, Any]:
    rows = []
    by_site: dict[tuple[str, str], float] = defaultdict(float)
    by_level: dict[tuple[str, str], float] = defaultdict(float)
    by_currency: dict[str, float] = defaultdict(float)
    count_by_currency: dict[str, int] = defaultdict(int)
    unvalued = 0
    for transfer in sorted(transfers, key=lambda t: (t["date"], t["id"])):
        if only_site is not None and transfer["site"] != only_site:
            continue
        totals: dict[str, float] = defaultdict(float)
        for item in transfer["items"]:
            if item.get("value"):
                totals[item["value"]["currency"]] += item["value"]["amount"]
            else:
                unvalued += 1
        level = transfer["recipient"]["authority"]
        for currency, amount in totals.items():
            by_site[(transfer["site"], currency)] += amount
            by_level[(level, currency)] += amount
            by_currency[currency] += amount
            count_by_currency[currency] += 1
        rows.append(
            {
                **transfer,
                # Absent parts as empty mappings, so templates can ask about their fields.
                "conditions": transfer.get("conditions")
                or {"human_rights": None, "use_of_force": None},
                "custody": transfer.get("custody")
                or {"secured_at_site": None, "release_procedure": None},
                "receipt": transfer.get("receipt")
                or {"signed": None, "signed_by": None, "date": None, "document": None},
                "site_name": site_names.get(transfer["site"], transfer["site"]),
                "month": transfer["date"][:7],
                "value": [{"currency": c, "amount": a} for c, a in sorted(totals.items())],
            }
        )
    level_rank = {level: i for i, level in enumerate(_LEVELS)}
    return {
        "rows": rows,
        "totals": {
            "by_currency": [
                {"currency": c, "amount": a, "transfers": count_by_currency[c]}
                for c, a in sorted(by_currency.items())
            ],
            "by_site": [
                {"site": s, "site_name": site_names.get(s, s), "currency": c, "amount": a}
                for (s, c), a in sorted(by_site.items())
            ],
            "by_level": [
                {"authority": lvl, "currency": c, "amount": a}
                for (lvl, c), a in sorted(
                    by_level.items(), key=lambda kv: (level_rank.get(kv[0][0], 9), kv[0][1])
                )
            ],
            "unvalued_items": unvalued,
        },
    }


def _site_detail(
    site: dict[str, Any], by_kind: dict[str, list[dict[str, Any]]], as_of: date
) -> dict[str, Any]:
    site_id = site["id"]
    today = as_of.isoformat()

    def at_site(kind: str) -> list[dict[str, Any]]:
        return [r for r in by_kind[kind] if r.get("site") == site_id]

    deployments = [
        {**d, "active": d["start"] <= today and (d.get("end") is None or d["end"] >= today)}
        for d in sorted(at_site("Deployment"), key=lambda d: d["start"], reverse=True)
    ]
    agreements = [a for a in by_kind["Agreement"] if site_id in a["sites"]]
    incidents = sorted(at_site("Incident"), key=lambda i: i["date"], reverse=True)
    meetings = sorted(at_site("Meeting"), key=lambda m: m["date"], reverse=True)
    return {
        **site,
        "deployments": deployments,
        "agreements": agreements,
        "latest_assessment": site["since_assessment"]["assessment"],
        "open_incidents": [i for i in incidents if i["status"] != "closed"],
        "incidents": incidents,
        "meetings": meetings,
        "transfers": sorted(at_site("Transfer"), key=lambda t: t["date"]),
        "consultations": sorted(at_site("Consultation"), key=lambda c: c["date"], reverse=True),
    }


def _meeting_detail(
    workspace: Workspace,
    record_id: str,
    by_id: dict[str, dict[str, Any]],
    by_kind: dict[str, list[dict[str, Any]]],
    site_names: dict[str, str],
    redactor: Redactor | None,
) -> dict[str, Any]:
    if redactor is not None and record_id in redactor.restricted:
        raise UsageError(
            f"--record: {record_id} is marked restricted and is left out of public reports"
        )
    meeting = by_id.get(record_id)
    if meeting is None:
        raise UsageError(f"--record: no record with id {record_id!r} in the workspace")
    if meeting["kind"] != "Meeting":
        raise UsageError(f"--record: {record_id} is a {meeting['kind']}, not a Meeting")
    concerns = [by_id[i] for i in meeting.get("concerns_raised") or [] if i in by_id]
    raised = getattr(workspace.by_id[record_id].model, "concerns_raised", None) or []
    logged = [d for d in by_kind["Decision"] if d.get("meeting") == record_id]
    return {
        **meeting,
        "site_name": site_names.get(meeting.get("site") or ""),
        "concerns": concerns,
        # Concerns about restricted records, counted so a public reader knows some are left out.
        "concerns_withheld": sum(1 for i in raised if redactor and i in redactor.restricted),
        "logged_decisions": sorted(logged, key=lambda d: (d["date"], d["id"])),
    }


def _charts(context: dict[str, Any], options: ReportOptions) -> dict[str, Any]:
    from markupsafe import Markup

    rows = [(s["name"], s["counts"]) for s in context["sites"]]
    if context["workspace_findings"]:
        rows.append(("Workspace-wide", _counts(context["workspace_findings"])))
    if context["site"] is not None:
        rows = [(context["site"]["name"], context["site"]["counts"])]
    by_currency: dict[str, dict[str, dict[str, float]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(float))
    )
    for transfer in context["transfers"]:
        for value in transfer["value"]:
            by_month = by_currency[value["currency"]]
            by_month[transfer["month"]][transfer["recipient"]["authority"]] += value["amount"]
    transfer_charts = [
        {
            "currency": currency,
            "svg": Markup(
                charts.transfers_by_month(
                    f"chart-transfers-{currency.lower()}",
                    currency,
                    [(month, dict(levels)) for month, levels in sorted(months.items())],
                )
            ),
        }
        for currency, months in sorted(by_currency.items())
    ]
    return {
        "findings_by_site": Markup(charts.findings_by_site("chart-findings", rows)),
        "transfers_by_month": transfer_charts,
    }


# -- the command -------------------------------------------------------------------------


def _check_options(options: ReportOptions) -> None:
    if options.format not in FORMATS:
        raise UsageError(f"--format: choose one of {', '.join(FORMATS)}")
    if options.audience not in AUDIENCES:
        raise UsageError(f"--audience: choose one of {', '.join(AUDIENCES)}")
    if options.format == "pdf" and options.output is None:
        raise UsageError("--format pdf needs --output FILE (PDF is not written to a terminal)")
    if options.name == "site" and options.site is None:
        raise UsageError("the site report needs --site SITE")
    if options.name == "meeting" and options.record is None:
        raise UsageError("the meeting report needs --record MEETING-ID")


def render_report(options: ReportOptions) -> str:
    """The report as text (Markdown or HTML; PDF starts from the HTML)."""
    from vpsec.app import CheckOptions, run_check
    from vpsec.load.config import find_root, load_config
    from vpsec.load.workspace import load_workspace

    _check_options(options)
    root = find_root(options.path)
    available = available_reports(root)
    if not _NAME_RE.match(options.name) or options.name not in available:
        raise UsageError(
            f"no report named {options.name!r}; available: {', '.join(available) or 'none'}"
        )
    ext = "md" if options.format == "md" else "html"
    template_name = f"{options.name}.{ext}.j2"
    if not any((folder / template_name).is_file() for _, folder in template_dirs(root)):
        raise UsageError(f"the {options.name} report has no {ext} template ({template_name})")
    as_of = options.as_of or date.today()
    result = run_check(CheckOptions(path=root, as_of=as_of), "assess")
    config, _, _ = load_config(root)
    workspace, _ = load_workspace(root, config)
    context = build_context(workspace, config, result, options)
    return render_template(root, template_name, context, ext)


def _pdf(html: str) -> bytes:
    try:
        import weasyprint  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        raise UsageError(f"--format pdf needs WeasyPrint: {PDF_HINT}") from None

    def refuse(url: str, *args: object, **kwargs: object) -> dict[str, Any]:
        # A report stands alone; nothing is fetched while making the PDF.
        raise ValueError(f"not fetching {url}")

    document = weasyprint.HTML(string=html, url_fetcher=refuse)
    data: bytes = document.write_pdf()
    return data


def run_report(options: ReportOptions) -> int:
    """`vpsec report`: render and write the report; 0 when written."""
    from vpsec.app import emit
    from vpsec.atomic import write_atomic

    if options.format == "pdf":
        _check_options(options)
        # Fail on a missing WeasyPrint before doing the work.
        try:
            import weasyprint  # type: ignore[import-not-found,unused-ignore]  # noqa: F401
        except ImportError:
            raise UsageError(f"--format pdf needs WeasyPrint: {PDF_HINT}") from None
    text = render_report(options)
    if options.format == "pdf":
        assert options.output is not None
        write_atomic(options.output, _pdf(text))
    else:
        emit(text, options.output)
    if options.output is not None and sys.stderr.isatty():
        sys.stderr.write(f"Wrote {options.output}\n")
    return 0
