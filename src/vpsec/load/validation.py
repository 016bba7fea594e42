"""Findings of the validation rules (V001-V006), titled from the catalogue."""

from __future__ import annotations

from vpsec import catalogue
from vpsec.findings import Finding


def validation_finding(
    code: str,
    message: str,
    path: str,
    position: tuple[int | None, int | None] = (None, None),
    *,
    record: str | None = None,
    kind: str | None = None,
    sites: tuple[str, ...] = (),
    field_name: str | None = None,
) -> Finding:
    """A V-code finding, titled from the catalogue."""
    info = catalogue.rule(code)
    return Finding(
        rule=code,
        severity=info.severity,
        title=info.title,
        message=message,
        path=path,
        line=position[0],
        column=position[1],
        record=record,
        kind=kind,
        site=sites[0] if sites else None,
        sources=info.sources,
        field=field_name,
        sites=sites,
    )
