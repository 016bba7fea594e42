"""Which rules run: ruff-style select and ignore lists of codes and prefixes."""

from __future__ import annotations

from collections.abc import Iterable

from vpsec import catalogue

ALL = "ALL"


def is_selector(entry: str) -> bool:
    """True for ALL, a rule code, or a prefix of at least one code (TRF, TRF00)."""
    if entry == ALL:
        return True
    return any(info.code.startswith(entry) for info in catalogue.all_rules()) and entry != ""


def unknown_selectors(entries: Iterable[str]) -> list[str]:
    return [entry for entry in entries if not is_selector(entry)]


def _match_length(code: str, entries: Iterable[str]) -> int:
    """Length of the longest entry matching code; ALL counts as the shortest (0); -1 if none."""
    best = -1
    for entry in entries:
        if entry == ALL:
            best = max(best, 0)
        elif code.startswith(entry):
            best = max(best, len(entry))
    return best


def is_selected(code: str, select: Iterable[str], ignore: Iterable[str]) -> bool:
    """The longest matching entry of either list decides; on a tie, ignore wins."""
    selected = _match_length(code, select)
    ignored = _match_length(code, ignore)
    if selected < 0:
        return False
    return selected > ignored


def selected_codes(select: list[str], ignore: list[str]) -> list[str]:
    """The non-validation rule codes that run, in catalogue order."""
    return [
        info.code
        for info in catalogue.all_rules()
        if not info.code.startswith("V") and is_selected(info.code, select, ignore)
    ]
