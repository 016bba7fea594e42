"""What a public output may show: which records it withholds, and the sentences that say so.

A public output (`--audience public` of `report`, `assess`, `diff`, `log`
and `audit`) is handed to communities, NGOs and the press, or posted on a
pull request. It is made safe by construction, from what the files hold and
not from what validation managed to read:

- a record that fails validation is withheld entirely: not shown, not
  quoted, its id never printed; the validation findings are replaced by one
  line per check that counts them (their messages quote the bad values);
- `sensitivity: restricted` is read from the raw document, so a restricted
  record that is also invalid is still known to be restricted, and its id
  and the names it holds are still withheld wherever else they appear;
- a transfer or agreement with `published: false` appears only in counts
  and totals per site, type and year, unless a Decision of the workspace
  authorises showing them (`Disclosure`), which the output then names;
- narrative written for internal use is left out: a risk assessment's
  `summary`, a decision's `rationale`, a deployment's `urgent_need` (and the
  `purpose` of an undisclosed transfer, with the rest of it);
- personal names are replaced and scrubbed by vpsec.redact, which also
  learns the names written in invalid records.

A public report of a workspace with validation errors is rendered, with a
notice that says how many records were left out and that the report may be
incomplete: refusing would let one malformed file stop the publication of
everything else, and nothing of the invalid record is printed either way.

`PublicView` is the one entry point: built once per output from the opened
workspace(s), it turns each command's result into its public form.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vpsec.collector import paused_gc
from vpsec.errors import UsageError
from vpsec.findings import Finding, RunResult, WaivedFinding
from vpsec.load.discover import WORKSPACE_FILE
from vpsec.load.validation import validation_finding
from vpsec.load.yamlread import YamlProblem
from vpsec.redact import RESTRICTED_RECORD, Redactor, raw_names

if TYPE_CHECKING:
    from vpsec.load.source import OpenWorkspace
    from vpsec.results import AuditResult, DiffResult, LogResult

INVALID_RECORD = "[withheld record]"
UNDISCLOSED_RECORD = "[undisclosed record]"
# The kinds a company may decide not to publish (`published: false`).
DISCLOSABLE = ("Transfer", "Agreement")
# Fields written for internal use, left out of every public output, by kind.
NARRATIVE_FIELDS: Mapping[str, tuple[str, ...]] = {
    "RiskAssessment": ("summary",),
    "Decision": ("rationale",),
    "Deployment": ("urgent_need",),
}
_NARRATIVE_WORDS = (
    "risk-assessment summaries, decision rationales, the urgent need behind a deployment"
)
# The validation checks (V001, V002, ...): their messages quote what was written.
_VALIDATION = re.compile(r"V\d{3}")

RecordData = dict[str, Any]


def _is_restricted(document: object) -> bool:
    """`sensitivity: restricted` in a raw document, however it was written."""
    if not isinstance(document, Mapping):
        return False
    value = document.get("sensitivity")
    values = value if isinstance(value, list) else [value]
    return any(isinstance(v, str) and v.strip().casefold() == "restricted" for v in values)


def _raw_id(document: object) -> str | None:
    if isinstance(document, Mapping):
        value = document.get("id")
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            return str(value).strip()
    return None


def record_data(opened: OpenWorkspace) -> list[RecordData]:
    """The valid records of a workspace as plain data, as reports and the redactor read them."""
    out: list[RecordData] = []
    for record in opened.load().workspace.records:
        data: RecordData = record.model.model_dump(mode="json", exclude={"api_version"})
        data["kind"] = record.kind
        data["path"] = record.path
        out.append(data)
    return out


def waiver_data(opened: OpenWorkspace) -> list[RecordData]:
    """The waivers of vpsec.yaml as plain data."""
    return [w.model_dump(mode="json") for w in opened.config.waivers]


@dataclass(frozen=True, slots=True)
class Withholding:
    """The records a public output leaves out, learnt from the raw documents."""

    # Ids whose raw document says `sensitivity: restricted`, valid or not.
    restricted: frozenset[str] = frozenset()
    # Ids of documents that failed validation (and that no valid record also uses).
    invalid: frozenset[str] = frozenset()
    # Documents and unreadable files left out for failing validation.
    invalid_documents: int = 0
    # Valid transfers and agreements with `published: false`.
    undisclosed: frozenset[str] = frozenset()
    # Names written in the name fields of invalid documents.
    names: tuple[str, ...] = ()

    @classmethod
    def of_records(cls, records: Iterable[RecordData]) -> Withholding:
        """What to withhold, from valid records alone (when no raw document is at hand)."""
        records = list(records)
        restricted = frozenset(str(r["id"]) for r in records if _is_restricted(r))
        undisclosed = frozenset(
            str(r["id"])
            for r in records
            if r.get("kind") in DISCLOSABLE and r.get("published") is False
        )
        return cls(restricted=restricted, undisclosed=undisclosed - restricted)

    @classmethod
    def learn(cls, sides: Sequence[OpenWorkspace]) -> Withholding:
        """What to withhold from the workspaces (both sides of a diff), read once each."""
        restricted: set[str] = set()
        invalid: set[str] = set()
        valid: set[str] = set()
        undisclosed: set[str] = set()
        names: list[str] = []
        # Documents by (path, index): one left out on both sides of a diff counts once.
        left_out: set[tuple[str, int]] = set()
        for opened in sides:
            loaded = opened.load().workspace
            kept = {(r.path, r.doc.index) for r in loaded.records}
            valid.update(r.id for r in loaded.records)
            undisclosed.update(
                r.id
                for r in loaded.records
                if r.kind in DISCLOSABLE and getattr(r.model, "published", None) is False
            )
            documents = opened.documents()
            # Files skipped before parsing (too large, unreadable) are invalid too.
            parsed_paths = {path for path, _parsed in documents}
            left_out.update(
                (f.path, 0)
                for f in opened.load().findings
                if f.rule == "V001" and f.path not in parsed_paths
            )
            for path, parsed in documents:
                if isinstance(parsed, YamlProblem):
                    left_out.add((path, 0))
                    continue
                for doc in parsed:
                    record_id = _raw_id(doc.value)
                    if _is_restricted(doc.value) and record_id is not None:
                        restricted.add(record_id)
                    if (path, doc.index) in kept:
                        continue
                    if not _is_restricted(doc.value):  # said once, as restricted
                        left_out.add((path, doc.index))
                    if record_id is not None:
                        invalid.add(record_id)
                    if isinstance(doc.value, Mapping):
                        names += raw_names(doc.value)
        return cls(
            restricted=frozenset(restricted),
            invalid=frozenset(invalid - valid - restricted),
            invalid_documents=len(left_out),
            undisclosed=frozenset(undisclosed - restricted),
            names=tuple(names),
        )


@dataclass(frozen=True, slots=True)
class Disclosure:
    """The explicit override that shows undisclosed records in full: a Decision that says so."""

    decision: str
    date: str | None

    @classmethod
    def find(
        cls, decision: str, records: Iterable[RecordData], withholding: Withholding
    ) -> Disclosure:
        """The Decision named on the command line; a usage error unless the public may see it."""
        if decision in withholding.restricted or decision in withholding.invalid:
            raise UsageError(
                f"--disclose-unpublished: {decision} is withheld from public outputs "
                "(restricted or invalid), so it cannot authorise a disclosure"
            )
        found = next((r for r in records if r.get("id") == decision), None)
        if found is None or found.get("kind") != "Decision":
            raise UsageError(
                f"--disclose-unpublished: name the Decision that authorises the disclosure "
                f"(`vpsec decide` records one); {decision!r} is not a Decision of the workspace"
            )
        day = found.get("date")
        return cls(decision, day if isinstance(day, str) else None)


@dataclass(slots=True)
class _Counts:
    findings_withheld: int = 0
    waivers_withheld: int = 0
    narrative_omitted: int = 0
    validation_findings: int = 0


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _money(amount: float, currency: str) -> str:
    shown = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
    return f"{currency} {shown}"


@dataclass(slots=True)
class PublicView:
    """One public output's view of a workspace: what it withholds, and the redactor of names."""

    withholding: Withholding
    redactor: Redactor
    # The undisclosed records, as data, for their counts and totals.
    undisclosed: list[RecordData]
    site_names: dict[str, str]
    disclosure: Disclosure | None = None
    counts: _Counts = field(default_factory=_Counts)

    @classmethod
    def build(
        cls,
        records: list[RecordData],
        waivers: Iterable[RecordData],
        withholding: Withholding,
        *,
        disclose: str | None = None,
    ) -> PublicView:
        """From every valid record (restricted ones too) and the waivers, as plain data."""
        disclosure = Disclosure.find(disclose, records, withholding) if disclose else None
        hidden = dict.fromkeys(withholding.invalid, INVALID_RECORD)
        if disclosure is None:
            hidden.update(dict.fromkeys(withholding.undisclosed, UNDISCLOSED_RECORD))
        hidden.update(dict.fromkeys(withholding.restricted, RESTRICTED_RECORD))
        redactor = Redactor.for_records(
            records, list(waivers), extra_names=withholding.names, hidden=hidden
        )
        # One record per id (a diff has two sides): the last, the head's, wins.
        by_id = {str(r.get("id")): r for r in records}
        undisclosed = [r for rid, r in by_id.items() if rid in withholding.undisclosed]
        site_names = {
            str(r["id"]): str(r.get("name") or r["id"])
            for r in records
            if r.get("kind") == "Site" and r["id"] not in hidden
        }
        return cls(withholding, redactor, undisclosed, site_names, disclosure)

    @classmethod
    def of(cls, sides: Sequence[OpenWorkspace], *, disclose: str | None = None) -> PublicView:
        """For the opened workspace(s): learn what to withhold, then every name."""
        withholding = Withholding.learn(sides)
        records = [record for opened in sides for record in record_data(opened)]
        waivers = [waiver for opened in sides for waiver in waiver_data(opened)]
        return cls.build(records, waivers, withholding, disclose=disclose)

    # -- which records ------------------------------------------------------------

    @property
    def hidden(self) -> frozenset[str]:
        """Ids of every record this output leaves out (restricted, invalid, undisclosed)."""
        return self.redactor.restricted

    def shows(self, record_id: str | None) -> bool:
        return record_id is None or record_id not in self.redactor.hidden

    def records(self, records: Iterable[RecordData]) -> list[RecordData]:
        """The records the public may see: names replaced, notes and narrative dropped, scrubbed."""
        out = []
        with paused_gc():
            for record in records:
                if not self.shows(record.get("id")):
                    continue
                shown = self.redactor.record(record)
                for name in NARRATIVE_FIELDS.get(str(record.get("kind")), ()):
                    if shown.get(name):
                        self.counts.narrative_omitted += 1
                    shown[name] = None
                out.append(shown)
            scrubbed: list[RecordData] = self.redactor.scrub_tree(out)
        return scrubbed

    # -- findings -----------------------------------------------------------------

    def findings(self, findings: Iterable[Finding]) -> list[Finding]:
        """Findings about records the public may see, scrubbed; validation findings counted.

        Every V finding is replaced by one finding per check that counts them
        and quotes nothing: their messages quote the values that failed.
        """
        validation: Counter[str] = Counter()
        out: list[Finding] = []
        for finding in findings:
            if _VALIDATION.fullmatch(finding.rule):
                validation[finding.rule] += 1
            elif not self.shows(finding.record):
                self.counts.findings_withheld += 1
            else:
                out.append(self._scrubbed(finding))
        self.counts.validation_findings += sum(validation.values())
        return [*(_validation_summary(code, n) for code, n in sorted(validation.items())), *out]

    def _scrubbed(self, finding: Finding) -> Finding:
        """A finding with every piece of workspace data scrubbed.

        Its title is the catalogue's, vpsec's own words, which hold no one's
        name: left as written, so that a person called Grace does not turn the
        catalogue's "grace period" into "[name withheld] period".
        """
        scrub = self.redactor.scrub
        return dataclasses.replace(
            finding,
            message=scrub(finding.message),
            path=scrub(finding.path),
            record=scrub(finding.record) if finding.record else None,
            site=scrub(finding.site) if finding.site else None,
            sites=tuple(scrub(site) for site in finding.sites),
        )

    def waived(self, waived: Iterable[WaivedFinding]) -> tuple[WaivedFinding, ...]:
        """Waived findings on records the public may see; reasons scrubbed, approvers withheld."""
        out = []
        for item in waived:
            if _VALIDATION.fullmatch(item.finding.rule) or not self.shows(item.finding.record):
                self.counts.findings_withheld += 1
                continue
            out.append(
                WaivedFinding(
                    self._scrubbed(item.finding),
                    self.redactor.scrub(item.reason),
                    self.redactor.approver(item.approved_by),
                    item.expires,
                )
            )
        return tuple(out)

    def waivers(self, waivers: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Waivers (as data) on records the public may see, approvers withheld, scrubbed."""
        out: list[dict[str, Any]] = []
        for waiver in waivers:
            if not self.shows(waiver.get("record")):
                self.counts.waivers_withheld += 1
                continue
            out.append({**waiver, "approved_by": self.redactor.approver(waiver["approved_by"])})
        scrubbed: list[dict[str, Any]] = self.redactor.scrub_tree(out)
        return scrubbed

    # -- what was withheld, in words ------------------------------------------------

    def undisclosed_groups(self) -> list[dict[str, Any]]:
        """Undisclosed records as counts and totals (per currency) per kind, site, type and year."""
        if self.disclosure is not None:
            return []
        groups: dict[tuple[str, str, str, str], dict[str, Any]] = {}
        totals: dict[tuple[str, str, str, str], dict[str, float]] = defaultdict(dict)
        for record in self.undisclosed:
            kind = str(record.get("kind"))
            sites = record.get("sites") if kind == "Agreement" else [record.get("site")]
            site = next((str(s) for s in sites or [] if s), "")
            day = str(record.get("date") or record.get("signed") or "")
            key = (kind, site, str(record.get("type") or kind.lower()), day[:4])
            group = groups.setdefault(
                key,
                {
                    "kind": kind,
                    "site": site if site in self.site_names else None,
                    "site_name": self.site_names.get(site),
                    "type": key[2],
                    "year": key[3] or None,
                    "count": 0,
                    "totals": [],
                },
            )
            group["count"] += 1
            for item in record.get("items") or []:
                value = item.get("value") if isinstance(item, Mapping) else None
                if isinstance(value, Mapping):
                    currency = str(value.get("currency"))
                    amount = float(value.get("amount") or 0)
                    totals[key][currency] = totals[key].get(currency, 0.0) + amount
        for key, group in groups.items():
            group["totals"] = [{"currency": c, "amount": a} for c, a in sorted(totals[key].items())]
        return [groups[key] for key in sorted(groups)]

    def statement(self) -> list[str]:
        """What this output withheld and why, in words a reader outside the company understands."""
        held = self.withholding
        out = [
            "Prepared for publication: people are named by their role, "
            "never by their name, and some records are left out or summarised."
        ]
        restricted = len(held.restricted)
        if restricted:
            out.append(
                f"{_plural(restricted, 'record')} marked restricted "
                f"{'was' if restricted == 1 else 'were'} left out, with what was found about "
                f"{'it' if restricted == 1 else 'them'}: publishing "
                f"{'it' if restricted == 1 else 'them'} could put people in danger."
            )
        if held.invalid_documents:
            count = held.invalid_documents
            out.append(
                f"{_plural(count, 'record')} could not be read or checked and "
                f"{'was' if count == 1 else 'were'} left out entirely, so this document may be "
                "incomplete until the company corrects "
                f"{'it' if count == 1 else 'them'}."
            )
        groups = self.undisclosed_groups()
        if groups:
            kinds = Counter(str(g["kind"]) for g in groups for _ in range(g["count"]))
            listed = " and ".join(
                _plural(n, {"Transfer": "transfer", "Agreement": "agreement"}[k])
                for k, n in sorted(kinds.items(), key=lambda kv: kv[0] != "Transfer")
            )
            out.append(
                f"{listed} the company has not yet disclosed "
                f"{'is' if sum(kinds.values()) == 1 else 'are'} shown only as counts and totals "
                "per site, type and year: their details (dates, purposes, who received them) "
                "could tell armed groups or others where and when to strike."
            )
            out += [self._group_line(group) for group in groups]
        if self.disclosure is not None and self.undisclosed:
            when = f" of {self.disclosure.date}" if self.disclosure.date else ""
            out.append(
                f"{_plural(len(self.undisclosed), 'record')} the company had marked not for "
                f"publication {'is' if len(self.undisclosed) == 1 else 'are'} shown in full, as "
                f"decided in {self.disclosure.decision}{when}."
            )
        stats = self.redactor.stats
        if stats.names_replaced or stats.mentions_withheld:
            out.append(
                f"{_plural(stats.names_replaced, 'personal name')} "
                f"{'was' if stats.names_replaced == 1 else 'were'} replaced by the person's "
                f"role or organisation, and {_plural(stats.mentions_withheld, 'mention')} of a "
                "name or of a withheld record in the text "
                f"{'was' if stats.mentions_withheld == 1 else 'were'} withheld."
            )
        out.append(
            "Internal notes and narrative written for internal use "
            f"({_NARRATIVE_WORDS}) are not included."
        )
        return out

    def _group_line(self, group: Mapping[str, Any]) -> str:
        kind = {"Transfer": "transfer", "Agreement": "agreement"}[str(group["kind"])]
        what = f"{group['type'].replace('_', ' ')} {kind}" if kind == "transfer" else kind
        where = f"at {group['site_name']}" if group.get("site_name") else "at a site not named here"
        year = f" in {group['year']}" if group.get("year") else ""
        worth = ", ".join(_money(t["amount"], t["currency"]) for t in group["totals"])
        return f"Not disclosed {where}{year}: {_plural(group['count'], what)}" + (
            f", worth {worth} in all." if worth else "."
        )

    @staticmethod
    def internal_publication() -> dict[str, Any]:
        """The report context's `publication` for an internal audience: nothing withheld."""
        return {
            "audience": "internal",
            "public": False,
            "records_withheld": 0,
            "findings_withheld": 0,
            "names_replaced": 0,
            "mentions_withheld": 0,
            "notes_omitted": 0,
            "invalid_withheld": 0,
            "undisclosed_withheld": 0,
            "narrative_omitted": 0,
            "undisclosed": [],
            "disclosed_by": None,
            "statement": [],
        }

    def publication(self) -> dict[str, Any]:
        """The report context's `publication` for a public audience (docs/reports.md)."""
        stats = self.redactor.stats
        return {
            "audience": "public",
            "public": True,
            "records_withheld": len(self.withholding.restricted),
            "findings_withheld": self.counts.findings_withheld,
            "names_replaced": stats.names_replaced,
            "mentions_withheld": stats.mentions_withheld,
            "notes_omitted": stats.notes_omitted,
            "invalid_withheld": self.withholding.invalid_documents,
            "undisclosed_withheld": 0 if self.disclosure else len(self.undisclosed),
            "narrative_omitted": self.counts.narrative_omitted,
            "undisclosed": self.undisclosed_groups(),
            "disclosed_by": self.disclosure.decision if self.disclosure else None,
            "statement": self.statement(),
        }

    # -- whole results ------------------------------------------------------------------

    def run_result(self, result: RunResult) -> RunResult:
        """`assess --audience public`: the same run, with only what the public may see."""
        findings = tuple(self.findings(result.findings))
        waived = self.waived(result.waived)
        checked = tuple(
            (code, tuple(r for r in ids if self.shows(r))) for code, ids in result.checked
        )
        return dataclasses.replace(
            result,
            workspace=self.redactor.scrub(result.workspace),
            records=max(0, result.records - self._left_out()),
            findings=findings,
            waived=waived,
            checked=checked,
            notices=tuple(self.statement()),
            fails_withheld=result.exit_code() == 1,
        )

    def _left_out(self) -> int:
        held = self.withholding
        undisclosed = 0 if self.disclosure else len(held.undisclosed)
        return held.invalid_documents + len(held.restricted) + undisclosed

    def diff_result(
        self,
        result: DiffResult,
        base: Mapping[str, RecordData],
        head: Mapping[str, RecordData],
    ) -> DiffResult:
        """`diff --audience public`: records and findings the public may see, values redacted.

        `base` and `head` are each side's valid records by id, as plain data:
        a changed record's values are compared again after both sides are
        redacted, so a changed name shows as no change of the stand-in, and
        nothing removed from a public output reappears as an old or new value.
        """
        from vpsec.diff import field_changes
        from vpsec.results import RecordChange, RecordRef, SettingChange

        scrub = self.redactor.scrub

        def public_ref(ref: RecordRef, side: Mapping[str, RecordData]) -> RecordRef | None:
            data = side.get(ref.id)
            if data is None or not self.shows(ref.id):
                return None
            (shown,) = self.records([data])
            return RecordRef(scrub(ref.id), scrub(ref.path), shown)

        def refs(
            items: Iterable[RecordRef], side: Mapping[str, RecordData]
        ) -> tuple[RecordRef, ...]:
            kept = [public_ref(ref, side) for ref in items]
            return tuple(ref for ref in kept if ref is not None)

        changed: list[RecordChange] = []
        for change in result.changed:
            old, new = base.get(change.id), head.get(change.id)
            if old is None or new is None or not self.shows(change.id):
                continue
            (old_shown,) = self.records([old])
            (new_shown,) = self.records([new])
            values = tuple(field_changes(_comparable(old_shown), _comparable(new_shown)))
            changed.append(
                RecordChange(
                    change.id,
                    tuple(v.field for v in values),
                    scrub(change.path),
                    scrub(change.moved_from) if change.moved_from else None,
                    values,
                )
            )
        moved = tuple(
            dataclasses.replace(
                c,
                path=scrub(c.path),
                moved_from=scrub(c.moved_from) if c.moved_from else None,
            )
            for c in result.moved
            if self.shows(c.id)
        )
        return dataclasses.replace(
            result,
            base=scrub(result.base),
            head=scrub(result.head),
            added=refs(result.added, head),
            removed=refs(result.removed, base),
            hidden=refs(result.hidden, base),
            changed=tuple(changed),
            moved=moved,
            introduced=tuple(self.findings(result.introduced)),
            resolved=tuple(self.findings(result.resolved)),
            settings=tuple(SettingChange(scrub(s.text), s.review) for s in result.settings),
            breaches=tuple(self._audit_entry(e) for e in result.breaches),
            notices=tuple(self.statement()),
        )

    def log_result(self, result: LogResult) -> LogResult:
        """`log --audience public`: decisions the public may see, no names, no authors."""
        from vpsec.results import LogEntry, LogResult

        scrub = self.redactor.scrub
        entries: list[LogEntry] = []
        for entry in result.entries:
            if not self.shows(entry.id):
                continue
            entries.append(
                dataclasses.replace(
                    entry,
                    text=scrub(entry.text),
                    made_by=self.redactor.approver(entry.made_by) if entry.made_by else None,
                    meeting=entry.meeting if self.shows(entry.meeting) else None,
                    records=tuple(r for r in entry.records if self.shows(r)),
                    supersedes=entry.supersedes if self.shows(entry.supersedes) else None,
                    superseded_by=tuple(r for r in entry.superseded_by if self.shows(r)),
                    path=scrub(entry.path),
                    # A commit's author is a person: the log says only that it was committed.
                    author=WITHHELD_AUTHOR,
                )
            )
        return LogResult(tuple(entries))

    def audit_result(self, result: AuditResult) -> AuditResult:
        """`audit --audience public`: every breach and notice kept, no names, no withheld ids."""
        return dataclasses.replace(
            result, entries=tuple(self._audit_entry(e) for e in result.entries)
        )

    def _audit_entry(self, entry: Any) -> Any:
        scrub = self.redactor.scrub
        commit = dataclasses.replace(
            entry.commit, author=WITHHELD_AUTHOR, email="", subject=scrub(entry.commit.subject)
        )
        return dataclasses.replace(
            entry,
            path=scrub(entry.path),
            message=scrub(entry.message),
            decision=scrub(entry.decision) if entry.decision else None,
            commit=commit,
        )


WITHHELD_AUTHOR = "[author withheld]"


def _comparable(record: RecordData) -> RecordData:
    """A redacted record without the keys vpsec adds (`path`), for comparing two sides."""
    return {key: value for key, value in record.items() if key not in ("path", "kind")}


def _validation_summary(code: str, count: int) -> Finding:
    """One finding that counts a check's V findings without quoting any of them."""
    if code == "V006":
        message = f"vpsec.yaml has {_plural(count, 'problem')}; a public output does not quote them"
    else:
        message = (
            f"{_plural(count, 'problem')} of this kind left records out: they are withheld "
            "from public outputs entirely, neither quoted nor named"
        )
    return validation_finding(code, message, WORKSPACE_FILE)


__all__ = [
    "DISCLOSABLE",
    "INVALID_RECORD",
    "NARRATIVE_FIELDS",
    "UNDISCLOSED_RECORD",
    "WITHHELD_AUTHOR",
    "Disclosure",
    "PublicView",
    "Withholding",
    "record_data",
    "waiver_data",
]
