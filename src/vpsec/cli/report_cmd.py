"""`vpsec report`: parse the options and hand them to the report use case."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vpsec.render import format_help
from vpsec.results import ReportResult

# Square brackets are Rich markup in help text: `vpsec\[pdf]` prints as vpsec[pdf].
_FORMAT_HELP = f"{format_help(ReportResult)} The pdf format needs: pip install 'vpsec\\[pdf]'."


def register(app: typer.Typer) -> None:
    @app.command()
    def report(
        name: Annotated[
            str, typer.Argument(help="assessment, transfer-register, site, meeting or your own.")
        ],
        format: Annotated[str, typer.Option("--format", "-f", help=_FORMAT_HELP)] = "md",
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
        paper: Annotated[
            str, typer.Option("--paper", help="Page size when printed or made a PDF: a4 or letter.")
        ] = "a4",
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="Write to FILE (atomically).")
        ] = None,
        workspace: Annotated[
            Path | None, typer.Option("--workspace", "-w", help="The workspace folder.")
        ] = None,
        disclose_unpublished: Annotated[
            str | None,
            typer.Option(
                "--disclose-unpublished",
                metavar="DECISION",
                help="Public: show `published: false` records in full, as the named Decision "
                "authorises (the report names it).",
            ),
        ] = None,
    ) -> None:
        """Fill a report template: built-in or from the workspace's templates/ folder."""
        from vpsec.app import parse_day
        from vpsec.app.report import ReportOptions, report

        options = ReportOptions(
            name=name,
            path=workspace or Path.cwd(),
            format=format,
            audience=audience,
            site=site,
            record=record,
            as_of=parse_day(as_of),
            output=output,
            paper=paper,
            disclose_unpublished=disclose_unpublished,
        )
        raise typer.Exit(report(options))
