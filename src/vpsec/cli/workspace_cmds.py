"""`vpsec init`, `vpsec new` and `vpsec schema`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def init(
        directory: Annotated[Path, typer.Argument(help="Where to create the workspace.")] = Path(),
        example: Annotated[
            bool, typer.Option("--example", help="Add a small set of realistic records.")
        ] = False,
        organisation: Annotated[
            str, typer.Option("--organisation", help="The company's name.")
        ] = "Example Mining plc",
    ) -> None:
        """Create a workspace: vpsec.yaml, the kind folders, schemas, .gitignore, git init."""
        from vpsec import app as use_cases

        raise typer.Exit(use_cases.init(directory, organisation, example))

    @app.command()
    def new(
        kind: Annotated[
            str,
            typer.Argument(
                help=(
                    "Site, Deployment, Transfer, Meeting, RiskAssessment, Agreement, "
                    "Incident, Consultation or Decision."
                )
            ),
        ],
        record_id: Annotated[str | None, typer.Option("--id", help="The new record's id.")] = None,
        site: Annotated[str | None, typer.Option("--site", help="The site it belongs to.")] = None,
        workspace: Annotated[
            Path | None, typer.Option("--workspace", "-w", help="The workspace folder.")
        ] = None,
    ) -> None:
        """Write a new record from its template and print its path."""
        from vpsec import app as use_cases

        raise typer.Exit(use_cases.new(workspace or Path.cwd(), kind, record_id, site))

    @app.command()
    def schema(
        kind: Annotated[
            str | None, typer.Argument(help="A kind, or `workspace`; all when absent.")
        ] = None,
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="Write <kind>.json files into DIR.")
        ] = None,
    ) -> None:
        """Print or write the JSON Schemas, for editors using yaml-language-server."""
        from vpsec import app as use_cases

        raise typer.Exit(use_cases.schema(kind, output))
