"""Fixtures of the renderer tests."""

from __future__ import annotations

import pytest
from render_support import EXAMPLE, assess

from vpsec.findings import RunResult


@pytest.fixture(scope="session")
def example_result() -> RunResult:
    """The example workspace assessed as of 2026-11-27 (its findings change as rules do)."""
    return assess(EXAMPLE)
