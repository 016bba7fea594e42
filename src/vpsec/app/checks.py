"""`vpsec validate` and `vpsec assess`: load, validate, run the rules, render."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path

from vpsec import __version__
from vpsec.app.options import fail_level, repo_prefix
from vpsec.errors import UsageError
from vpsec.findings import Finding, RunResult
from vpsec.load.config import find_root
from vpsec.outcome import RuleSelection
from vpsec.output import display_path, emit


class Command(StrEnum):
    """Which of the two checks runs: validation only, or validation and the rules."""

    VALIDATE = "validate"
    ASSESS = "assess"


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
    # SARIF: list waived findings as suppressed results (left out by default).
    sarif_include_waived: bool = False
    # "public": only what vpsec.withhold lets a public output show (PR-facing formats).
    audience: str = "internal"


# The formats a public run can be posted in; each says what it withheld.
PUBLIC_FORMATS = ("markdown", "sarif", "github")


def _check_selectors(option: str, codes: list[str]) -> None:
    from vpsec import selection

    unknown = selection.unknown_selectors(codes)
    if unknown:
        raise UsageError(
            f"{option}: {', '.join(unknown)} is not a rule code or prefix; `vpsec rules` lists them"
        )


def _rule_selection(
    options: CheckOptions,
    select_default: tuple[str, ...],
    ignore_default: tuple[str, ...],
    as_of: date,
) -> RuleSelection:
    if options.select is not None and not options.select:
        raise UsageError("--select: name at least one rule code or prefix (for example TRF,DEP)")
    _check_selectors("--select", options.select or [])
    _check_selectors("--extend-select", options.extend_select)
    _check_selectors("--ignore", options.ignore)
    select = list(options.select) if options.select is not None else list(select_default)
    return RuleSelection(
        as_of,
        tuple(select + options.extend_select),
        tuple(list(ignore_default) + options.ignore),
    )


def run_check(options: CheckOptions, command: Command | str) -> RunResult:
    """Load and validate the workspace, then (for assess) run the rules.

    The outcome is cached by everything it depends on, so a re-run with
    nothing changed reads no record at all.
    """
    from vpsec import catalogue, selection
    from vpsec.load.cache import Cache, digest, run_key
    from vpsec.load.source import open_workspace
    from vpsec.outcome import Outcome, evaluate
    from vpsec.render import format_names

    command = Command(command)
    if options.format not in format_names(RunResult):
        raise UsageError(f"--format: choose one of {', '.join(format_names(RunResult))}")
    if options.audience not in ("internal", "public"):
        raise UsageError("--audience: choose one of internal, public")
    if options.audience == "public" and options.format not in PUBLIC_FORMATS:
        raise UsageError(
            f"--audience public: choose --format {', '.join(PUBLIC_FORMATS)} "
            "(the outputs that say what they withheld)"
        )
    fail_on = fail_level(options.fail_on)
    as_of = options.as_of or date.today()
    root = find_root(options.path)
    cache = Cache.open(root, enabled=options.use_cache)
    opened = open_workspace(root, cache)
    rules: RuleSelection | None = None
    rules_used: set[str] = set()
    if command is Command.ASSESS:
        rules = _rule_selection(
            options, tuple(opened.config.rules.select), tuple(opened.config.rules.ignore), as_of
        )
        rules_used.update(selection.selected_codes(list(rules.select), list(rules.ignore)))

    key = run_key(
        [
            command.value,
            None if rules is None else [rules.as_of, list(rules.select), list(rules.ignore)],
            digest((root / "vpsec.yaml").read_bytes()),
            opened.fingerprint(),
        ]
    )
    outcome = Outcome.from_data(cache.run(key)) if cache.enabled else None
    if outcome is None:
        outcome = evaluate(opened, rules)
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
    result = RunResult(
        command=command.value,
        version=__version__,
        as_of=as_of,
        workspace=display_path(root),
        records=outcome.records,
        findings=tuple(shown),
        waived=waived,
        rules=tuple(catalogue.rule(code) for code in sorted(rules_used)),
        checked=checked,
        repo_prefix=repo_prefix(root),
        fail_on=fail_on,
    )
    if options.audience == "public":
        from vpsec.withhold import PublicView

        # Built from the records themselves: a public run reads them even when cached.
        return PublicView.of([opened]).run_result(result)
    return result


def check(options: CheckOptions, command: Command | str) -> int:
    """`vpsec validate` / `vpsec assess`: run, render, write, and say how it went."""
    from vpsec.progress import progress
    from vpsec.render import RenderOptions, renderer

    doing = "Validating" if command == Command.VALIDATE else "Assessing"
    with progress(f"{doing} the records"):
        result = run_check(options, command)
    chosen = renderer(RunResult, options.format)
    to_terminal = options.output is None and sys.stdout.isatty()
    render_options = RenderOptions(
        color=options.color and options.output is None,
        width=shutil.get_terminal_size().columns if to_terminal else None,
        statistics=options.statistics,
        include_waived=options.sarif_include_waived,
    )
    emit(chosen.render(result, render_options), options.output, sanitised=chosen.entry.escapes_data)
    chosen.post_render(result, render_options)
    return result.exit_code()
