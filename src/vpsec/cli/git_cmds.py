"""`vpsec decide`, `vpsec log`, `vpsec audit` and `vpsec diff`: the commands that read git."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vpsec.cli.help import examples
from vpsec.render import format_help
from vpsec.results import AuditResult, DiffResult, LogResult

Workspace = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        metavar="DIR",
        help="The workspace folder (default: found from the current folder).",
    ),
]


def _format(result: type, default: str) -> str:
    return f"{format_help(result).rstrip('.')} (default: {default})."


# log and audit for the public: the same withholding as public reports.
HistoryAudience = Annotated[
    str,
    typer.Option(
        "--audience",
        metavar="AUDIENCE",
        help="internal (default), or public: no names, no authors, no restricted, "
        "invalid or undisclosed records.",
        show_default=False,
    ),
]


def register(app: typer.Typer) -> None:
    @app.command(
        epilog=examples(
            (
                "A decision, with who made it",
                'vpsec decide "Pay per diems to officers directly" --by "Head of Security"',
            ),
            (
                "Made at a meeting, about a transfer, with the reason",
                'vpsec decide "Suspend fuel transfers" --by "Country Manager" '
                "--meeting mtg-2026-10-08-kamituga --record trf-2026-004 "
                '--rationale "No signed receipt since March"',
            ),
            (
                "Replacing an earlier decision",
                'vpsec decide "Resume fuel transfers" --by "Country Manager" '
                "--supersedes dec-2026-003",
            ),
        )
    )
    def decide(
        text: Annotated[
            str, typer.Argument(metavar="TEXT", help="The decision, in one sentence or more.")
        ],
        made_by: Annotated[
            str, typer.Option("--by", metavar="NAME", help="Who made the decision (required).")
        ],
        meeting: Annotated[
            str | None,
            typer.Option(
                "--meeting", metavar="ID", help="The id of the Meeting where it was made."
            ),
        ] = None,
        record: Annotated[
            list[str] | None,
            typer.Option(
                "--record",
                metavar="ID",
                help="The id of a record the decision concerns; give it once per record.",
            ),
        ] = None,
        rationale: Annotated[
            str | None, typer.Option("--rationale", metavar="TEXT", help="Why it was decided.")
        ] = None,
        supersedes: Annotated[
            str | None,
            typer.Option(
                "--supersedes", metavar="ID", help="The id of the Decision this one replaces."
            ),
        ] = None,
        workspace: Workspace = None,
    ) -> None:
        """Record a decision and commit it to git.

        Writes a Decision file and commits exactly that file (nothing else that is
        staged), with trailers that `vpsec log` and `vpsec audit` find it by.
        Refuses (exit 2) outside a git repository.
        """
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

    @app.command(
        epilog=examples(
            ("Every decision, newest first", "vpsec log"),
            ("This year's, for a report", "vpsec log --since 2026-01-01 --format markdown"),
            ("For another tool", "vpsec log --format json"),
        )
    )
    def log(
        since: Annotated[
            str | None,
            typer.Option(
                "--since",
                metavar="DATE",
                help="Only decisions committed on or after DATE (YYYY-MM-DD).",
            ),
        ] = None,
        format: Annotated[
            str,
            typer.Option(
                "--format",
                "-f",
                metavar="FORMAT",
                help=_format(LogResult, "text"),
                show_default=False,
            ),
        ] = "text",
        workspace: Workspace = None,
        audience: HistoryAudience = "internal",
    ) -> None:
        """Show the decision log, from git history.

        Each decision, when it was committed and by whom.
        """
        from vpsec.app import parse_day
        from vpsec.app.decisions import LogOptions
        from vpsec.app.decisions import log as run

        day = parse_day(since, "--since")
        options = LogOptions(workspace or Path.cwd(), day, format, audience=audience)
        raise typer.Exit(run(options))

    @app.command(
        epilog=examples(
            ("Was any decision edited or deleted after it was committed?", "vpsec audit"),
            ("Decision commits must be signed too", "vpsec audit --require-signed"),
            (
                "Only what happened since the last audit (its commit)",
                "vpsec audit --since-commit 4f2a9c1",
            ),
        )
    )
    def audit(
        format: Annotated[
            str,
            typer.Option(
                "--format",
                "-f",
                metavar="FORMAT",
                help=_format(AuditResult, "text"),
                show_default=False,
            ),
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
                "--since-commit",
                metavar="COMMIT",
                help="A commit already audited: examine only the commits after it.",
            ),
        ] = None,
        workspace: Workspace = None,
        audience: HistoryAudience = "internal",
    ) -> None:
        """Check that no committed decision was changed later.

        Reads git history: every Decision file was added once and never modified,
        renamed or deleted afterwards. Exit 1 on a breach, naming its commit.
        """
        from vpsec.app.decisions import AuditOptions
        from vpsec.app.decisions import audit as run

        options = AuditOptions(
            workspace or Path.cwd(), format, require_signed, since_commit, audience=audience
        )
        raise typer.Exit(run(options))

    @app.command(
        epilog=examples(
            ("What this branch changes, against main", "vpsec diff main"),
            ("A pull-request comment", "vpsec diff origin/main HEAD --format markdown -o diff.md"),
            ("Between two commits, as JSON", "vpsec diff v1.0 v1.1 --format json"),
        )
    )
    def diff(
        base: Annotated[
            str,
            typer.Argument(
                metavar="BASE", help="The git revision to compare from (a branch, tag or commit)."
            ),
        ],
        head: Annotated[
            str | None,
            typer.Argument(
                metavar="HEAD",
                help="The revision to compare to (default: the files as they are now).",
            ),
        ] = None,
        format: Annotated[
            str,
            typer.Option(
                "--format",
                "-f",
                metavar="FORMAT",
                help=_format(DiffResult, "text"),
                show_default=False,
            ),
        ] = "text",
        as_of: Annotated[
            str | None,
            typer.Option(
                "--as-of",
                metavar="DATE",
                help="The day the rules judge dates against, as YYYY-MM-DD (default: today).",
            ),
        ] = None,
        output: Annotated[
            Path | None,
            typer.Option(
                "--output",
                "-o",
                metavar="FILE",
                help="Write to FILE instead of the terminal (whole or not at all).",
            ),
        ] = None,
        fail_on: Annotated[
            str,
            typer.Option(
                "--fail-on",
                metavar="LEVEL",
                help="Exit 1 when the change introduces a finding at least this severe: error, "
                "warning, info or never (default: error).",
                show_default=False,
            ),
        ] = "error",
        workspace: Workspace = None,
        audience: Annotated[
            str,
            typer.Option(
                "--audience",
                metavar="AUDIENCE",
                help="internal (default), or public: no names, no restricted, invalid or "
                "undisclosed records (with --format markdown).",
                show_default=False,
            ),
        ] = "internal",
    ) -> None:
        """What a change adds and fixes, for pull-request review.

        The records added, changed (field by field) and removed between two
        revisions, and the findings the change introduces and resolves.
        """
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
            audience=audience,
        )
        raise typer.Exit(run(options))
