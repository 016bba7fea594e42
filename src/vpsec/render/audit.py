"""`vpsec audit` as text for a terminal and as one JSON document.

Decision text, author names, commit subjects and paths are written by
whoever had write access to the repository: in text, each goes through the
terminal sanitiser, so a control character in a commit subject can neither
hide the verdict nor forge a line.
"""

from __future__ import annotations

import json
from typing import Any

from vpsec.render import RenderOptions
from vpsec.render.terminal import terminal_line
from vpsec.results import AuditEntry, AuditResult, CommitRef


def _commit_json(ref: CommitRef) -> dict[str, str]:
    return {
        "sha": ref.sha,
        "author": ref.author,
        "email": ref.email,
        "date": ref.date,
        "subject": ref.subject,
    }


def entry_json(entry: AuditEntry) -> dict[str, Any]:
    """One breach or notice as JSON (the shape docs/audit-trail.md gives)."""
    return {
        "level": entry.level,
        "change": entry.change,
        "path": entry.path,
        "decision": entry.decision,
        "message": entry.message,
        "commit": _commit_json(entry.commit),
        "related_commit": _commit_json(entry.related) if entry.related else None,
    }


def commit_line(ref: CommitRef) -> str:
    """'commit 9b2e71c04d1a by J. Doe <j@example.org> on 2026-…: subject', made safe to print."""
    return terminal_line(
        f"commit {ref.sha[:12]} by {ref.author} <{ref.email}> on {ref.date}: {ref.subject}"
    )


def render_text(result: AuditResult, options: RenderOptions) -> str:
    """The audit as an auditor reads it: breaches first, then notices, then the verdict."""
    out = []
    scope = f" after {result.since[:12]}" if result.since else ""
    upto = f" up to {result.head[:12]}" if result.head else ""
    out.append(
        f"Audited {result.commits} commit(s){scope}{upto}: {result.decisions_added} decision(s) "
        f"added, {len(result.breaches)} breach(es), {len(result.notices)} notice(s)."
    )
    for title, entries in (("Breaches", result.breaches), ("Notices", result.notices)):
        if not entries:
            continue
        out.append("")
        out.append(f"{title}:")
        for entry in entries:
            out.append(f"  {entry.level.upper()} {entry.change}: {terminal_line(entry.message)}")
            out.append(f"    {commit_line(entry.commit)}")
            if entry.related is not None:
                out.append(f"    first in {commit_line(entry.related)}")
    out.append("")
    if result.breaches:
        out.append("The audit trail is NOT intact: decisions were changed after they were made.")
    else:
        out.append("The audit trail is intact: every decision is as it was first committed.")
    return "\n".join(out) + "\n"


def render_json(result: AuditResult, options: RenderOptions) -> str:
    document = {
        "commits": result.commits,
        "since_commit": result.since,
        "head_commit": result.head,
        "decisions_added": result.decisions_added,
        "intact": result.intact,
        "breaches": [entry_json(entry) for entry in result.breaches],
        "notices": [entry_json(entry) for entry in result.notices],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
