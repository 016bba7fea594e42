"""Option values every command shares: dates, rule codes, --fail-on, the repository prefix."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from vpsec.errors import UsageError
from vpsec.findings import Severity

FAIL_LEVELS = ("error", "warning", "info", "never")


def parse_codes(text: str | None) -> list[str]:
    """'TRF, DEP001' -> ['TRF', 'DEP001']."""
    if not text:
        return []
    return [part.strip().upper() for part in text.split(",") if part.strip()]


def parse_day(text: str | None, option: str = "--as-of") -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option}: {text!r} is not a date; write it YYYY-MM-DD") from None


def fail_level(fail_on: str) -> Severity | None:
    """The --fail-on level (None: never fail); UsageError for anything else."""
    if fail_on not in FAIL_LEVELS:
        raise UsageError(f"--fail-on: choose one of {', '.join(FAIL_LEVELS)}")
    return None if fail_on == "never" else Severity(fail_on)


def repo_prefix(root: Path) -> str:
    """The workspace root relative to its git repository ("" at the top, else "a/b/").

    A walk up to the nearest `.git` (a folder, or a file in worktrees and
    submodules) is enough here and keeps git itself out of validate/assess.
    """
    root = root.resolve()
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            relative = root.relative_to(folder).as_posix()
            return "" if relative == "." else f"{relative}/"
    return ""
