"""`vpsec rules`: the rule catalogue, or one rule explained."""

from __future__ import annotations

from vpsec.output import emit


def rules(code: str | None, color: bool) -> int:
    """Print the catalogue, or the practice, sources and fix of one rule."""
    from vpsec.rules_doc import explain_rule, rules_table

    text = explain_rule(code.upper(), color=color) if code else rules_table(color=color)
    emit(text, None, sanitised=True)
    return 0
