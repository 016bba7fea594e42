"""`vpsec report`: parse the options and hand them to the report use case."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vpsec.cli.help import examples
from vpsec.render import format_help
from vpsec.results import ReportResult

# Help is plain text (vpsec.cli.help): the brackets print as written.
_FORMAT_HELP = (
    f"{format_help(ReportResult).rstrip('.')} (default: md). "
    "pdf needs WeasyPrint: pip install 'vpsec[pdf]'."
)


def register(app: typer.Typer) -> None:
    @app.command(
        epilog=examples(
            (
                "An assessment to hand to a client, as a PDF",
                "vpsec report assessment --format pdf -o assessment.pdf",
            ),
            (
                "The Record of Transfer Register to publish: names replaced by roles",
                "vpsec report transfer-register --audience public --format html -o register.html",
            ),
            (
                "The minutes of one meeting, for distribution",
                "vpsec report meeting --record mtg-2026-10-08-kamituga -o minutes.md",
            ),
        )
    )
    def report(
        name: Annotated[
            str,
            typer.Argument(
                metavar="NAME",
                help="assessment, transfer-register, site, meeting, or a template of the "
                "workspace's templates/ folder.",
            ),
        ],
        format: Annotated[
            str,
            typer.Option("--format", "-f", metavar="FORMAT", help=_FORMAT_HELP, show_default=False),
        ] = "md",
        audience: Annotated[
            str,
            typer.Option(
                "--audience",
                metavar="AUDIENCE",
                help="internal (everything; the default) or public (names replaced by roles, "
                "restricted records left out).",
                show_default=False,
            ),
        ] = "internal",
        site: Annotated[
            str | None,
            typer.Option(
                "--site", metavar="SITE", help="The site's id (the site report needs it)."
            ),
        ] = None,
        record: Annotated[
            str | None,
            typer.Option(
                "--record", metavar="ID", help="The meeting's id (the meeting report needs it)."
            ),
        ] = None,
        as_of: Annotated[
            str | None,
            typer.Option(
                "--as-of", metavar="DATE", help="The report's date, as YYYY-MM-DD (default: today)."
            ),
        ] = None,
        paper: Annotated[
            str,
            typer.Option(
                "--paper",
                metavar="SIZE",
                help="Page size of the PDF, and of the HTML when printed: a4 (default) or letter.",
                show_default=False,
            ),
        ] = "a4",
        output: Annotated[
            Path | None,
            typer.Option(
                "--output",
                "-o",
                metavar="FILE",
                help="Write the report to FILE (whole or not at all) instead of the terminal; "
                "pdf needs it.",
            ),
        ] = None,
        workspace: Annotated[
            Path | None,
            typer.Option(
                "--workspace",
                "-w",
                metavar="DIR",
                help="The workspace folder (default: found from the current folder).",
            ),
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
        """Write a report: assessment, transfer register, site, minutes.

        Fills a built-in template, or one of the workspace's templates/ folder with
        the same name. Exit 0 when written; 1 when some records failed validation
        (the report leaves them out; `vpsec validate` says why); 2 when it could not
        be written.
        """
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
