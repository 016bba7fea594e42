"""The rule catalogue: every rule's metadata, read from catalogue.yaml."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from vpsec.findings import RuleInfo, Severity


class UnknownRule(KeyError):
    """A rule code that is not in the catalogue."""


@cache
def _entries() -> dict[str, RuleInfo]:
    from ruamel.yaml import YAML

    text = resources.files("vpsec").joinpath("catalogue.yaml").read_text(encoding="utf-8")
    raw: list[dict[str, Any]] = YAML(typ="safe").load(text)
    return {
        entry["code"]: RuleInfo(
            code=entry["code"],
            name=entry["name"],
            title=entry["title"],
            severity=Severity(entry["severity"]),
            applies_to=entry["applies_to"],
            section=entry.get("section") or "",
            sources=tuple(entry.get("sources") or ()),
            checks=" ".join(str(entry.get("checks") or "").split()),
            rationale=" ".join(str(entry.get("rationale") or "").split()),
            fix=" ".join(str(entry.get("fix") or "").split()),
            example=str(entry.get("example") or ""),
        )
        for entry in raw
    }


def all_rules() -> tuple[RuleInfo, ...]:
    """Every rule, in catalogue order (V, SIT, DEP, TRF, MTG, RSK, AGR, INC, CON, WVR)."""
    return tuple(_entries().values())


def rule(code: str) -> RuleInfo:
    """The catalogue entry for code; fails loudly on a code that does not exist."""
    try:
        return _entries()[code]
    except KeyError:
        raise UnknownRule(code) from None


@cache
def settings_defaults() -> dict[str, float]:
    """Rule settings and their defaults, from settings.yaml."""
    from ruamel.yaml import YAML

    text = resources.files("vpsec").joinpath("settings.yaml").read_text(encoding="utf-8")
    raw: dict[str, dict[str, Any]] = YAML(typ="safe").load(text)
    return {name: spec["default"] for name, spec in raw.items()}
