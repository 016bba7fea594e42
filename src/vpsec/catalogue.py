"""The rule catalogue: every rule's metadata, read from catalogue.yaml."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from ruamel.yaml.cyaml import CSafeLoader

from vpsec.findings import RuleInfo, Severity


class UnknownRule(KeyError):
    """A rule code that is not in the catalogue."""


def _read_yaml(name: str) -> Any:
    # libyaml through ruamel's C loader, not vpsec.load: the loader reports
    # V-codes titled from this catalogue, so reading the catalogue with it would
    # tie the two into an import cycle. The files are our own and trusted, no
    # position is needed, and libyaml's composer with ruamel's safe constructor
    # reads catalogue.yaml as fast as the loader's parser does (about 6 ms).
    text = resources.files("vpsec").joinpath(name).read_text(encoding="utf-8")
    loader = CSafeLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


@cache
def _catalogue() -> dict[str, Any]:
    data: dict[str, Any] = _read_yaml("catalogue.yaml")
    return data


def version() -> str:
    """The version of the rule catalogue ("1.1"), shown by `vpsec rules` and docs/rules.md."""
    return str(_catalogue()["version"])


@cache
def _entries() -> dict[str, RuleInfo]:
    raw: list[dict[str, Any]] = _catalogue()["rules"]
    return {
        entry["code"]: RuleInfo(
            code=entry["code"],
            name=entry["name"],
            title=entry["title"],
            severity=Severity(entry["severity"]),
            applies_to=entry["applies_to"],
            section=entry.get("section") or "",
            sources=tuple(entry.get("sources") or ()),
            checks=_text(entry.get("checks")),
            rationale=_text(entry.get("rationale")),
            fix=_text(entry.get("fix")),
            example=str(entry.get("example") or ""),
            recommendation=_text(entry.get("recommendation")),
            since=str(entry.get("since") or "1.0"),
            changed=_text(entry.get("changed")),
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
    raw: dict[str, dict[str, Any]] = _read_yaml("settings.yaml")
    return {name: spec["default"] for name, spec in raw.items()}
