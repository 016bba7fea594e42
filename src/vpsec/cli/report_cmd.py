"""`vpsec report`: parse the options and hand them to vpsec.reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def report(
        name: Annotated[
            str, typer.Argument(help="assessment, transfer-register, site, meeting or your own.")
        ],
        format: Annotated[
            str, typer.Option("--format", "-f", help="md, html or pdf (pdf needs vpsec[pdf]).")
        ] = "md",
        audience: Annotated[
            str,
            typer.Option(
                "--audience", help="internal (everything) or public (no names, no restricted)."
            ),
        ] = "internal",
        site: Annotated[
            str | None, typer.Option("--site", help="The site (the site report needs it).")
        ] = None,
        record: Annotated[
            str | None, typer.Option("--record", help="The meeting (the meeting report needs it).")
        ] = None,
        as_of: Annotated[
            str | None,
            typer.Option("--as-of", help="Date of the report (YYYY-MM-DD; default today)."),
        ] = None,
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="Write to FILE (atomically).")
        ] = None,
        workspace: Annotated[
            Path | None, typer.Option("--workspace", "-w", help="The workspace folder.")
        ] = None,
    ) -> None:
        """Fill a report template: built-in or from the workspace's templates/ folder."""
        from vpsec.app import parse_day
        from vpsec.reports import ReportOptions, run_report

        options = ReportOptions(
            name=name,
            path=workspace or Path.cwd(),
            format=format,
            audience=audience,
            site=site,
            record=record,
            as_of=parse_day(as_of),
            output=output,
        )
        raise typer.Exit(run_report(options))
