"""Use cases: one function per command, each returning the exit code."""

from __future__ import annotations

import importlib
import shutil
import sys
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from vpsec import __version__
from vpsec.atomic import write_atomic
from vpsec.errors import UsageError
from vpsec.findings import Finding, RunResult, Severity
from vpsec.load.config import find_root, load_config

FAIL_LEVELS = ("error", "warning", "info", "never")


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """What `validate` and `assess` were asked to do."""

    path: Path = Path()
    as_of: date | None = None
    format: str = "text"
    output: Path | None = None
    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: str = "error"
    site: str | None = None
    statistics: bool = False
    color: bool = False
    use_cache: bool = True


def parse_codes(text: str | None) -> list[str]:
    """'TRF, DEP001' -> ['TRF', 'DEP001']."""
    if not text:
        return []
    return [part.strip().upper() for part in text.split(",") if part.strip()]


def parse_day(text: str | None, option: str = "--as-of") -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option}: {text!r} is not a date; write it YYYY-MM-DD") from None


def _fail_level(fail_on: str) -> Severity | None:
    if fail_on not in FAIL_LEVELS:
        raise UsageError(f"--fail-on: choose one of {', '.join(FAIL_LEVELS)}")
    return None if fail_on == "never" else Severity(fail_on)


def _check_selectors(option: str, codes: list[str]) -> None:
    from vpsec import selection

    unknown = selection.unknown_selectors(codes)
    if unknown:
        raise UsageError(
            f"{option}: {', '.join(unknown)} is not a rule code or prefix; `vpsec rules` lists them"
        )


def _display(root: Path) -> str:
    try:
        return root.relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        return str(root)


def emit(text: str, output: Path | None) -> None:
    """Write a command's output to a file (atomically) or to stdout."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_atomic(output, text)


def run_check(options: CheckOptions, command: str) -> RunResult:
    """Load and validate the workspace, then (for assess) run the rules.

    The outcome is cached by everything it depends on, so a re-run with
    nothing changed reads no record at all.
    """
    from vpsec import catalogue, selection
    from vpsec.cache import Cache, digest, run_key
    from vpsec.load.scan import scan_workspace
    from vpsec.outcome import Outcome, evaluate
    from vpsec.render import FORMATS

    if options.format not in FORMATS:
        raise UsageError(f"--format: choose one of {', '.join(FORMATS)}")
    fail_on = _fail_level(options.fail_on)
    as_of = options.as_of or date.today()
    root = find_root(options.path)
    config, config_findings, config_doc = load_config(root)
    rules: tuple[date, list[str], list[str]] | None = None
    rules_used: set[str] = set()
    if command == "assess":
        _check_selectors("--select", options.select or [])
        _check_selectors("--extend-select", options.extend_select)
        _check_selectors("--ignore", options.ignore)
        select = options.select if options.select is not None else list(config.rules.select)
        select = select + options.extend_select
        ignore = list(config.rules.ignore) + options.ignore
        rules = (as_of, select, ignore)
        rules_used.update(selection.selected_codes(select, ignore))

    cache = Cache.open(root, enabled=options.use_cache)
    scan = scan_workspace(root, config, cache)
    key = run_key(
        [
            command,
            rules,
            digest((root / "vpsec.yaml").read_bytes()),
            scan.fingerprint(),
        ]
    )
    outcome = Outcome.from_data(cache.run(key)) if cache.enabled else None
    if outcome is None:
        outcome = evaluate(root, config, config_findings, config_doc, scan, cache, rules)
        cache.remember_run(key, outcome.to_data())
    cache.save()

    shown: list[Finding] = list(outcome.findings)
    waived = outcome.waived
    checked = outcome.checked
    if options.site is not None:
        site = options.site
        if site not in outcome.site_ids:
            raise UsageError(f"--site: no site with id {site!r} in the workspace")
        shown = [f for f in shown if site in f.sites]
        waived = tuple(w for w in waived if site in w.finding.sites)
        # Only that site's records count as checked (JUnit lists them as passing cases).
        checked = tuple(
            (code, tuple(r for r in ids if site in outcome.record_sites.get(r, ())))
            for code, ids in checked
        )
    rules_used.update(f.rule for f in outcome.findings)
    return RunResult(
        command=command,
        version=__version__,
        as_of=as_of,
        workspace=_display(root),
        records=outcome.records,
        findings=tuple(shown),
        waived=waived,
        rules=tuple(catalogue.rule(code) for code in sorted(rules_used)),
        checked=checked,
        repo_prefix=_repo_prefix(root),
        fail_on=fail_on,
    )


def _repo_prefix(root: Path) -> str:
    """The workspace root relative to its git repository ("" at the top, else "a/b/").

    A walk up to the nearest `.git` (a folder, or a file in worktrees and
    submodules) is enough here and keeps git itself out of validate/assess.
    """
    root = root.resolve()
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            relative = root.relative_to(folder).as_posix()
            return "" if relative == "." else f"{relative}/"
    return ""


def check(options: CheckOptions, command: str) -> int:
    """`vpsec validate` / `vpsec assess`: run, render, write, and say how it went."""
    from vpsec.render import RenderOptions, renderer

    result = run_check(options, command)
    render = renderer(options.format)
    to_terminal = options.output is None and sys.stdout.isatty()
    render_options = RenderOptions(
        color=options.color and options.output is None,
        width=shutil.get_terminal_size().columns if to_terminal else None,
        statistics=options.statistics,
    )
    emit(render(result, render_options), options.output)
    # A format may have a side effect beyond its output (github: the step summary).
    post_render = getattr(
        importlib.import_module(f"vpsec.render.{options.format}"), "post_render", None
    )
    if post_render is not None:
        post_render(result, render_options)
    return result.exit_code()


def with_findings(result: RunResult, findings: list[Finding]) -> RunResult:
    return replace(result, findings=tuple(findings))


def init(directory: Path, organisation: str, example: bool) -> int:
    """`vpsec init`: create a workspace and say what was written."""
    from vpsec.scaffold import init_workspace

    written = init_workspace(directory, organisation, example)
    sys.stdout.write(f"Created a vpsec workspace in {directory} ({len(written)} files).\n")
    sys.stdout.write("Next: `vpsec new site` to add your first record, then `vpsec assess`.\n")
    return 0


def new(start: Path, kind: str, record_id: str | None, site: str | None) -> int:
    """`vpsec new KIND`: write a record from its template and print its path."""
    from vpsec.scaffold import new_record

    root = find_root(start)
    path = new_record(root, kind, record_id, site)
    sys.stdout.write(f"{_display(path)}\n")
    return 0


def schema(kind: str | None, output: Path | None) -> int:
    """`vpsec schema`: print one schema, or write them all into a folder."""
    from vpsec.scaffold import write_schemas
    from vpsec.schemas import schema_names, schema_text

    names = schema_names()
    if kind is not None and kind.lower() not in names:
        raise UsageError(f"unknown kind {kind!r}; choose one of {', '.join(names)}")
    if output is not None:
        if kind is None:
            written = write_schemas(output, overwrite=True)
        else:
            output.mkdir(parents=True, exist_ok=True)
            target = output / f"{kind.lower()}.json"
            write_atomic(target, schema_text(kind.lower()))
            written = [target]
        for path in written:
            sys.stdout.write(f"{path}\n")
        return 0
    if kind is None:
        import json

        from vpsec.schemas import schema_for

        emit(json.dumps({n: schema_for(n) for n in names}, indent=2) + "\n", None)
    else:
        emit(schema_text(kind.lower()), None)
    return 0
