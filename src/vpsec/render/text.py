"""`--format text`: what a consultant reads in a terminal, grouped and coloured."""

from __future__ import annotations

import io
from collections import Counter, defaultdict

from rich.cells import cell_len
from rich.color import ColorSystem
from rich.console import Console
from rich.markup import escape
from rich.style import Style
from rich.table import Table

from vpsec.findings import Finding, RunResult, Severity
from vpsec.render import RenderOptions
from vpsec.render.terminal import terminal_line

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_NO_SITE = "(workspace)"


def _location(finding: Finding) -> str:
    # File names come from the workspace: their control characters are shown escaped.
    if finding.line is None:
        return terminal_line(finding.path)
    return f"{terminal_line(finding.path)}:{finding.line}:{finding.column or 1}"


def _groups(result: RunResult) -> dict[str, list[Finding]]:
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        key = finding.path if result.command == "validate" else finding.site or _NO_SITE
        groups[key].append(finding)
    return dict(sorted(groups.items(), key=lambda item: (item[0] == _NO_SITE, item[0])))


def _summary_line(result: RunResult) -> str:
    counts = result.counts()
    parts = [f"{counts[s.value]} {s.value}{'s' if counts[s.value] != 1 else ''}" for s in Severity]
    waived = f", {len(result.waived)} waived" if result.waived else ""
    records = f"{result.records} record{'s' if result.records != 1 else ''}"
    return f"{records} checked: {', '.join(parts)}{waived}"


def _next_step(result: RunResult) -> str:
    if not result.findings:
        return "Nothing to do: every record passed."
    first = min(result.findings, key=lambda f: (-f.severity.rank, f.sort_key()))
    if first.rule.startswith("V"):
        return f"Next: fix {_location(first)} ({first.rule}), then run vpsec again."
    return (
        f"Next: start with {first.rule} at {_location(first)}; "
        f"`vpsec rules {first.rule}` explains the practice and the fix."
    )


_COLOR_SYSTEMS = {
    "standard": ColorSystem.STANDARD,
    "256": ColorSystem.EIGHT_BIT,
    "truecolor": ColorSystem.TRUECOLOR,
    "windows": ColorSystem.WINDOWS,
}


class _Paint:
    """vpsec's own styles as escape codes, asked of rich once per run, not once per line.

    Printing each finding through rich's markup parser and wrapper cost a
    millisecond a line (4 s for 4,000 findings, a hundred times the JSON
    output); the text is built here as plain strings instead, and rich only
    says which codes the terminal's colour system uses for each style.
    """

    def __init__(self, color: bool) -> None:
        self._codes: dict[str, tuple[str, str]] = {}
        if not color:
            return
        console = Console(file=io.StringIO(), force_terminal=True)
        system = _COLOR_SYSTEMS.get(console.color_system or "")
        if system is None:
            return
        for style in (*_STYLE.values(), "bold"):
            prefix, _, suffix = Style.parse(style).render("\0", color_system=system).partition("\0")
            self._codes[style] = (prefix, suffix)

    def __call__(self, text: str, style: str) -> str:
        prefix, suffix = self._codes.get(style, ("", ""))
        return f"{prefix}{text}{suffix}"


def _wrap(text: str, width: int, indent: str) -> list[str]:
    """Greedy word wrap at spaces (as textwrap.fill, at a fraction of its cost).

    Widths are counted in terminal cells, so wide characters wrap where they should.
    """
    room = width - len(indent)
    measure = len if text.isascii() else cell_len
    lines: list[str] = []
    current = ""
    used = 0
    for word in text.split():
        size = measure(word)
        if current and used + 1 + size > room:
            lines.append(indent + current)
            current, used = "", 0
        while size > room:  # a word longer than the line is broken, as textwrap does
            if current:
                lines.append(indent + current)
                current, used = "", 0
            head, word = word[:room], word[room:]
            lines.append(indent + head)
            size = measure(word)
        if current:
            current += " " + word
            used += 1 + size
        else:
            current, used = word, size
    if current or not lines:
        lines.append(indent + current)
    return lines


def _statistics(result: RunResult, options: RenderOptions) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=options.color,
        no_color=not options.color,
        width=options.width or 100,
        highlight=False,
        soft_wrap=False,
    )
    table = Table(title="Findings per rule", show_lines=False)
    table.add_column("rule")
    table.add_column("severity")
    table.add_column("count", justify="right")
    table.add_column("title")
    counts = Counter(f.rule for f in result.findings)
    first = {f.rule: f for f in result.findings}
    for rule, count in sorted(counts.items()):
        finding = first[rule]
        table.add_row(
            rule, finding.severity.value, str(count), escape(terminal_line(finding.title))
        )
    console.print(table)
    return buffer.getvalue()


def render(result: RunResult, options: RenderOptions) -> str:
    paint = _Paint(options.color)
    width = max(40, (options.width or 100) - 1)
    out: list[str] = []
    if options.statistics:
        out.append(_statistics(result, options).rstrip("\n"))
    else:
        for group, findings in _groups(result).items():
            heading = (
                group if result.command == "validate" or group == _NO_SITE else f"site {group}"
            )
            out.append(paint(terminal_line(heading), "bold"))
            for finding in findings:
                out.append(
                    f"  {paint(f'{finding.severity.value:<7}', _STYLE[finding.severity])} "
                    f"{paint(finding.rule, 'bold')} {_location(finding)}"
                )
                out.extend(_wrap(terminal_line(finding.message), width, " " * 6))
            out.append("")
    out.append(paint(_summary_line(result), "bold"))
    out.append(_next_step(result))
    return "\n".join(out) + "\n"
