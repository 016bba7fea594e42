"""Use cases: one function per command, each returning the exit code.

The command line parses its arguments into options and calls one of these;
each loads through vpsec.load, computes a frozen result, renders it through
the registry in vpsec.render and writes it with vpsec.output.
"""

from __future__ import annotations

from vpsec.app.checks import CheckOptions, Command, check, run_check
from vpsec.app.options import FAIL_LEVELS, fail_level, parse_codes, parse_day
from vpsec.app.workspace import init, new, schema

__all__ = [
    "FAIL_LEVELS",
    "CheckOptions",
    "Command",
    "check",
    "fail_level",
    "init",
    "new",
    "parse_codes",
    "parse_day",
    "run_check",
    "schema",
]
