"""`--format text`: what a consultant reads in a terminal, grouped and coloured."""

from __future__ import annotations

import io
import textwrap
from collections import Counter, defaultdict

from rich.console import Console
from rich.markup import escape
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


def render(result: RunResult, options: RenderOptions) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=options.color,
        no_color=not options.color,
        width=options.width or 100,
        highlight=False,
        soft_wrap=False,
    )
    if options.statistics:
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
    else:
        for group, findings in _groups(result).items():
            heading = (
                group if result.command == "validate" or group == _NO_SITE else f"site {group}"
            )
            console.print(f"[bold]{escape(terminal_line(heading))}[/bold]")
            for finding in findings:
                style = _STYLE[finding.severity]
                console.print(
                    f"  [{style}]{finding.severity.value:<7}[/{style}] "
                    f"[bold]{finding.rule}[/bold] {escape(_location(finding))}",
                )
                wrapped = textwrap.fill(
                    terminal_line(finding.message),
                    width=max(40, console.width - 1),
                    initial_indent=" " * 6,
                    subsequent_indent=" " * 6,
                    break_on_hyphens=False,
                )
                console.print(escape(wrapped))
            console.print()
    console.print(f"[bold]{escape(_summary_line(result))}[/bold]", soft_wrap=True)
    console.print(escape(_next_step(result)), soft_wrap=True)
    return buffer.getvalue()
