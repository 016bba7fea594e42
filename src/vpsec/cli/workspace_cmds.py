"""`vpsec init`, `vpsec new` and `vpsec schema`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vpsec.cli.help import examples

# The kinds as the command line takes them (any case; kebab, snake or CamelCase).
_KINDS = (
    "site, deployment, transfer, meeting, risk-assessment, agreement, incident, consultation "
    "or decision"
)
Workspace = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        metavar="DIR",
        help="The workspace folder (default: found from the current folder).",
    ),
]


def register(app: typer.Typer) -> None:
    @app.command(
        epilog=examples(
            ("A new, empty workspace", 'vpsec init my-workspace --organisation "Acme Gold plc"'),
            (
                "The bundled example, to try vpsec on realistic records",
                "vpsec init demo --example",
            ),
            ("In the current folder (an existing repository is left as it is)", "vpsec init"),
        )
    )
    def init(
        directory: Annotated[
            Path,
            typer.Argument(
                metavar="DIR", help="Where to create the workspace (default: the current folder)."
            ),
        ] = Path(),
        example: Annotated[
            bool,
            typer.Option(
                "--example", help="Start from the bundled example: three sites, realistic records."
            ),
        ] = False,
        organisation: Annotated[
            str | None,
            typer.Option(
                "--organisation",
                metavar="NAME",
                help="The company's name, as reports show it (with --example too).",
            ),
        ] = None,
    ) -> None:
        """Create a workspace, with git, ready for records.

        Writes vpsec.yaml, a folder per kind, the JSON Schemas (for editor
        completion), and a .gitignore; never overwrites a file. Outside a git
        repository it runs `git init` on branch main and commits the workspace.
        """
        from vpsec import app as use_cases

        raise typer.Exit(use_cases.init(directory, organisation, example))

    @app.command(
        epilog=examples(
            ("A site, under an id of your choice", "vpsec new site --id kamituga"),
            ("A transfer at that site (the site must exist)", "vpsec new transfer --site kamituga"),
            (
                "Kinds in any case: risk-assessment, risk_assessment, RiskAssessment",
                "vpsec new risk-assessment --site kamituga",
            ),
        )
    )
    def new(
        kind: Annotated[str, typer.Argument(metavar="KIND", help=f"The kind: {_KINDS}.")],
        record_id: Annotated[
            str | None,
            typer.Option(
                "--id",
                metavar="ID",
                help="The new record's id: lower-case letters, digits, '.', '_' or '-' "
                "(default: made from the kind and today's date).",
            ),
        ] = None,
        site: Annotated[
            str | None,
            typer.Option(
                "--site",
                metavar="SITE",
                help="The id of the site it belongs to; without it the record says TODO-site-id.",
            ),
        ] = None,
        workspace: Workspace = None,
    ) -> None:
        """Write a new record from its kind's template.

        Every required field is there, with a comment on what goes in it; replace
        each TODO (`vpsec validate` lists those left, as V007). Prints the new
        file's path.
        """
        from vpsec import app as use_cases

        raise typer.Exit(use_cases.new(workspace or Path.cwd(), kind, record_id, site))

    @app.command(
        epilog=examples(
            ("Every schema, as files for an editor", "vpsec schema --output schemas"),
            ("One kind's schema, printed", "vpsec schema transfer"),
            ("The schema of vpsec.yaml", "vpsec schema workspace"),
        )
    )
    def schema(
        kind: Annotated[
            str | None,
            typer.Argument(
                metavar="KIND", help=f"One schema: {_KINDS}, or workspace (default: all)."
            ),
        ] = None,
        output: Annotated[
            Path | None,
            typer.Option(
                "--output",
                "-o",
                metavar="DIR",
                help="Write one KIND.json file per schema into DIR instead of printing.",
            ),
        ] = None,
    ) -> None:
        """Print or write the JSON Schemas, for editors.

        The same files as `vpsec init` puts in schemas/; editors that use
        yaml-language-server complete and check records with them.
        """
        from vpsec import app as use_cases

        raise typer.Exit(use_cases.schema(kind, output))
