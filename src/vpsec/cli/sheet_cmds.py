"""`vpsec export` and `vpsec import`: registers as spreadsheets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vpsec.cli.help import examples

_KINDS_HELP = (
    "site, deployment, transfer, meeting, risk-assessment, agreement, incident, "
    "consultation, decision (or their folder names)"
)


def register(app: typer.Typer) -> None:
    @app.command(
        epilog=examples(
            ("The Record of Transfer Register, as a workbook", "vpsec export transfer"),
            ("Every register, one sheet per kind", "vpsec export all -o registers.xlsx"),
            ("An empty register to fill in by hand", "vpsec export transfer --template"),
        )
    )
    def export(
        kind: Annotated[
            str, typer.Argument(metavar="KIND", help=f"A kind ({_KINDS_HELP}), or all.")
        ],
        format: Annotated[
            str | None,
            typer.Option(
                "--format",
                "-f",
                metavar="FORMAT",
                help="xlsx (one sheet per kind) or csv (one file per kind).",
            ),
        ] = None,
        output: Annotated[
            Path | None,
            typer.Option(
                "--output",
                "-o",
                metavar="FILE",
                help="The file to write, a folder for csv of all kinds (default: the kind's "
                "folder name with .xlsx, e.g. transfers.xlsx).",
            ),
        ] = None,
        template: Annotated[
            bool,
            typer.Option(
                "--template", help="An empty register with the headers, drop-downs and help."
            ),
        ] = False,
        site: Annotated[
            str | None,
            typer.Option("--site", metavar="SITE", help="Only this site's records (its id)."),
        ] = None,
        as_of: Annotated[
            str | None,
            typer.Option(
                "--as-of",
                metavar="DATE",
                help="The day the findings column is checked at, as YYYY-MM-DD (default: today).",
            ),
        ] = None,
        audience: Annotated[
            str,
            typer.Option(
                "--audience",
                metavar="AUDIENCE",
                help="internal (everything; the default) or public (no names, no restricted).",
                show_default=False,
            ),
        ] = "internal",
        workspace: Annotated[
            Path | None,
            typer.Option(
                "--workspace",
                "-w",
                metavar="DIR",
                help="The workspace folder (default: found from the current folder).",
            ),
        ] = None,
    ) -> None:
        """Write registers as a spreadsheet (xlsx or CSV).

        One row per record (one per item for transfers), with drop-downs and a
        findings column.
        """
        from vpsec.app import parse_day
        from vpsec.app.sheets import ExportOptions
        from vpsec.app.sheets import export as run

        options = ExportOptions(
            kind=kind,
            path=workspace or Path.cwd(),
            format=format,
            output=output,
            site=site,
            as_of=parse_day(as_of),
            audience=audience,
            template=template,
        )
        raise typer.Exit(run(options))

    @app.command(
        "import",
        epilog=examples(
            ("Check a register without writing anything", "vpsec import transfers.xlsx --dry-run"),
            (
                "A CSV of transfers, ids made from the date",
                "vpsec import register.csv --kind transfer --id-pattern 'trf-{date}-{n:03}'",
            ),
            ("Update the records a register already holds", "vpsec import registers.xlsx --update"),
        ),
    )
    def import_(
        file: Annotated[
            Path, typer.Argument(metavar="FILE", help="The register: an .xlsx or .csv file.")
        ],
        kind: Annotated[
            str | None,
            typer.Option(
                "--kind",
                "-k",
                metavar="KIND",
                help=f"What its rows are: {_KINDS_HELP}; all: a sheet per kind.",
            ),
        ] = None,
        sheet: Annotated[
            str | None,
            typer.Option("--sheet", metavar="NAME", help="The sheet to read (xlsx)."),
        ] = None,
        mapping: Annotated[
            Path | None,
            typer.Option(
                "--mapping",
                metavar="FILE",
                help="A YAML file mapping your headers to vpsec's fields.",
            ),
        ] = None,
        id_pattern: Annotated[
            str | None,
            typer.Option(
                "--id-pattern",
                metavar="PATTERN",
                help="Make ids from {id} {n} {row} {date} {year} {site} {prefix}, "
                "e.g. 'trf-{date}-{n:03}'.",
            ),
        ] = None,
        date_format: Annotated[
            str | None,
            typer.Option(
                "--date-format",
                metavar="FORMAT",
                help="How text dates are written, e.g. DD/MM/YYYY.",
            ),
        ] = None,
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Check everything, write nothing, say what.")
        ] = False,
        update: Annotated[
            bool, typer.Option("--update", help="Change existing records with the same id.")
        ] = False,
        workspace: Annotated[
            Path | None,
            typer.Option(
                "--workspace",
                "-w",
                metavar="DIR",
                help="The workspace folder (default: found from the current folder).",
            ),
        ] = None,
    ) -> None:
        """Turn a spreadsheet register's rows into records.

        Every row is checked first; all are written, or none.
        """
        from vpsec.app.sheets import ImportOptions, import_records

        options = ImportOptions(
            file=file,
            kind=kind,
            path=workspace or Path.cwd(),
            sheet=sheet,
            mapping=mapping,
            id_pattern=id_pattern,
            date_format=date_format,
            dry_run=dry_run,
            update=update,
        )
        raise typer.Exit(import_records(options))
