"""`vpsec log` as text for a terminal, one JSON document, or a Markdown table.

The Markdown form is posted where it acts (a pull-request comment, a wiki),
so every piece of data goes through the one Markdown escaper; in text, every
piece of data goes through the terminal sanitiser.
"""

from __future__ import annotations

import json
import re
from typing import Any

from vpsec.render import RenderOptions
from vpsec.render.markdown_text import markdown_code, markdown_text
from vpsec.render.terminal import terminal_line
from vpsec.results import LogEntry, LogResult

EMPTY = "No decisions in the git history."
_SPACES = re.compile(r"[ \t\n\r\f\v]+")


def entry_json(entry: LogEntry) -> dict[str, Any]:
    """One decision as JSON (the shape of cli.md)."""
    return {
        "id": entry.id,
        "date": entry.date,
        "text": entry.text,
        "made_by": entry.made_by,
        "meeting": entry.meeting,
        "records": list(entry.records),
        "supersedes": entry.supersedes,
        "superseded_by": entry.superseded_by[0] if entry.superseded_by else None,
        "path": entry.path,
        "commit": entry.commit,
        "committed_at": entry.committed_at.isoformat(),
        "author": entry.author,
    }


def _one_line(text: str) -> str:
    # Only real white space is folded: a control character in the text stays, to be
    # shown escaped, rather than vanish as str.split() would make it.
    return _SPACES.sub(" ", text).strip(" ")


def render_text(result: LogResult, options: RenderOptions) -> str:
    if not result.entries:
        return EMPTY + "\n"
    out = []
    for entry in result.entries:
        made_by = entry.made_by or "unknown"
        out.append(terminal_line(f"{entry.id}  ({entry.date or 'no date'}, by {made_by})"))
        out.append("  " + terminal_line(_one_line(entry.text)))
        if entry.meeting:
            out.append("  " + terminal_line(f"meeting: {entry.meeting}"))
        if entry.records:
            out.append("  " + terminal_line(f"records: {', '.join(entry.records)}"))
        if entry.supersedes:
            out.append("  " + terminal_line(f"supersedes: {entry.supersedes}"))
        if entry.superseded_by:
            out.append("  " + terminal_line(f"SUPERSEDED by {', '.join(entry.superseded_by)}"))
        out.append(
            "  "
            + terminal_line(
                f"commit {entry.commit[:12]} by {entry.author} on {entry.committed_at.isoformat()}"
            )
        )
        out.append("")
    return "\n".join(out)


def render_json(result: LogResult, options: RenderOptions) -> str:
    return json.dumps([entry_json(e) for e in result.entries], indent=2, ensure_ascii=False) + "\n"


def render_markdown(result: LogResult, options: RenderOptions) -> str:
    out = ["# Decision log", ""]
    if not result.entries:
        return "\n".join([*out, EMPTY, ""])
    out.append("| Decision | Date | Made by | Text | Meeting | Commit | Status |")
    out.append("|---|---|---|---|---|---|---|")
    for entry in result.entries:
        status = (
            "superseded by " + ", ".join(markdown_code(s) for s in entry.superseded_by)
            if entry.superseded_by
            else "in force"
        )
        out.append(
            f"| {markdown_code(entry.id)} | {markdown_text(entry.date)} | "
            f"{markdown_text(entry.made_by)} | {markdown_text(entry.text)} | "
            f"{markdown_text(entry.meeting)} | {markdown_code(entry.commit[:12])} | {status} |"
        )
    return "\n".join(out) + "\n"
