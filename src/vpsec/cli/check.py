"""`vpsec validate`, `vpsec assess` and `vpsec rules`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vpsec.cli.help import examples
from vpsec.cli.state import STATE
from vpsec.findings import RunResult
from vpsec.render import format_help

if TYPE_CHECKING:
    from vpsec.app import CheckOptions

PathArg = Annotated[
    Path | None,
    typer.Argument(
        metavar="PATH",
        help="The workspace folder, or a folder inside it (default: the current folder).",
    ),
]
Workspace = Annotated[
    Path | None,
    typer.Option("--workspace", "-w", metavar="DIR", help="The workspace folder (same as PATH)."),
]
AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        help="The day the rules judge dates against, as YYYY-MM-DD (default: today).",
    ),
]
Format = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help=f"How to write the findings: {format_help(RunResult).rstrip('.')} (default: text).",
        show_default=False,
    ),
]
Output = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to FILE instead of the terminal (whole or not at all).",
    ),
]
Select = Annotated[
    str | None,
    typer.Option(
        "--select",
        metavar="CODES",
        help="Run only these rules: codes or prefixes, comma-separated, e.g. TRF,DEP001 "
        "(instead of rules.select in vpsec.yaml).",
    ),
]
ExtendSelect = Annotated[
    str | None,
    typer.Option(
        "--extend-select",
        metavar="CODES",
        help="Run these rules too, on top of rules.select.",
    ),
]
Ignore = Annotated[
    str | None,
    typer.Option("--ignore", metavar="CODES", help="Skip these rules, on top of rules.ignore."),
]
FailOn = Annotated[
    str,
    typer.Option(
        "--fail-on",
        metavar="LEVEL",
        help="Exit 1 when a finding is at least this severe: error, warning, info or never "
        "(default: error).",
        show_default=False,
    ),
]
Site = Annotated[
    str | None,
    typer.Option(
        "--site", metavar="SITE", help="Only the findings about this site (its id) and its records."
    ),
]
Statistics = Annotated[
    bool,
    typer.Option("--statistics", help="Count the findings of each rule instead of listing them."),
]
SarifIncludeWaived = Annotated[
    bool,
    typer.Option(
        "--sarif-include-waived",
        help="With --format sarif: also list waived findings, as suppressed results "
        "(GitHub shows them open).",
    ),
]
NoCache = Annotated[
    bool,
    typer.Option("--no-cache", help="Read every file again: neither use nor update .vpsec/cache."),
]
Audience = Annotated[
    str,
    typer.Option(
        "--audience",
        metavar="AUDIENCE",
        help="internal (default), or public: no names, no restricted, invalid or undisclosed "
        "records (with --format markdown, sarif or github).",
        show_default=False,
    ),
]


def _options(
    path: Path | None,
    workspace: Path | None,
    *,
    as_of: str | None,
    format: str,
    output: Path | None,
    fail_on: str,
    site: str | None,
    statistics: bool,
    no_cache: bool,
    select: str | None = None,
    extend_select: str | None = None,
    ignore: str | None = None,
    sarif_include_waived: bool = False,
    audience: str = "internal",
) -> CheckOptions:
    from vpsec import app as use_cases

    return use_cases.CheckOptions(
        path=path or workspace or Path.cwd(),
        as_of=use_cases.parse_day(as_of),
        format=format,
        output=output,
        select=use_cases.parse_codes(select) if select is not None else None,
        extend_select=use_cases.parse_codes(extend_select),
        ignore=use_cases.parse_codes(ignore),
        fail_on=fail_on,
        site=site,
        statistics=statistics,
        color=STATE.color,
        use_cache=not no_cache,
        sarif_include_waived=sarif_include_waived,
        audience=audience,
    )


def register(app: typer.Typer) -> None:
    @app.command(
        epilog=examples(
            ("The workspace around the current folder", "vpsec validate"),
            ("For a CI job: GitHub annotations", "vpsec validate --format github"),
            (
                "Machine-readable, into a file",
                "vpsec validate path/to/workspace --format json -o validation.json",
            ),
        )
    )
    def validate(
        path: PathArg = None,
        workspace: Workspace = None,
        as_of: AsOf = None,
        format: Format = "text",
        output: Output = None,
        fail_on: FailOn = "error",
        site: Site = None,
        statistics: Statistics = False,
        no_cache: NoCache = False,
    ) -> None:
        """Check the records' format: schemas, ids and references.

        Only the validation rules (V codes) run: each record must match its kind's
        schema, ids must be unique and references must name a record of the right
        kind. Exit 1 when a finding is at or above --fail-on, 2 when vpsec could not run.
        """
        from vpsec import app as use_cases

        options = _options(
            path,
            workspace,
            as_of=as_of,
            format=format,
            output=output,
            fail_on=fail_on,
            site=site,
            statistics=statistics,
            no_cache=no_cache,
        )
        raise typer.Exit(use_cases.check(options, use_cases.Command.VALIDATE))

    @app.command(
        epilog=examples(
            ("Every finding, grouped by site", "vpsec assess"),
            ("As things stood on a given day", "vpsec assess --as-of 2026-11-27"),
            (
                "One site's transfers and deployments",
                "vpsec assess --site kamituga --select TRF,DEP",
            ),
            ("For GitHub code scanning", "vpsec assess --format sarif -o vpsec.sarif"),
        )
    )
    def assess(
        path: PathArg = None,
        workspace: Workspace = None,
        as_of: AsOf = None,
        format: Format = "text",
        output: Output = None,
        select: Select = None,
        extend_select: ExtendSelect = None,
        ignore: Ignore = None,
        fail_on: FailOn = "error",
        site: Site = None,
        statistics: Statistics = False,
        no_cache: NoCache = False,
        sarif_include_waived: SarifIncludeWaived = False,
        audience: Audience = "internal",
    ) -> None:
        """Check the records against every good-practice rule.

        Validates first (as `vpsec validate`), then runs the rules selected in
        vpsec.yaml or with --select. Exit 1 when a finding is at or above --fail-on,
        2 when vpsec could not run.
        """
        from vpsec import app as use_cases

        options = _options(
            path,
            workspace,
            as_of=as_of,
            format=format,
            output=output,
            fail_on=fail_on,
            site=site,
            statistics=statistics,
            no_cache=no_cache,
            select=select,
            extend_select=extend_select,
            ignore=ignore,
            sarif_include_waived=sarif_include_waived,
            audience=audience,
        )
        raise typer.Exit(use_cases.check(options, use_cases.Command.ASSESS))

    @app.command(
        epilog=examples(
            ("Every rule: code, severity, title", "vpsec rules"),
            ("One rule: the practice, its sources, how to fix it", "vpsec rules TRF001"),
        )
    )
    def rules(
        code: Annotated[
            str | None,
            typer.Argument(metavar="CODE", help="A rule code to explain, e.g. TRF001."),
        ] = None,
    ) -> None:
        """List the rules, or explain one."""
        from vpsec.app.rules import rules as run

        raise typer.Exit(run(code, STATE.color))
