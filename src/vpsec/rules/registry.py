"""The explicit registry of rule checks: code -> function, failing loudly on unknown codes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from vpsec import catalogue
from vpsec.load.workspace import LoadedRecord, Workspace


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule fired: on which record (None: the workspace as a whole), about which field."""

    record: LoadedRecord | None
    message: str
    # Dotted path of the field concerned ("receipt.signed"); None points at the record.
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Context:
    """What every check may read: the indexed workspace, the as-of date, the settings."""

    workspace: Workspace
    as_of: date
    settings: dict[str, float]

    def setting(self, name: str) -> float:
        return self.settings[name]


Check = Callable[[Context], Iterable[Hit]]

_CHECKS: dict[str, Check] = {}


def rule(code: str) -> Callable[[Check], Check]:
    """Register check as the function of rule code (which must be in the catalogue)."""
    catalogue.rule(code)

    def register(check: Check) -> Check:
        if code in _CHECKS:
            raise ValueError(f"rule {code} registered twice")
        _CHECKS[code] = check
        return check

    return register


def _load_families() -> None:
    # Importing the family modules registers their checks.
    from vpsec.rules import agr, con, dep, inc, mtg, rsk, sit, trf  # noqa: F401


def check_for(code: str) -> Check:
    """The check of rule code; KeyError (loudly) if none is registered."""
    if not _CHECKS:
        _load_families()
    try:
        return _CHECKS[code]
    except KeyError:
        raise KeyError(f"no check registered for rule {code}") from None


def registered_codes() -> list[str]:
    if not _CHECKS:
        _load_families()
    return sorted(_CHECKS)
