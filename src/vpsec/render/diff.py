"""`vpsec diff` as text, a pull-request comment (Markdown) and JSON.

A reviewer needs the change itself: every changed field as `old → new`
(dates with the days moved, numbers with the change in percent, lists as
items added and removed), a line about each record added or removed, new
findings first by severity with the rule's link, and vpsec.yaml changes
that silence findings flagged for review.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from vpsec.findings import Finding, Severity
from vpsec.render import RenderOptions
from vpsec.render.links import rule_help_url
from vpsec.render.markdown import cap_lines
from vpsec.render.markdown_text import markdown_code, markdown_message, markdown_text
from vpsec.render.terminal import terminal_line
from vpsec.results import DiffResult, FieldChange, RecordRef
from vpsec.wording import label

# A hidden marker at the top of the comment, so a bot can find and update its own comment.
MARKER = "<!-- vpsec-diff -->"
# How cli.md's JSON names the working tree as the head.
WORKTREE = "WORKTREE"
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ICON = {Severity.ERROR: "🔴", Severity.WARNING: "🟠", Severity.INFO: "🔵"}


# ------------------------------------------------------------------ wording


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DAY.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _value(value: Any) -> str:
    if value is None:
        return "(not set)"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str, separators=(", ", ": "))
    return str(value)


def _signed(number: float, unit: str) -> str:
    shown = f"{number:+.0f}" if float(number).is_integer() else f"{number:+.1f}"
    return f"{shown}{unit}"


def describe_change(change: FieldChange) -> str:
    """'headcount 24 → 36 (+50%)', 'end 2027-01-31 → 2028-06-30 (+516 days)', 'items: +1, −0'."""
    old, new = change.old, change.new
    if isinstance(old, list) and isinstance(new, list):
        added = [item for item in new if item not in old]
        removed = [item for item in old if item not in new]
        parts = [f"+ {_value(item)}" for item in added] + [f"− {_value(item)}" for item in removed]
        return f"{change.field}: {'; '.join(parts) if parts else 'reordered'}"
    text = f"{change.field} {_value(old)} → {_value(new)}"
    before, after = _day(old), _day(new)
    if before is not None and after is not None:
        days = (after - before).days
        return f"{text} ({days:+d} day{'s' if abs(days) != 1 else ''})"
    low, high = _number(old), _number(new)
    if low is not None and high is not None and low != 0:
        return f"{text} ({_signed((high - low) / abs(low) * 100, '%')})"
    return text


def _get(value: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def summarise(ref: RecordRef) -> str:
    """One line about an added or removed record: what it is, to whom, how much, when."""
    value = ref.value if isinstance(ref.value, dict) else {}
    kind = str(value.get("kind", "record"))
    if kind == "Transfer":
        listed = value.get("items")
        items: list[Any] = listed if isinstance(listed, list) else []
        what = ", ".join(
            f"{item.get('quantity', '')} {item.get('description', '')}".strip()
            for item in items
            if isinstance(item, dict)
        )
        totals: dict[str, float] = {}
        for item in items:
            amount = _get(item, "value", "amount")
            currency = _get(item, "value", "currency")
            if _number(amount) is not None and isinstance(currency, str):
                totals[currency] = totals.get(currency, 0.0) + float(amount)
        worth = ", ".join(f"{currency} {total:,.0f}" for currency, total in totals.items())
        recipient = _get(value, "recipient", "unit") or _get(value, "recipient", "authority")
        parts = [f"{label(value.get('type')) or 'a'} transfer", what or None]
        line = ": ".join(p for p in parts if p)
        if recipient:
            line += f" to {recipient}"
        if worth:
            line += f" ({worth})"
        return line
    if kind == "Deployment":
        force = _get(value, "force", "unit") or _get(value, "force", "agency")
        period = f"{value.get('start', '?')} to {value.get('end') or 'no end date'}"
        return (
            f"deployment of {value.get('headcount', '?')} ({force or 'force not named'}), {period}"
        )
    title = value.get("title") or value.get("name") or value.get("text")
    return f"{kind}{': ' + str(title) if title else ''}"


def _verdict(result: DiffResult) -> str:
    def count(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return (
        f"{count(len(result.introduced), 'finding')} introduced, "
        f"{len(result.resolved)} resolved; records: {len(result.added)} added, "
        f"{len(result.changed)} changed, {len(result.removed)} removed"
        + (f", {len(result.hidden)} hidden by a new exclude" if result.hidden else "")
    )


# --------------------------------------------------------------------- text


def _finding_line(finding: Finding) -> str:
    where = f"{finding.path}:{finding.line}" if finding.line else finding.path
    return f"{finding.severity.value:<7} {finding.rule} {where}: {finding.message}"


def render_text(result: DiffResult, options: RenderOptions) -> str:
    out = [terminal_line(f"vpsec diff {result.base} → {result.head}: {_verdict(result)}")]

    def section(title: str, lines: list[str]) -> None:
        if lines:
            out.append("")
            out.append(f"{title}:")
            out.extend(f"  {terminal_line(line)}" for line in lines)

    section(
        "Decisions changed after they were made (audit breaches)",
        [f"{e.path}: {e.message} (commit {e.commit.sha[:12]})" for e in result.breaches],
    )
    section("Findings introduced", [_finding_line(f) for f in result.introduced])
    section("Findings resolved", [_finding_line(f) for f in result.resolved])
    section(
        "Settings changed (vpsec.yaml)",
        [("REVIEW " if s.review else "") + s.text for s in result.settings],
    )
    section("Records added", [f"{r.id} ({r.path}): {summarise(r)}" for r in result.added])
    section("Records removed", [f"{r.id} ({r.path}): {summarise(r)}" for r in result.removed])
    section(
        "Records hidden by a new exclude",
        [f"{r.id} ({r.path}): {summarise(r)}" for r in result.hidden],
    )
    changed: list[str] = []
    for change in result.changed:
        moved = f" (moved from {change.moved_from} to {change.path})" if change.moved_from else ""
        changed.append(f"{change.id}{moved}")
        changed.extend(f"    {describe_change(value)}" for value in change.values)
    section("Records changed", changed)
    section("Records moved", [f"{c.id}: {c.moved_from} → {c.path}" for c in result.moved])
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------- markdown


def _findings_table(result: DiffResult, findings: tuple[Finding, ...]) -> list[str]:
    rows = ["| Severity | Rule | Record | Where | Finding |", "|---|---|---|---|---|"]
    for f in findings:
        where = f"{f.path}:{f.line}" if f.line else f.path
        link = f"[{f.rule}]({rule_help_url(f.rule, result.version)})" if result.version else f.rule
        rows.append(
            f"| {_ICON[f.severity]} {f.severity.value} | {link} | "
            f"{markdown_code(f.record) if f.record else ''} | {markdown_code(where)} | "
            f"{markdown_message(f.message)} |"
        )
    return rows


def render_markdown(result: DiffResult, options: RenderOptions) -> str:
    """A pull-request comment: the verdict, new problems first, then what changed."""
    errors = sum(1 for f in result.introduced if f.severity is Severity.ERROR)
    headline = f"**{errors} new error{'s' if errors != 1 else ''}**" if errors else "no new errors"
    if result.breaches:
        headline = f"**the audit trail is NOT intact** · {headline}"
    out = [
        MARKER,
        f"## vpsec: {markdown_text(result.base)} → {markdown_text(result.head)}",
        "",
        f"{headline} · {markdown_text(_verdict(result))}",
    ]
    # A public comment (--audience public) says what it withheld.
    out += ["", *(f"> {markdown_text(n)}" for n in result.notices)] if result.notices else []
    if result.breaches:
        out += ["", "### Decisions changed after they were made", ""]
        out += [
            f"- {markdown_code(e.path)}: {markdown_message(e.message)} "
            f"(commit {markdown_code(e.commit.sha[:12])})"
            for e in result.breaches
        ]
    if result.introduced:
        out += ["", "### Findings introduced", "", *_findings_table(result, result.introduced)]
    if result.resolved:
        out += ["", "### Findings resolved", "", *_findings_table(result, result.resolved)]
    if result.settings:
        out += ["", "### Settings changed (vpsec.yaml)", ""]
        out += [
            f"- {'⚠️ **review:** ' if s.review else ''}{markdown_text(s.text)}"
            for s in result.settings
        ]
    records = [
        *(("added", r.id, r.path, summarise(r)) for r in result.added),
        *(("removed", r.id, r.path, summarise(r)) for r in result.removed),
        *(("hidden by a new exclude", r.id, r.path, summarise(r)) for r in result.hidden),
        *(
            ("changed", c.id, c.path, "; ".join(describe_change(v) for v in c.values))
            for c in result.changed
        ),
        *(("moved", c.id, c.path, f"from {c.moved_from}") for c in result.moved),
    ]
    if records:
        out += ["", "### Record changes", "", "| Change | Record | File | What |"]
        out.append("|---|---|---|---|")
        out += [
            f"| {change} | {markdown_code(rid)} | {markdown_code(path)} | {markdown_text(what)} |"
            for change, rid, path, what in records
        ]
    # A comment over GitHub's limit is refused whole: new problems come first, so cut the end.
    return cap_lines("\n".join(out) + "\n", pointer="`vpsec diff` with `--format text`")


# --------------------------------------------------------------------- json


def _change_json(change: FieldChange) -> dict[str, Any]:
    return {"field": change.field, "old": change.old, "new": change.new}


def render_json(result: DiffResult, options: RenderOptions) -> str:
    """The JSON shape of cli.md; the values of each change under `values`, added later."""
    document = {
        "base": result.base_sha,
        "head": result.head_sha or WORKTREE,
        "records": {
            "added": [r.id for r in result.added],
            "removed": [r.id for r in result.removed],
            "changed": [
                {
                    "id": c.id,
                    "fields": list(c.fields),
                    "values": [_change_json(v) for v in c.values],
                }
                for c in result.changed
            ],
            "hidden": [r.id for r in result.hidden],
        },
        "findings": {
            "introduced": [f.to_json() for f in result.introduced],
            "resolved": [f.to_json() for f in result.resolved],
        },
        "settings": [{"change": s.text, "review": s.review} for s in result.settings],
        "breaches": [
            {"path": e.path, "decision": e.decision, "change": e.change, "message": e.message}
            for e in result.breaches
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"
