"""`vpsec report --format md|html|pdf`: a ReportResult filled into its template.

The context is final when it arrives (redacted for a public audience); this
module only adds the charts, picks the template of the format and, for PDF,
lays the HTML out on paper with WeasyPrint (the `pdf` extra).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any, TypedDict

from vpsec import charts
from vpsec.errors import UsageError
from vpsec.render.templates import render_template, template_for
from vpsec.report_context import count_by_severity

if TYPE_CHECKING:
    from markupsafe import Markup

    from vpsec.render import RenderOptions
    from vpsec.report_context import ReportContext, SeverityCounts
    from vpsec.results import ReportResult

PDF_HINT = "pip install 'vpsec[pdf]'"


class CurrencyChart(TypedDict):
    currency: str
    svg: Markup


class Charts(TypedDict):
    """`charts`: inline SVG made from the context (shown by the HTML templates)."""

    findings_by_site: Markup
    transfers_by_month: list[CurrencyChart]


def _charts(context: ReportContext) -> Charts:
    from markupsafe import Markup

    rows: list[tuple[str, SeverityCounts]] = [(s["name"], s["counts"]) for s in context["sites"]]
    if context["workspace_findings"]:
        rows.append(("Workspace-wide", count_by_severity(context["workspace_findings"])))
    site = context["site"]
    if site is not None:
        rows = [(site["name"], site["counts"])]
    by_currency: dict[str, dict[str, dict[str, float]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(float))
    )
    for transfer in context["transfers"]:
        for value in transfer["value"]:
            by_month = by_currency[value["currency"]]
            by_month[transfer["month"]][transfer["recipient"]["authority"]] += value["amount"]
    return {
        "findings_by_site": Markup(
            charts.findings_by_site(
                "chart-findings",
                [
                    (n, {"error": c["error"], "warning": c["warning"], "info": c["info"]})
                    for n, c in rows
                ],
            )
        ),
        "transfers_by_month": [
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
        ],
    }


def _variables(result: ReportResult) -> dict[str, Any]:
    return {**result.context, "charts": _charts(result.context)}


def _fill(result: ReportResult, ext: str) -> str:
    template = template_for(result.root, result.name, ext)
    return render_template(result.root, template, _variables(result))


def render_markdown(result: ReportResult, options: RenderOptions) -> str:
    """The report's Markdown template, filled."""
    return _fill(result, "md")


def render_html(result: ReportResult, options: RenderOptions) -> str:
    """The report's HTML template, filled: one self-contained page."""
    return _fill(result, "html")


def require_pdf() -> None:
    """UsageError with the install hint when WeasyPrint cannot be imported."""
    try:
        import weasyprint  # type: ignore[import-untyped,unused-ignore]  # noqa: F401
    except (ImportError, OSError):
        # OSError: the package is there but a system library it loads (Pango) is not.
        raise UsageError(f"--format pdf needs WeasyPrint and Pango: {PDF_HINT}") from None


def render_pdf(result: ReportResult, options: RenderOptions) -> bytes:
    """The HTML report laid out on paper (the template's print CSS) by WeasyPrint."""
    require_pdf()
    import weasyprint

    html = _fill(result, "html")

    def refuse(url: str, *args: object, **kwargs: object) -> dict[str, Any]:
        # A report stands alone; nothing is fetched while making the PDF.
        raise ValueError(f"not fetching {url}")

    document = weasyprint.HTML(string=html, url_fetcher=refuse)
    data: bytes = document.write_pdf()
    return data


__all__ = ["PDF_HINT", "render_html", "render_markdown", "render_pdf", "require_pdf"]
