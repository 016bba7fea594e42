"""Global options, set once by the top-level callback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class GlobalState:
    debug: bool = False
    color: bool = False


STATE = GlobalState()
