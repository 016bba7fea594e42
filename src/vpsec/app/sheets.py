"""`vpsec export` and `vpsec import`: registers as spreadsheets, out of and into a workspace.

Export loads the workspace once, runs its rules for the findings column,
redacts for a public audience exactly as public reports do (vpsec.redact),
and writes one sheet per kind (xlsx) or one file per kind (CSV).

Import reads the file, turns its rows into records, and checks every one of
them before it writes anything: each record is written to YAML text, that
text is read back by the loader's own parser and validated by the kind's
model (V002), and the records are then validated together with the rest of
the workspace by the loader (ids, references: V003, V004). One problem
anywhere and no file is written (exit 1). Files are then written one by
one, never overwriting (except the records --update changes); a failure
part-way removes what was written and restores what was changed.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from vpsec.atomic import write_atomic
from vpsec.confine import refuse_links
from vpsec.errors import OutputError, UsageError, VpsecError
from vpsec.load.config import find_root
from vpsec.output import display_path, emit
from vpsec.render.terminal import terminal_safe
from vpsec.wording import count, plural

AUDIENCES = ("internal", "public")
FORMATS = ("xlsx", "csv")
_PUBLIC_LEFT_OUT = ("notes", "custom")


def _say(line: str) -> None:
    sys.stderr.write(terminal_safe(line) + "\n")


def _kinds(name: str) -> list[str]:
    from vpsec.models import KINDS
    from vpsec.scaffold import resolve_kind

    if name.lower() == "all":
        return list(KINDS)
    return [resolve_kind(name)]


# -- export ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """What `vpsec export` was asked to do."""

    kind: str
    path: Path = Path()
    format: str | None = None
    output: Path | None = None
    site: str | None = None
    as_of: date | None = None
    audience: str = "internal"
    template: bool = False


def _format(options: ExportOptions) -> str:
    chosen = options.format
    if chosen is None:
        suffix = options.output.suffix.lower() if options.output else ""
        chosen = "csv" if suffix == ".csv" else "xlsx"
    if chosen not in FORMATS:
        raise UsageError(f"--format: choose one of {', '.join(FORMATS)}")
    return chosen


def _findings_cells(findings: Any) -> dict[str, str]:
    """Record id -> "TRF001 Transfer has no signed receipt; TRF007 …" (each rule once)."""
    cells: dict[str, dict[str, None]] = {}
    for finding in findings:
        if finding.record is None or finding.rule.startswith("V"):
            continue
        cells.setdefault(finding.record, {})[f"{finding.rule} {finding.title}"] = None
    return {record: "; ".join(texts) for record, texts in cells.items()}


@dataclass(slots=True)
class _Exported:
    records: dict[str, list[dict[str, Any]]]
    findings: dict[str, str]
    note: str | None = None
    left_out: tuple[str, ...] = ()
    notices: list[str] = field(default_factory=list)


def _export_data(options: ExportOptions, kinds: list[str]) -> _Exported:
    from vpsec.load.cache import Cache
    from vpsec.load.source import open_workspace
    from vpsec.outcome import RuleSelection, evaluate

    root = find_root(options.path)
    cache = Cache.open(root)
    opened = open_workspace(root, cache)
    rules = opened.config.rules
    as_of = options.as_of or date.today()
    outcome = evaluate(opened, RuleSelection(as_of, tuple(rules.select), tuple(rules.ignore)))
    cache.save()
    workspace = opened.load().workspace
    if options.site is not None and options.site not in outcome.site_ids:
        raise UsageError(f"--site: no site with id {options.site!r} in the workspace")
    invalid = {(f.path, f.record) for f in outcome.findings if f.rule in ("V002", "V003", "V004")}
    notices = []
    if invalid:
        notices.append(
            f"{count(len(invalid), 'record')} {plural(len(invalid), 'is', 'are')} not valid "
            "and left out of the export; "
            "`vpsec validate` lists them"
        )
    sites = {r.id: r.model.site_ids() for r in workspace.records}
    plain = [
        {**r.model.model_dump(mode="json", by_alias=True), "kind": r.kind}
        for r in workspace.records
    ]
    findings = list(outcome.findings)
    note = None
    left_out: tuple[str, ...] = ()
    if options.audience == "public":
        # Exactly what a public report withholds, decided by vpsec.withhold.
        from vpsec.withhold import PublicView

        view = PublicView.of([opened])
        plain = view.records(plain)
        findings = view.findings(findings)
        note = " ".join(view.statement())
        left_out = _PUBLIC_LEFT_OUT
    by_kind: dict[str, list[dict[str, Any]]] = {kind: [] for kind in kinds}
    for record in plain:
        if record["kind"] not in by_kind:
            continue
        if options.site is not None and options.site not in sites.get(str(record["id"]), ()):
            continue
        by_kind[record["kind"]].append(record)
    return _Exported(by_kind, _findings_cells(findings), note, left_out, notices)


def _default_output(kinds: list[str], template: bool) -> Path:
    from vpsec.models import KINDS

    stem = KINDS[kinds[0]].INFO.folder if len(kinds) == 1 else "vpsec-registers"
    return Path(f"{stem}{'-template' if template else ''}.xlsx")


def export(options: ExportOptions) -> int:
    """`vpsec export`: write the registers (or an empty template) as xlsx or CSV; 0 when done."""
    from vpsec.sheets.export import table_for, template_table, xlsx_bytes

    chosen = _format(options)
    if options.audience not in AUDIENCES:
        raise UsageError(f"--audience: choose one of {', '.join(AUDIENCES)}")
    kinds = _kinds(options.kind)
    if options.template:
        tables = [template_table(kind) for kind in kinds]
        note = None
    else:
        data = _export_data(options, kinds)
        tables = [
            table_for(kind, data.records[kind], data.findings, leave_out=data.left_out)
            for kind in kinds
        ]
        note = data.note
        for notice in data.notices:
            _say(f"vpsec: {notice}")
    if chosen == "csv":
        return _write_csv(tables, options.output)
    payload = xlsx_bytes(tables, template=options.template, note=note)
    for table in tables:
        for notice in table.notices:
            _say(f"vpsec: {notice}")
    target = options.output
    if target is None:
        target = _default_output(kinds, options.template)
        write_atomic(target, payload, overwrite=False)
    else:
        emit(payload, target)
    rows = sum(len(t.rows) for t in tables)
    what = "an empty register" if options.template else count(rows, "row")
    _say(f"Wrote {display_path(target)}: {what}, {count(len(tables), 'sheet')}")
    return 0


def _write_csv(tables: list[Any], output: Path | None) -> int:
    from vpsec.sheets.export import csv_text

    for table in tables:
        for notice in table.notices:
            _say(f"vpsec: {notice}")
    if len(tables) == 1:
        # Piped or redirected, CSV is data and goes out exactly; on a terminal it is shown safely.
        on_terminal = output is None and sys.stdout.isatty()
        text = csv_text(tables[0], "\n" if on_terminal else "\r\n")
        emit(text, output, sanitised=output is None and not on_terminal)
        if output is not None:
            _say(f"Wrote {display_path(output)}: {count(len(tables[0].rows), 'row')}")
        return 0
    if output is None:
        raise UsageError("--format csv with all kinds needs --output DIR (one CSV per kind)")
    if output.exists() and not output.is_dir():
        raise UsageError(f"--output: {output} is a file; CSV of all kinds needs a folder")
    output.mkdir(parents=True, exist_ok=True)
    from vpsec.models import KINDS

    for table in tables:
        target = output / f"{KINDS[table.kind].INFO.folder}.csv"
        write_atomic(target, csv_text(table))
    _say(f"Wrote {len(tables)} CSV files into {display_path(output)}")
    return 0


# -- import ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What `vpsec import` was asked to do."""

    file: Path
    kind: str | None = None
    path: Path = Path()
    sheet: str | None = None
    mapping: Path | None = None
    id_pattern: str | None = None
    date_format: str | None = None
    dry_run: bool = False
    update: bool = False


@dataclass(slots=True)
class _Plan:
    """One file the import writes: a new record, or a record it changes."""

    rel: str
    text: str
    draft: Any
    model: Any
    old_bytes: bytes | None = None
    old_model: Any = None

    @property
    def is_update(self) -> bool:
        return self.old_bytes is not None


def _read_mapping(path: Path, max_bytes: int) -> Any:
    from vpsec.load.yamlread import YamlProblem, decode, parse_documents
    from vpsec.sheets.importer import mapping_from

    shown = display_path(path)
    try:
        if path.stat().st_size > max_bytes:
            raise UsageError(f"--mapping: {shown} is over the file size limit")
        data = path.read_bytes()
    except OSError as error:
        raise UsageError(f"--mapping: {shown} cannot be read ({error.strerror or error})") from None
    try:
        documents = parse_documents(decode(data))
    except YamlProblem as problem:
        where = f":{problem.line}:{problem.column}" if problem.line else ""
        raise UsageError(f"--mapping: {shown}{where}: {problem.message}") from None
    if len(documents) != 1:
        raise UsageError(f"--mapping: {shown} must hold one YAML mapping")
    return mapping_from(documents[0].value, f"--mapping: {shown}")


def _modeline(root: Path, rel: str, kind: str) -> str:
    schema = root / "schemas" / f"{kind.lower()}.json"
    return Path(os.path.relpath(schema, (root / rel).parent)).as_posix()


def merge_update(old: dict[str, Any], new: dict[str, Any], covered: set[tuple[str, ...]]) -> Any:
    """The old record with the fields the sheet covers replaced by the sheet's values."""
    import copy

    merged = copy.deepcopy(old)
    for path in sorted(covered, key=len, reverse=True):
        holder: Any = merged
        for part in path[:-1]:
            holder = holder.get(part) if isinstance(holder, dict) else None
        if isinstance(holder, dict):
            holder.pop(path[-1], None)
    _prune(merged)
    _deep_merge(merged, new)
    return merged


def _prune(value: dict[str, Any]) -> None:
    for key in list(value):
        item = value[key]
        if isinstance(item, dict):
            _prune(item)
            if not item:
                del value[key]


def _deep_merge(target: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _deep_merge(target[key], value)
        else:
            target[key] = value


def _flat(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flat(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list) and any(isinstance(i, (dict, list)) for i in value):
        for index, item in enumerate(value):
            yield from _flat(item, f"{prefix}[{index}]")
    else:
        yield prefix, value


def changes(old: Any, new: Any) -> list[str]:
    """What changed between two versions of a record: "receipt.signed: false → true"."""
    from vpsec.sheets.yamlwrite import scalar

    def shown(value: Any) -> str:
        if value is None:
            return "(none)"
        if isinstance(value, list):
            return "[" + ", ".join(scalar(v) for v in value) + "]"
        return scalar(value)

    before = dict(_flat(old.model_dump(mode="json", by_alias=True)))
    after = dict(_flat(new.model_dump(mode="json", by_alias=True)))
    out = []
    for key in list(dict.fromkeys([*before, *after])):
        if before.get(key) != after.get(key):
            out.append(f"{key}: {shown(before.get(key))} → {shown(after.get(key))}")
    return out


@dataclass(slots=True)
class _Import:
    root: Path
    opened: Any
    options: ImportOptions
    problems: list[Any] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    plans: list[_Plan] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def read(self) -> list[Any]:
        from vpsec.sheets.importer import (
            ReadOptions,
            check_id_pattern,
            check_mapping,
            choose_sheets,
            read_sheet,
        )
        from vpsec.sheets.read import read_book

        options = self.options
        if options.kind is None and options.sheet is None:
            raise UsageError("--kind: name the kind of records the file holds, or `all`")
        whole = options.kind is None or options.kind.lower() == "all"
        kind = None if whole or options.kind is None else _kinds(options.kind)[0]
        if options.id_pattern is not None:
            check_id_pattern(options.id_pattern)
        max_bytes = int(self.opened.config.limits.max_file_mb * 1_000_000)
        mapping = _read_mapping(options.mapping, max_bytes) if options.mapping else None
        book = read_book(options.file, max_bytes)
        sheets = choose_sheets(book, kind, options.sheet)
        self.notices.extend(book.notices)
        read_options = ReadOptions(
            sheet=options.sheet, id_pattern=options.id_pattern, date_format=options.date_format
        )
        if mapping is not None:
            check_mapping(mapping, [kind for _, kind in sheets], f"--mapping: {options.mapping}")
            read_options = ReadOptions(
                options.sheet, options.id_pattern, options.date_format, mapping
            )
        drafts = []
        for grid, kind in sheets:
            result = read_sheet(grid, kind, read_options, options.file.name)
            self.problems.extend(result.problems)
            self.notices.extend(result.notices)
            drafts.extend(result.drafts)
        return drafts

    def plan(self, drafts: list[Any]) -> None:
        from vpsec.load.yamlread import YamlProblem, parse_documents
        from vpsec.models import KINDS
        from vpsec.models.common import ID_PATTERN
        from vpsec.sheets.importer import Problem, validation_problems
        from vpsec.sheets.yamlwrite import record_yaml

        existing = self.opened.records()
        documents = dict(self.opened.documents())
        seen: dict[str, Any] = {}
        for draft in drafts:
            model = KINDS[draft.kind]
            where = draft.sources[("id",)].where if ("id",) in draft.sources else draft.first
            if draft.id in seen:
                self.problems.append(
                    Problem(where, f"id `{draft.id}` is also used at {seen[draft.id].first}")
                )
                continue
            seen[draft.id] = draft
            raw = draft.raw
            old_bytes: bytes | None = None
            old_model = None
            if draft.id in existing:
                rel, old_value = existing[draft.id]
                parsed = documents.get(rel)
                if not self.options.update:
                    self.problems.append(
                        Problem(
                            where,
                            f"id `{draft.id}` is already used by {rel}; pass --update to "
                            "change that record",
                        )
                    )
                    continue
                if old_value.get("kind") != draft.kind:
                    self.problems.append(
                        Problem(where, f"id `{draft.id}` is a {old_value.get('kind')} in {rel}")
                    )
                    continue
                if not isinstance(parsed, list) or len(parsed) != 1:
                    self.problems.append(
                        Problem(
                            where,
                            f"{rel} holds several records; --update changes only files "
                            "that hold one record",
                        )
                    )
                    continue
                raw = merge_update(old_value, draft.raw, draft.covered)
                try:
                    old_bytes = (self.root / rel).read_bytes()
                except OSError as error:
                    raise OutputError(f"{rel}: cannot be read ({error.strerror})") from None
                old_model = _validated(model, old_value)
            elif re.fullmatch(ID_PATTERN, draft.id):
                rel = f"{model.INFO.folder}/{draft.id}.yaml"
                if (self.root / rel).exists() or rel in documents:
                    self.problems.append(
                        Problem(where, f"{rel} already exists; vpsec never overwrites it")
                    )
                    continue
                if not self.opened.record_filter.accepts(rel):
                    self.problems.append(
                        Problem(where, f"{rel} would not be read: vpsec.yaml excludes it")
                    )
                    continue
            else:
                rel = f"{model.INFO.folder}/(invalid id).yaml"
            text = record_yaml(raw, _modeline(self.root, rel, draft.kind))
            try:
                (document,) = parse_documents(text)
            except (YamlProblem, ValueError) as error:  # the writer's bug, said as one
                raise VpsecError(
                    f"internal error: the YAML written for {draft.id} does not read back ({error})"
                ) from None
            problems = validation_problems(draft, document.value, model)
            self.problems.extend(problems)
            if not problems:
                new_model = model.model_validate(document.value)
                if old_model is not None and old_model == new_model:
                    self.unchanged.append(rel)
                    continue
                self.plans.append(_Plan(rel, text, draft, new_model, old_bytes, old_model))

    def check_together(self) -> None:
        """The loader's verdict on the workspace with the new records (ids, references)."""
        from vpsec.load.workspace import build_workspace
        from vpsec.load.yamlread import parse_documents
        from vpsec.sheets.importer import finding_problem

        if not self.plans:
            return
        ours = {plan.rel: plan for plan in self.plans}
        documents = dict(self.opened.documents())
        for plan in self.plans:
            documents[plan.rel] = parse_documents(plan.text)
        _, findings = build_workspace(self.root, self.opened.config, sorted(documents.items()))
        for finding in findings:
            mine = ours.get(finding.path)
            if mine is not None:
                message = finding.message.split(": ", 1)[-1]
                self.problems.append(finding_problem(mine.draft, message, finding.field))

    def write(self) -> None:
        done: list[tuple[Path, bytes | None]] = []
        made: list[Path] = []
        try:
            for plan in self.plans:
                path = self.root / plan.rel
                refuse_links(self.root, plan.rel)
                folder = path.parent
                if not folder.exists():
                    folder.mkdir(parents=True)
                    made.append(folder)
                if plan.old_bytes is None:
                    write_atomic(path, plan.text, overwrite=False)
                else:
                    if path.read_bytes() != plan.old_bytes:
                        raise OutputError(f"{plan.rel}: changed while importing")
                    write_atomic(path, plan.text)
                done.append((path, plan.old_bytes))
        except BaseException:
            # All or nothing: what was written is taken back, even on an interrupt.
            for path, old in reversed(done):
                with contextlib.suppress(OSError, VpsecError):
                    if old is None:
                        path.unlink()
                    else:
                        write_atomic(path, old)
            for folder in reversed(made):
                with contextlib.suppress(OSError):
                    folder.rmdir()
            raise


def _validated(model: Any, value: Any) -> Any:
    from pydantic import ValidationError

    try:
        return model.model_validate(value)
    except ValidationError:
        return None


def import_records(options: ImportOptions) -> int:
    """`vpsec import`: check every row, then write every record or none; 1 on problems."""
    from vpsec.load.cache import Cache
    from vpsec.load.source import open_workspace

    root = find_root(options.path)
    cache = Cache.open(root)
    opened = open_workspace(root, cache)
    job = _Import(root, opened, options)
    # Every record is checked, and with the workspace, even when others have problems:
    # the user sees every problem at once.
    job.plan(job.read())
    job.check_together()
    cache.save()
    for notice in job.notices:
        _say(f"vpsec: {notice}")
    if job.problems:
        for problem in job.problems:
            _say(str(problem))
        _say(f"{count(len(job.problems), 'problem')}; nothing was written.")
        return 1
    verb = "would " if options.dry_run else ""
    lines = []
    for plan in job.plans:
        if plan.is_update:
            lines.append(f"{verb}update {plan.rel}:")
            lines.extend(f"  {change}" for change in changes(plan.old_model, plan.model))
        else:
            lines.append(f"{verb}create {plan.rel}")
    for rel in job.unchanged:
        lines.append(f"unchanged {rel}")
    if not options.dry_run:
        job.write()
    created = sum(1 for p in job.plans if not p.is_update)
    updated = len(job.plans) - created
    if options.dry_run:
        summary = f"Dry run, nothing written: {created} to create, {updated} to update"
    else:
        summary = f"{options.file.name}: {created} created, {updated} updated"
    if job.unchanged:
        summary += f", {len(job.unchanged)} unchanged"
    emit("\n".join([*lines, summary]) + "\n", None)
    return 0


__all__ = ["ExportOptions", "ImportOptions", "changes", "export", "import_records", "merge_update"]
