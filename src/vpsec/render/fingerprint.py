"""Semantic fingerprints: which problem a finding is, independent of its line.

A fingerprint hashes rule, path, record id and field path, never the line or
the message (messages carry day counts that change with --as-of), so an
alert survives edits above it and across days. Findings that share all four
are told apart by their order of occurrence; the first keeps the unsalted
hash, so a new duplicate never renames an existing alert.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from vpsec.findings import Finding


def _key(finding: Finding) -> str:
    # The unit separator cannot occur in YAML ids or paths, so fields cannot blur.
    return "\x1f".join((finding.rule, finding.path, finding.record or "", finding.field or ""))


def fingerprints(findings: Iterable[Finding]) -> list[str]:
    """One stable hex fingerprint per finding, in the order given."""
    seen: dict[str, int] = {}
    out: list[str] = []
    for finding in findings:
        key = _key(finding)
        occurrence = seen.get(key, 0) + 1
        seen[key] = occurrence
        salted = key if occurrence == 1 else f"{key}\x1f{occurrence}"
        out.append(hashlib.sha256(salted.encode("utf-8")).hexdigest())
    return out
