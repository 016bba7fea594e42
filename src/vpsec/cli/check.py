"""`vpsec validate`, `vpsec assess` and `vpsec rules`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from vpsec.cli.state import STATE
from vpsec.findings import RunResult
from vpsec.render import format_help

if TYPE_CHECKING:
    from vpsec.app import CheckOptions

PathArg = Annotated[
    Path | None,
    typer.Argument(help="The workspace folder (default: found from the current folder)."),
]
Workspace = Annotated[Path | None, typer.Option("--workspace", "-w", help="The workspace folder.")]
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="Date all rules compare with (YYYY-MM-DD; default today)."),
]
Format = Annotated[str, typer.Option("--format", "-f", help=format_help(RunResult))]
Output = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to FILE (atomically) instead of stdout."),
]
Select = Annotated[
    str | None, typer.Option("--select", help="Codes or prefixes to run (replaces rules.select).")
]
ExtendSelect = Annotated[
    str | None, typer.Option("--extend-select", help="Codes or prefixes added to rules.select.")
]
Ignore = Annotated[
    str | None, typer.Option("--ignore", help="Codes or prefixes added to rules.ignore.")
]
FailOn = Annotated[str, typer.Option("--fail-on", help="error, warning, info or never.")]
Site = Annotated[
    str | None, typer.Option("--site", help="Only findings about this site and its records.")
]
Statistics = Annotated[
    bool, typer.Option("--statistics", help="Counts per rule instead of the list.")
]
SarifIncludeWaived = Annotated[
    bool,
    typer.Option(
        "--sarif-include-waived",
        help="SARIF: also list waived findings, as suppressed results (GitHub shows them open).",
    ),
]
NoCache = Annotated[
    bool, typer.Option("--no-cache", help="Neither read nor write the cache in .vpsec/cache.")
]
Audience = Annotated[
    str,
    typer.Option(
        "--audience",
        help="internal, or public: no names, no restricted, invalid or undisclosed records "
        "(markdown, sarif, github).",
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
    @app.command()
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
        """Check the records against the format: schemas, ids and references (V codes)."""
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

    @app.command()
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
        """Validate, then check every selected good-practice rule."""
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

    @app.command()
    def rules(
        code: Annotated[str | None, typer.Argument(help="A rule code to explain.")] = None,
    ) -> None:
        """List the rule catalogue, or explain one rule."""
        from vpsec.app.rules import rules as run

        raise typer.Exit(run(code, STATE.color))
