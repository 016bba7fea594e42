"""The catalogue in words: `vpsec rules`, `vpsec rules CODE` and docs/rules.md."""

from __future__ import annotations

import io

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from vpsec import catalogue
from vpsec.errors import UsageError
from vpsec.findings import RuleInfo

FAMILIES = {
    "V": "Validation (always on, cannot be waived)",
    "SIT": "Sites",
    "DEP": "Deployments of public security",
    "TRF": "Transfers (the Record of Transfer Register)",
    "MTG": "Meetings and contact",
    "RSK": "Risk assessments",
    "AGR": "Agreements (MoUs)",
    "INC": "Incidents",
    "CON": "Community consultations",
    "WVR": "Waivers",
}


def _console(buffer: io.StringIO, color: bool) -> Console:
    return Console(
        file=buffer, force_terminal=color, no_color=not color, width=100, highlight=False
    )


def rules_table(color: bool = False) -> str:
    buffer = io.StringIO()
    table = Table(title="vpsec rules", show_lines=False)
    table.add_column("code", no_wrap=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("title")
    table.add_column("sources")
    for info in catalogue.all_rules():
        table.add_row(
            info.code, info.severity.value, escape(info.title), escape("; ".join(info.sources))
        )
    console = _console(buffer, color)
    console.print(table)
    console.print("`vpsec rules CODE` explains one rule: the practice, its sources and the fix.")
    return buffer.getvalue()


def explain_rule(code: str, color: bool = False) -> str:
    try:
        info = catalogue.rule(code)
    except catalogue.UnknownRule:
        raise UsageError(f"{code} is not a rule code; `vpsec rules` lists them") from None
    buffer = io.StringIO()
    console = _console(buffer, color)
    console.print(
        f"[bold]{info.code}[/bold] {escape(info.title)}  "
        f"({info.severity.value}, on {info.applies_to})"
    )
    console.print()
    for heading, text in (
        ("What it checks", info.checks),
        ("The good practice", info.rationale),
        (
            "Sources",
            "; ".join(info.sources)
            + (f" (toolkit section {info.section})" if info.section else ""),
        ),
        ("How to fix", info.fix),
    ):
        if text.strip():
            console.print(f"[bold]{heading}[/bold]")
            console.print(escape(text))
            console.print()
    if info.example.strip():
        console.print("[bold]A record that passes[/bold]")
        console.print(escape(info.example.rstrip()))
    return buffer.getvalue()


def _markdown_entry(info: RuleInfo) -> str:
    sources = "; ".join(info.sources) or "—"
    lines = [
        # An explicit anchor: SARIF helpUri and the index link to rules.md#<code>.
        f'<a id="{info.code.lower()}"></a>',
        "",
        f"### {info.code} — {info.title}",
        "",
        f"*Severity:* `{info.severity.value}` · *Fires on:* {info.applies_to} · "
        f"*Sources:* {sources}",
        "",
        f"**What it checks.** {info.checks}",
        "",
    ]
    if info.rationale:
        lines += [f"**The good practice.** {info.rationale}", ""]
    if info.fix:
        lines += [f"**How to fix.** {info.fix}", ""]
    if info.example.strip():
        lines += ["A record that passes:", "", "```yaml", info.example.rstrip(), "```", ""]
    return "\n".join(lines)


def rules_markdown() -> str:
    """docs/rules.md, generated from the catalogue (a test fails when the page drifts)."""
    parts = [
        "# Rule reference",
        "",
        "<!-- Generated from src/vpsec/catalogue.yaml by `python -m vpsec.rules_doc`; "
        "do not edit. -->",
        "",
        "Each rule turns one good practice of the DCAF–ICRC toolkit into a check. "
        "Severities: `error` (must hold), `warning` (should hold, or a justification is "
        "expected), `info` (worth considering). Change them, select or ignore rules, and "
        "waive single findings in `vpsec.yaml`.",
        "",
        "| code | severity | title |",
        "|---|---|---|",
    ]
    rules = catalogue.all_rules()
    parts += [f"| [{r.code}](#{r.code.lower()}) | {r.severity.value} | {r.title} |" for r in rules]
    parts.append("")
    for prefix, heading in FAMILIES.items():
        family = [r for r in rules if r.family == prefix]
        if not family:
            continue
        parts += [f"## {heading}", ""]
        parts += [_markdown_entry(r) for r in family]
    return "\n".join(parts).rstrip() + "\n"


if __name__ == "__main__":
    print(rules_markdown(), end="")
