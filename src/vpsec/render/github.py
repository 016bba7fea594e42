"""`--format github`: GitHub Actions workflow commands, one annotation per finding.

Standard output holds workflow commands only. Record text is user input, so
every value is escaped: a newline in a message must never start a command of
its own.

GitHub shows at most 10 error, 10 warning and 10 notice annotations per step
(actions/toolkit, docs/problem-matchers.md, "Limitations") and drops the rest
without a word, so errors come first, each kind stops at its limit, and a last
notice says how many more there are. `post_render` appends the Markdown report
to $GITHUB_STEP_SUMMARY, capped under GitHub's 1 MiB per step.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

from vpsec.errors import OutputError
from vpsec.findings import Finding, RunResult, Severity
from vpsec.render import RenderOptions
from vpsec.render import markdown as markdown_format
from vpsec.render.severity import names

SUMMARY_VARIABLE = "GITHUB_STEP_SUMMARY"
# Annotations GitHub shows per step and kind; more are dropped silently.
ANNOTATIONS_PER_KIND = 10
# "each step is restricted to a maximum size of 1MiB" (GitHub docs, workflow commands,
# "Adding a job summary"): over it, the step's whole summary is dropped.
SUMMARY_LIMIT = 1024 * 1024
SUMMARY_POINTER = (
    "the SARIF log (uploaded to code scanning by the vpsec action, or kept as this run's "
    "artefact), or `vpsec assess --format text` on this revision"
)


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


def annotated(result: RunResult) -> tuple[list[Finding], Counter[Severity]]:
    """The findings to annotate, errors first, within GitHub's limits; and the rest, counted.

    Our own notices take notice slots too: the public run's statement of what it
    withheld, and, when anything overflows, the line about the rest.
    """
    ordered = sorted(result.findings, key=lambda f: -f.severity.rank)
    shown: list[Finding] = []
    # The public notice is counted as a notice already shown.
    used: Counter[Severity] = Counter({Severity.INFO: 1 if result.notices else 0})
    rest: Counter[Severity] = Counter()
    for finding in ordered:
        if used[finding.severity] < ANNOTATIONS_PER_KIND:
            used[finding.severity] += 1
            shown.append(finding)
        else:
            rest[finding.severity] += 1
    notices_shown = any(f.severity is Severity.INFO for f in shown)
    if rest and used[Severity.INFO] == ANNOTATIONS_PER_KIND and notices_shown:
        last_notice = max(i for i, f in enumerate(shown) if f.severity is Severity.INFO)
        shown.pop(last_notice)
        rest[Severity.INFO] += 1
    return shown, rest


def _rest_notice(rest: Counter[Severity]) -> str:
    words = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    parts = [f"{rest[s]} {words[s]}{'' if rest[s] == 1 else 's'}" for s in Severity if rest[s]]
    total = sum(rest.values())
    where = (
        "they are listed in the job summary"
        if os.environ.get(SUMMARY_VARIABLE)
        else "`vpsec assess --format text` lists them all"
    )
    message = (
        f"{total} more finding{'' if total == 1 else 's'} not annotated ({', '.join(parts)}): "
        f"GitHub shows at most {ANNOTATIONS_PER_KIND} annotations of each kind per step; {where}."
    )
    return f"::notice title={escape_property('vpsec')}::{escape_data(message)}"


def render(result: RunResult, options: RenderOptions) -> str:
    """Workflow commands, errors first and within GitHub's limits, then a line on the rest.

    Waived findings are left to the step summary.
    """
    shown, rest = annotated(result)
    # A public run (--audience public) says first, in one notice, what it withheld.
    notice = f"::notice title=vpsec (public)::{escape_data(' '.join(result.notices))}"
    lines = ([notice] if result.notices else []) + [_command(result, f) for f in shown]
    if rest:
        lines.append(_rest_notice(rest))
    return "".join(f"{line}\n" for line in lines)


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
    try:
        # GitHub hands each step its own file and concatenates them: append, never replace.
        with Path(target).open("a", encoding="utf-8") as summary:
            # What this step wrote before counts towards its limit too.
            room = SUMMARY_LIMIT - os.fstat(summary.fileno()).st_size - 1  # and a newline
            report = markdown_format.render_within(
                result,
                RenderOptions(statistics=options.statistics),
                limit=room,
                measure=markdown_format.utf8_bytes,
                limit_name="GitHub's 1 MiB limit for a step summary",
                pointer=SUMMARY_POINTER,
            )
            summary.write(report + "\n")
    except OSError as error:
        raise OutputError(
            f"cannot write the step summary to ${SUMMARY_VARIABLE} ({target}): {error.strerror}"
        ) from None
