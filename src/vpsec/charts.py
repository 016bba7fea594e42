"""Charts for HTML reports: small, self-contained inline SVG, written here rather than by a library.

Each chart carries a <title> and <desc> for screen readers, writes every value
as text next to its bar (colour is never the only way to read it) and comes
with a legend in words. Values in different currencies are never added up:
the caller makes one chart per currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from vpsec.wording import count, wrap_words

SEVERITY_COLOURS = {"error": "#a4262c", "warning": "#8a5300", "info": "#1d5fa0"}
# How the text beside a bar counts each severity: "2 errors", "1 warning", "3 info".
_SEVERITY_NOUNS = {
    "error": ("error", "errors"),
    "warning": ("warning", "warnings"),
    "info": ("info", "info"),
}
LEVEL_COLOURS = {
    "national": "#4b2e83",
    "regional": "#1d5fa0",
    "local": "#2e6b30",
    "individuals": "#8a5300",
}
_FALLBACK_COLOURS = ("#4b2e83", "#1d5fa0", "#2e6b30", "#8a5300", "#a4262c", "#444444")

_LABEL_WIDTH = 230
_PLOT_WIDTH = 300
_TEXT_WIDTH = 150
_CHAR_WIDTH = 7.4  # a generous average glyph width at font-size 13
# Characters of a bar's label per line: it wraps between words onto a second line.
_LABEL_CHARS = int((_LABEL_WIDTH - 12) / _CHAR_WIDTH)
_BAR_HEIGHT = 22
_GAP = 10
_TOP = 34


@dataclass(frozen=True, slots=True)
class Segment:
    """One part of the stack: its name (in the legend) and colour.

    With a noun, the text beside a bar counts it ("2 errors"); without, it
    names the part after its value ("USD 4,800 local").
    """

    name: str
    colour: str
    noun: tuple[str, str] | None = None  # (singular, plural)

    def amount(self, value: float, unit: str = "") -> str:
        if self.noun is not None and value == int(value) and not unit:
            return count(int(value), *self.noun)
        return f"{_number(value, unit)} {self.name}"


@dataclass(frozen=True, slots=True)
class Row:
    """One bar: its label and a value per segment name."""

    label: str
    values: dict[str, float]


def _attr(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def _number(value: float, unit: str = "") -> str:
    text = f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
    return f"{unit} {text}".strip()


def _label(x: int, y: int, text: str) -> str:
    """A bar's label, right-aligned, wrapped between words; the full text in its <title>."""
    lines = wrap_words(text, _LABEL_CHARS, 2) or [""]
    # One line sits level with the bar's middle; two straddle it.
    baselines = [y + 15] if len(lines) == 1 else [y + 9, y + 23]
    spans = "".join(
        f'<tspan x="{x}" y="{baseline}">{escape(line)}</tspan>'
        for line, baseline in zip(lines, baselines, strict=True)
    )
    return (
        f'<text x="{x}" y="{baselines[0]}" text-anchor="end" fill="#1a1a1a">'
        f"<title>{escape(text)}</title>{spans}</text>"
    )


def stacked_bars(
    chart_id: str,
    title: str,
    description: str,
    segments: list[Segment],
    rows: list[Row],
    unit: str = "",
) -> str:
    """A horizontal stacked bar chart as an SVG string ('Nothing to show.' when no rows)."""
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    height = _TOP + max(len(rows), 1) * (_BAR_HEIGHT + _GAP) + 4
    largest = max((sum(row.values.values()) for row in rows), default=0) or 1
    summaries = [_summary(row, segments, unit) for row in rows]
    # Wide enough for the longest value label: text beside a bar is never cut off.
    text_width = max([_TEXT_WIDTH, *(int(len(s) * _CHAR_WIDTH) + 12 for s in summaries)])
    width = _LABEL_WIDTH + _PLOT_WIDTH + text_width
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{_attr(chart_id)}" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" viewBox="0 0 {width} {height}" '
        f'style="max-width:{width}px" preserveAspectRatio="xMinYMin meet" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="13">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    # Legend along the top, in words.
    x = 0
    for segment in segments:
        parts.append(
            f'<rect x="{x}" y="6" width="12" height="12" fill="{segment.colour}"/>'
            f'<text x="{x + 17}" y="16" fill="#1a1a1a">{escape(segment.name)}</text>'
        )
        x += 30 + int(_CHAR_WIDTH * len(segment.name))
    if not rows:
        parts.append(f'<text x="0" y="{_TOP + 16}" fill="#1a1a1a">Nothing to show.</text>')
    for index, (row, summary) in enumerate(zip(rows, summaries, strict=True)):
        y = _TOP + index * (_BAR_HEIGHT + _GAP)
        parts.append(_label(_LABEL_WIDTH - 8, y, row.label))
        x_pos = float(_LABEL_WIDTH)
        for segment in segments:
            value = row.values.get(segment.name, 0)
            if value <= 0:
                continue
            bar = max(_PLOT_WIDTH * value / largest, 2.0)
            parts.append(
                f'<rect x="{x_pos:.1f}" y="{y}" width="{bar:.1f}" height="{_BAR_HEIGHT}" '
                f'fill="{segment.colour}" stroke="#ffffff" stroke-width="1">'
                f"<title>{escape(row.label)}: {escape(segment.amount(value, unit))}</title></rect>"
            )
            x_pos += bar
        parts.append(
            f'<text x="{x_pos + 6:.1f}" y="{y + 15}" fill="#1a1a1a">{escape(summary)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _summary(row: Row, segments: list[Segment], unit: str) -> str:
    """'3 (2 errors, 1 info)', or '2 errors' / 'USD 4,800 local' when the bar has one part."""
    present = [(s, row.values[s.name]) for s in segments if row.values.get(s.name, 0) > 0]
    if len(present) == 1:
        segment, value = present[0]
        return segment.amount(value, unit)
    total = _number(sum(row.values.values()), unit)
    return f"{total} ({', '.join(segment.amount(v) for segment, v in present)})"


def findings_by_site(chart_id: str, counts: list[tuple[str, dict[str, int]]]) -> str:
    """Findings per site (and workspace-wide), stacked by severity."""
    segments = [
        Segment(name, colour, _SEVERITY_NOUNS[name]) for name, colour in SEVERITY_COLOURS.items()
    ]
    rows = [
        Row(label, {k: float(v) for k, v in by_severity.items()}) for label, by_severity in counts
    ]
    total = sum(sum(c.values()) for _, c in counts)
    description = "; ".join(
        f"{label}: "
        + (
            ", ".join(
                count(n, *_SEVERITY_NOUNS.get(severity, (severity, severity)))
                for severity, n in c.items()
                if n
            )
            or "none"
        )
        for label, c in counts
    )
    return stacked_bars(
        chart_id,
        "Findings by site and severity",
        f"{count(total, 'finding')}. {description}." if counts else "No findings.",
        segments,
        rows,
    )


def transfers_by_month(
    chart_id: str, currency: str, months: list[tuple[str, dict[str, float]]]
) -> str:
    """Transfer value in one currency by month, stacked by recipient level."""
    levels = sorted({level for _, values in months for level in values}, key=_level_order)
    segments = [
        Segment(level, LEVEL_COLOURS.get(level, _FALLBACK_COLOURS[i % len(_FALLBACK_COLOURS)]))
        for i, level in enumerate(levels)
    ]
    description = "; ".join(
        f"{month}: "
        + ", ".join(f"{_number(value, currency)} to {level}" for level, value in values.items())
        for month, values in months
    )
    return stacked_bars(
        chart_id,
        f"Value of transfers in {currency} by month and recipient level",
        description or "No transfers with a value in this currency.",
        segments,
        [Row(month, values) for month, values in months],
        unit=currency,
    )


def _level_order(level: str) -> int:
    order = list(LEVEL_COLOURS)
    return order.index(level) if level in order else len(order)
