"""`vpsec decide`, `vpsec log`, `vpsec audit` and `vpsec diff`: the commands that read git."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vpsec.render import format_help
from vpsec.results import AuditResult, DiffResult, LogResult

Workspace = Annotated[Path | None, typer.Option("--workspace", "-w", help="The workspace folder.")]


def register(app: typer.Typer) -> None:
    @app.command()
    def decide(
        text: Annotated[str, typer.Argument(help="The decision, in one sentence or more.")],
        made_by: Annotated[str, typer.Option("--by", help="Who made the decision.")],
        meeting: Annotated[
            str | None, typer.Option("--meeting", help="The Meeting where it was made.")
        ] = None,
        record: Annotated[
            list[str] | None,
            typer.Option("--record", help="A record the decision concerns (repeatable)."),
        ] = None,
        rationale: Annotated[str | None, typer.Option("--rationale", help="Why.")] = None,
        supersedes: Annotated[
            str | None, typer.Option("--supersedes", help="The Decision this one replaces.")
        ] = None,
        workspace: Workspace = None,
    ) -> None:
        """Record a decision: write a Decision file and commit exactly that file."""
        from vpsec.app.decisions import DecideOptions
        from vpsec.app.decisions import decide as run

        options = DecideOptions(
            text=text,
            made_by=made_by,
            meeting=meeting,
            records=tuple(record or ()),
            rationale=rationale,
            supersedes=supersedes,
            start=workspace or Path.cwd(),
        )
        raise typer.Exit(run(options))

    @app.command()
    def log(
        since: Annotated[
            str | None,
            typer.Option("--since", help="Only decisions committed on or after DATE."),
        ] = None,
        format: Annotated[
            str, typer.Option("--format", "-f", help=format_help(LogResult))
        ] = "text",
        workspace: Workspace = None,
    ) -> None:
        """The decision log, read from git history."""
        from vpsec.app import parse_day
        from vpsec.app.decisions import LogOptions
        from vpsec.app.decisions import log as run

        day = parse_day(since, "--since")
        raise typer.Exit(run(LogOptions(workspace or Path.cwd(), day, format)))

    @app.command()
    def audit(
        format: Annotated[
            str, typer.Option("--format", "-f", help=format_help(AuditResult))
        ] = "text",
        require_signed: Annotated[
            bool,
            typer.Option(
                "--require-signed", help="Decision commits must carry a verified signature."
            ),
        ] = False,
        since_commit: Annotated[
            str | None,
            typer.Option(
                "--since-commit", help="A known-good commit: examine only the commits after it."
            ),
        ] = None,
        workspace: Workspace = None,
    ) -> None:
        """Verify the audit trail: no committed decision was modified, renamed or deleted."""
        from vpsec.app.decisions import AuditOptions
        from vpsec.app.decisions import audit as run

        options = AuditOptions(workspace or Path.cwd(), format, require_signed, since_commit)
        raise typer.Exit(run(options))

    @app.command()
    def diff(
        base: Annotated[str, typer.Argument(help="The revision to compare from.")],
        head: Annotated[
            str | None,
            typer.Argument(help="The revision to compare to (default: the working tree)."),
        ] = None,
        format: Annotated[
            str, typer.Option("--format", "-f", help=format_help(DiffResult))
        ] = "text",
        as_of: Annotated[
            str | None,
            typer.Option("--as-of", help="Date all rules compare with (YYYY-MM-DD)."),
        ] = None,
        output: Annotated[
            Path | None,
            typer.Option("--output", "-o", help="Write to FILE (atomically) instead of stdout."),
        ] = None,
        fail_on: Annotated[
            str, typer.Option("--fail-on", help="error, warning, info or never.")
        ] = "error",
        workspace: Workspace = None,
    ) -> None:
        """Records and findings a change adds, changes and removes, for pull-request review."""
        from vpsec.app import parse_day
        from vpsec.app.diff import DiffOptions
        from vpsec.app.diff import diff as run

        options = DiffOptions(
            base=base,
            head=head,
            format=format,
            as_of=parse_day(as_of),
            output=output,
            fail_on=fail_on,
            start=workspace or Path.cwd(),
        )
        raise typer.Exit(run(options))
