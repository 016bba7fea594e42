"""The outcome of checking a workspace, computed afresh or taken from the run cache.

It holds what a run found before any --site filter, plus the little it needs
to filter by site later, so that a cached outcome can answer every option
without loading a single record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from vpsec.collector import paused_gc
from vpsec.findings import Finding, WaivedFinding

if TYPE_CHECKING:
    from vpsec.load.source import OpenWorkspace


@dataclass(frozen=True, slots=True)
class RuleSelection:
    """The rules an assessment runs, and the date they compare with."""

    as_of: date
    select: tuple[str, ...]
    ignore: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    """Findings of one validate/assess run, unfiltered and sorted."""

    findings: tuple[Finding, ...]
    waived: tuple[WaivedFinding, ...]
    checked: tuple[tuple[str, tuple[str, ...]], ...]
    records: int
    site_ids: frozenset[str]
    record_sites: dict[str, tuple[str, ...]]

    def to_data(self) -> dict[str, Any]:
        id_lists = list(dict.fromkeys(ids for _, ids in self.checked))
        list_index = {ids: index for index, ids in enumerate(id_lists)}
        return {
            "findings": [f.to_data() for f in self.findings],
            "waived": [
                [w.finding.to_data(), w.reason, w.approved_by, w.expires.isoformat()]
                for w in self.waived
            ],
            # Rules of one kind check the same records: each id list is stored once.
            "id_lists": [list(ids) for ids in id_lists],
            "checked": [[code, list_index[ids]] for code, ids in self.checked],
            "records": self.records,
            "site_ids": sorted(self.site_ids),
            "record_sites": {k: list(v) for k, v in self.record_sites.items()},
        }

    @classmethod
    def from_data(cls, data: Any) -> Outcome | None:
        """The outcome in data, or None when it is not one (a foreign or older cache)."""
        try:
            id_lists = [tuple(ids) for ids in data["id_lists"]]
            return cls(
                findings=tuple(Finding.from_data(f) for f in data["findings"]),
                waived=tuple(
                    WaivedFinding(Finding.from_data(f), reason, by, date.fromisoformat(expires))
                    for f, reason, by, expires in data["waived"]
                ),
                checked=tuple((code, id_lists[index]) for code, index in data["checked"]),
                records=int(data["records"]),
                site_ids=frozenset(data["site_ids"]),
                record_sites={k: tuple(v) for k, v in data["record_sites"].items()},
            )
        except (KeyError, TypeError, ValueError, IndexError):
            return None


def _invalid_records(findings: list[Finding]) -> int:
    """Records that were read but left out for failing validation."""
    return len(
        {(f.path, f.record) for f in findings if f.rule in ("V002", "V003", "V004") and f.record}
    )


@paused_gc()
def evaluate(opened: OpenWorkspace, rules: RuleSelection | None) -> Outcome:
    """Load and validate the opened workspace; run the rules when a selection is given."""
    loaded = opened.load()
    workspace = loaded.workspace
    findings = list(loaded.findings)
    waived: tuple[WaivedFinding, ...] = ()
    checked: tuple[tuple[str, tuple[str, ...]], ...] = ()
    if rules is not None:
        from vpsec.engine import run_rules

        assessment = run_rules(
            workspace, rules.as_of, list(rules.select), list(rules.ignore), opened.config_doc
        )
        findings.extend(assessment.findings)
        waived = assessment.waived
        checked = assessment.checked
    checked_ids = {record for _, ids in checked for record in ids}
    return Outcome(
        findings=tuple(sorted(findings, key=Finding.sort_key)),
        waived=waived,
        checked=checked,
        records=len(workspace.records) + _invalid_records(findings),
        site_ids=frozenset(r.id for r in workspace.of_kind("Site")),
        record_sites={
            record_id: workspace.by_id[record_id].model.site_ids() for record_id in checked_ids
        },
    )
