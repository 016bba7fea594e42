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


def _catalogue_heading() -> str:
    rules = catalogue.all_rules()
    return f"vpsec rules: catalogue v{catalogue.version()}, {len(rules)} rules"


def rules_table(color: bool = False) -> str:
    buffer = io.StringIO()
    table = Table(title=_catalogue_heading(), show_lines=False)
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
    console.print(
        "`vpsec rules CODE` explains one rule: the practice, its sources, the recommendation "
        "and how to record it."
    )
    return buffer.getvalue()


def explain_rule(code: str, color: bool = False) -> str:
    try:
        info = catalogue.rule(code)
    except catalogue.UnknownRule:
        raise UsageError(f"{code} is not a rule code; `vpsec rules` lists them") from None
    buffer = io.StringIO()
    console = _console(buffer, color)
    added = f", new in catalogue v{info.since}" if info.since != "1.0" else ""
    console.print(
        f"[bold]{info.code}[/bold] {escape(info.title)}  "
        f"({info.severity.value}, on {info.applies_to}{added})"
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
        ("Recommendation (for the client)", info.recommendation),
        ("How to fix (in the workspace)", info.fix),
        (f"Changed in catalogue v{catalogue.version()}", info.changed),
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
    if info.recommendation:
        lines += [f"**Recommendation.** {info.recommendation}", ""]
    if info.fix:
        lines += [f"**How to fix.** {info.fix}", ""]
    if info.since != "1.0":
        lines += [f"*New in catalogue v{info.since}.*", ""]
    elif info.changed:
        lines += [f"*Changed in catalogue v{catalogue.version()}:* {info.changed}", ""]
    if info.example.strip():
        lines += ["A record that passes:", "", "```yaml", info.example.rstrip(), "```", ""]
    return "\n".join(lines)


def _changes_markdown(rules: tuple[RuleInfo, ...]) -> list[str]:
    """What changed in this catalogue version, for a user of the previous one."""
    version = catalogue.version()
    added = [r for r in rules if r.since == version]
    changed = [r for r in rules if r.since != version and r.changed]
    parts = [
        f"## What changed in v{version}",
        "",
        f"Catalogue v{version} encodes more of section 2.1 of the toolkit, and encodes it more "
        "faithfully. Every v1 workspace stays valid: assessed again, it may show the new "
        "findings below, and lose some it had; no record becomes invalid. Each rule now "
        "has a *recommendation* for the client, kept apart from *how to fix* (how to record "
        "it in the workspace). Titles and messages were rewritten: where a rule sees only a "
        'missing record they say "no record that …", so a finding\'s message may differ from '
        "v1 (match findings by rule and record, not by message). Where a period or threshold "
        "is vpsec's own choice, the texts say so. New settings: "
        + ", ".join(
            f"`{name}` ({catalogue.settings_defaults()[name]:g})"
            for name in NEW_SETTINGS.get(version, ())
        )
        + ".",
        "",
        "**Findings that may newly appear: new rules.**",
        "",
        "| code | severity | title |",
        "|---|---|---|",
    ]
    parts += [f"| [{r.code}](#{r.code.lower()}) | {r.severity.value} | {r.title} |" for r in added]
    parts += [
        "",
        "**Rules that changed: findings may appear, disappear or change severity.** "
        "Every rule that reads transfers now reads only transfers to public security: a "
        "transfer whose `recipient.authority` is `non_state_armed` is reported by TRF012 "
        "alone.",
        "",
    ]
    parts += [f"- **[{r.code}](#{r.code.lower()})** {r.changed}" for r in changed]
    parts.append("")
    return parts


# The settings each catalogue version added (settings.yaml holds their defaults).
NEW_SETTINGS = {
    "1.1": (
        "briefing_grace_days",
        "briefing_max_age_days",
        "monitoring_max_age_days",
        "incident_report_days",
    )
}


def rules_markdown() -> str:
    """docs/rules.md, generated from the catalogue (a test fails when the page drifts)."""
    parts = [
        "# Rule reference",
        "",
        "<!-- Generated from src/vpsec/catalogue.yaml by `python -m vpsec.rules_doc`; "
        "do not edit. -->",
        "",
        f"Rule catalogue v{catalogue.version()}. Each rule turns one good practice of the "
        "DCAF–ICRC toolkit into a check. "
        "Severities: `error` (must hold), `warning` (should hold, or a justification is "
        "expected), `info` (worth considering). Change them, select or ignore rules, and "
        "waive single findings in `vpsec.yaml`. Each rule gives its good practice, its "
        "sources, a recommendation written for the client, and how to record the practice "
        "in the workspace.",
        "",
        "| code | severity | title |",
        "|---|---|---|",
    ]
    rules = catalogue.all_rules()
    parts += [f"| [{r.code}](#{r.code.lower()}) | {r.severity.value} | {r.title} |" for r in rules]
    parts.append("")
    parts += _changes_markdown(rules)
    for prefix, heading in FAMILIES.items():
        family = [r for r in rules if r.family == prefix]
        if not family:
            continue
        parts += [f"## {heading}", ""]
        parts += [_markdown_entry(r) for r in family]
    return "\n".join(parts).rstrip() + "\n"


if __name__ == "__main__":
    print(rules_markdown(), end="")
