"""`--format github`: GitHub Actions workflow commands, one annotation per finding.

Standard output holds workflow commands only. Record text is user input, so
every value is escaped: a newline in a message must never start a command of
its own. GitHub shows only the first few annotations of a step, so
`post_render` also appends the full Markdown report to $GITHUB_STEP_SUMMARY.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from vpsec.errors import OutputError
from vpsec.findings import Finding, RunResult
from vpsec.render import RenderOptions
from vpsec.render import markdown as markdown_format
from vpsec.render.severity import names

SUMMARY_VARIABLE = "GITHUB_STEP_SUMMARY"


def escape_data(text: str) -> str:
    """A command's message: `%` first, so the escapes themselves stay literal."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (file, title): as data, plus the separators `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(result: RunResult, finding: Finding) -> str:
    properties = [
        ("file", result.repo_path(finding.path)),
        # Findings about a file as a whole are annotated on its first line.
        ("line", str(finding.line or 1)),
        ("col", str(finding.column or 1)),
        ("title", f"vpsec ({finding.rule})"),
    ]
    listed = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    message = f"{finding.title}: {finding.message}"
    return f"::{names(finding.severity).github_command} {listed}::{escape_data(message)}"


def render(result: RunResult, options: RenderOptions) -> str:
    """One workflow command per finding (waived findings are left to the step summary)."""
    return "".join(f"{_command(result, finding)}\n" for finding in result.findings)


def _summary_line(result: RunResult) -> str:
    counts = result.counts()
    return (
        f"vpsec {result.command}: {result.records} records, {counts['error']} errors, "
        f"{counts['warning']} warnings, {counts['info']} notices, {len(result.waived)} waived\n"
    )


def post_render(result: RunResult, options: RenderOptions) -> None:
    """The human part, kept off stdout: a line on stderr and the full table in the step summary."""
    sys.stderr.write(_summary_line(result))
    target = os.environ.get(SUMMARY_VARIABLE)
    if not target:
        return
    report = markdown_format.render(result, RenderOptions(statistics=options.statistics))
    try:
        # GitHub hands each step its own file and concatenates them: append, never replace.
        with Path(target).open("a", encoding="utf-8") as summary:
            summary.write(report + "\n")
    except OSError as error:
        raise OutputError(
            f"cannot write the step summary to ${SUMMARY_VARIABLE} ({target}): {error.strerror}"
        ) from None
