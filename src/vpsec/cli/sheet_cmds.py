"""`vpsec export` and `vpsec import`: registers as spreadsheets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

_KINDS_HELP = (
    "site, deployment, transfer, meeting, riskassessment, agreement, incident, "
    "consultation, decision (or their folder names)"
)


def register(app: typer.Typer) -> None:
    @app.command()
    def export(
        kind: Annotated[str, typer.Argument(help=f"A kind ({_KINDS_HELP}), or `all`.")],
        format: Annotated[
            str | None,
            typer.Option(
                "--format", "-f", help="xlsx (one sheet per kind) or csv (one file per kind)."
            ),
        ] = None,
        output: Annotated[
            Path | None,
            typer.Option(
                "--output",
                "-o",
                help="The file to write (a folder for csv of all kinds); default <folder>.xlsx.",
            ),
        ] = None,
        template: Annotated[
            bool,
            typer.Option(
                "--template", help="An empty register with the headers, drop-downs and help."
            ),
        ] = False,
        site: Annotated[
            str | None, typer.Option("--site", help="Only this site's records.")
        ] = None,
        as_of: Annotated[
            str | None,
            typer.Option("--as-of", help="Date the findings column is checked at (YYYY-MM-DD)."),
        ] = None,
        audience: Annotated[
            str,
            typer.Option(
                "--audience", help="internal (everything) or public (no names, no restricted)."
            ),
        ] = "internal",
        workspace: Annotated[
            Path | None, typer.Option("--workspace", "-w", help="The workspace folder.")
        ] = None,
    ) -> None:
        """Write registers as a spreadsheet: one row per record, one per item for transfers."""
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

    @app.command("import")
    def import_(
        file: Annotated[Path, typer.Argument(help="The register: .xlsx or .csv.")],
        kind: Annotated[
            str | None,
            typer.Option(
                "--kind", "-k", help=f"What its rows are: {_KINDS_HELP}; `all`: a sheet per kind."
            ),
        ] = None,
        sheet: Annotated[
            str | None, typer.Option("--sheet", help="The sheet to read (xlsx).")
        ] = None,
        mapping: Annotated[
            Path | None,
            typer.Option("--mapping", help="A YAML file mapping your headers to vpsec's fields."),
        ] = None,
        id_pattern: Annotated[
            str | None,
            typer.Option(
                "--id-pattern",
                help="Make ids from {id} {n} {row} {date} {year} {site} {prefix}, "
                "e.g. 'trf-{date}-{n:03}'.",
            ),
        ] = None,
        date_format: Annotated[
            str | None,
            typer.Option("--date-format", help="How text dates are written, e.g. DD/MM/YYYY."),
        ] = None,
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Check everything, write nothing, say what.")
        ] = False,
        update: Annotated[
            bool, typer.Option("--update", help="Change existing records with the same id.")
        ] = False,
        workspace: Annotated[
            Path | None, typer.Option("--workspace", "-w", help="The workspace folder.")
        ] = None,
    ) -> None:
        """Turn a register's rows into records: all checked first, all written or none."""
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
