"""`vpsec diff`: what a change does to the records, the settings and the findings.

Both sides are opened by the one loader (vpsec.load.source) and checked by
the same validation and rules as `vpsec assess`: a git revision from its tree
objects (never checked out), the working tree from disk. Records are matched
by id, so a record that moves to another file is not "removed and added".
Findings are matched by what they are about (rule, record, site, field), not
by their wording or line, so a finding whose message quotes a changed
headcount, or whose lines shifted, is neither introduced nor resolved.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from vpsec.findings import Finding
from vpsec.load.source import OpenWorkspace
from vpsec.models.config import WorkspaceConfig
from vpsec.results import (
    DiffResult,
    FieldChange,
    RecordChange,
    RecordRef,
    SettingChange,
)


def check_side(opened: OpenWorkspace, as_of: date) -> list[Finding]:
    """Validation and every rule vpsec.yaml selects, as `vpsec assess` runs them."""
    from vpsec.engine import run_rules

    loaded = opened.load()
    config = opened.config
    assessment = run_rules(
        loaded.workspace,
        as_of,
        list(config.rules.select),
        list(config.rules.ignore),
        opened.config_doc,
    )
    return [*loaded.findings, *assessment.findings]


# ------------------------------------------------------------------- records


def field_changes(old: Any, new: Any, prefix: str = "") -> list[FieldChange]:
    """The fields that differ, by dotted path, with both values (lists compared whole)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[FieldChange] = []
        keys = list(old) + [key for key in new if key not in old]
        for key in keys:
            name = f"{prefix}.{key}" if prefix else str(key)
            if key not in old or key not in new:
                out.append(FieldChange(name, old.get(key), new.get(key)))
            elif old[key] != new[key]:
                out.extend(field_changes(old[key], new[key], name))
        return out
    return [] if old == new else [FieldChange(prefix or "(record)", old, new)]


def changed_fields(old: Any, new: Any) -> list[str]:
    """Dotted paths of the fields that differ."""
    return [change.field for change in field_changes(old, new)]


def _records(
    base: dict[str, tuple[str, Any]], head: dict[str, tuple[str, Any]]
) -> tuple[tuple[RecordRef, ...], tuple[RecordRef, ...], list[RecordChange], list[RecordChange]]:
    added = tuple(
        RecordRef(rid, path, value)
        for rid, (path, value) in sorted(head.items())
        if rid not in base
    )
    removed = tuple(
        RecordRef(rid, path, value)
        for rid, (path, value) in sorted(base.items())
        if rid not in head
    )
    changed: list[RecordChange] = []
    moved: list[RecordChange] = []
    for rid, (path, value) in sorted(head.items()):
        if rid not in base:
            continue
        old_path, old_value = base[rid]
        values = tuple(field_changes(old_value, value))
        moved_from = old_path if old_path != path else None
        change = RecordChange(rid, tuple(v.field for v in values), path, moved_from, values)
        if values:
            changed.append(change)
        elif moved_from:
            moved.append(change)
    return added, removed, changed, moved


# ------------------------------------------------------------------- findings


def finding_identity(finding: Finding) -> tuple[str, str, str, str]:
    """What makes two findings the same problem, whatever their wording or line.

    A finding about a record is that record's (so it survives the record
    moving to another file and a message that quotes a changed value); a
    site-level finding is its site's; others belong to their file.
    """
    if finding.record:
        where = f"record:{finding.record}"
    elif finding.site:
        where = f"site:{finding.site}"
    else:
        where = f"path:{finding.path}"
    return (finding.rule, where, finding.field or "", finding.site or "")


def _by_importance(finding: Finding) -> tuple[int, tuple[str, int, int, str, str]]:
    return (-finding.severity.rank, finding.sort_key())


def _only_in(mine: list[Finding], theirs: list[Finding]) -> tuple[Finding, ...]:
    """Findings of mine with no counterpart in theirs (counting repeats), errors first."""
    remaining = Counter(finding_identity(f) for f in theirs)
    out = []
    for finding in sorted(mine, key=Finding.sort_key):
        key = finding_identity(finding)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            out.append(finding)
    return tuple(sorted(out, key=_by_importance))


# ------------------------------------------------------------------- settings


def _listed(name: str, old: Iterable[str], new: Iterable[str]) -> list[SettingChange]:
    before, after = list(old), list(new)
    out = [SettingChange(f"{name}: added {item}") for item in after if item not in before]
    out += [SettingChange(f"{name}: removed {item}") for item in before if item not in after]
    return out


def _mapping(name: str, old: dict[str, Any], new: dict[str, Any]) -> list[SettingChange]:
    out = []
    for key in sorted(set(old) | set(new)):
        if key not in old:
            out.append(SettingChange(f"{name}.{key}: set to {new[key]}"))
        elif key not in new:
            out.append(SettingChange(f"{name}.{key}: {old[key]} removed (default again)"))
        elif old[key] != new[key]:
            out.append(SettingChange(f"{name}.{key}: {old[key]} → {new[key]}"))
    return out


def setting_changes(base: WorkspaceConfig, head: WorkspaceConfig) -> tuple[SettingChange, ...]:
    """What a change of vpsec.yaml does: rules run or not, severities, settings, waivers.

    Waivers silence findings, so each waiver added, removed or extended is
    marked for review.
    """
    out = _listed("rules.select", base.rules.select, head.rules.select)
    out += _listed("rules.ignore", base.rules.ignore, head.rules.ignore)
    out += _mapping("rules.severity", dict(base.rules.severity), dict(head.rules.severity))
    out += _mapping("rules.settings", dict(base.rules.settings), dict(head.rules.settings))
    out += _listed("exclude", base.exclude, head.exclude)
    if base.organisation != head.organisation:
        out.append(SettingChange(f"organisation: {base.organisation} → {head.organisation}"))
    old = {(w.rule, w.record): w for w in base.waivers}
    new = {(w.rule, w.record): w for w in head.waivers}
    for key, waiver in new.items():
        rule, record = key
        if key not in old:
            out.append(
                SettingChange(
                    f"waiver added: {rule} on {record} until {waiver.expires.isoformat()}",
                    review=True,
                )
            )
        elif old[key] != waiver:
            was = old[key].expires
            note = (
                f"extended from {was.isoformat()} to {waiver.expires.isoformat()}"
                if waiver.expires > was
                else "changed"
            )
            out.append(SettingChange(f"waiver {note}: {rule} on {record}", review=True))
    for rule, record in old:
        if (rule, record) not in new:
            out.append(SettingChange(f"waiver removed: {rule} on {record}"))
    return tuple(out)


# -------------------------------------------------------------------- compare


def compare(
    base: OpenWorkspace,
    head: OpenWorkspace,
    *,
    base_label: str,
    head_label: str,
    as_of: date,
    head_has_file: Callable[[str], bool],
    version: str = "",
    shas: tuple[str, str | None] = ("", None),
) -> DiffResult:
    """Records, settings and findings that differ between base and head.

    `head_has_file` tells whether a path still exists in head, so that a
    record head no longer reads because a new `exclude` covers it is shown as
    hidden, not as removed.
    """
    added, removed, changed, moved = _records(base.records(), head.records())
    hidden = tuple(
        ref
        for ref in removed
        if base.record_filter.accepts(ref.path)
        and not head.record_filter.accepts(ref.path)
        and head_has_file(ref.path)
    )
    hidden_ids = {ref.id for ref in hidden}
    base_findings = check_side(base, as_of)
    head_findings = check_side(head, as_of)
    return DiffResult(
        base=base_label,
        head=head_label,
        added=added,
        removed=tuple(ref for ref in removed if ref.id not in hidden_ids),
        changed=tuple(changed),
        moved=tuple(moved),
        introduced=_only_in(head_findings, base_findings),
        resolved=_only_in(base_findings, head_findings),
        hidden=hidden,
        settings=setting_changes(base.config, head.config),
        version=version,
        base_sha=shas[0],
        head_sha=shas[1],
    )
