"""Where vpsec's documentation lives on the web, for links in CI outputs.

One place for the project's public address: SARIF's informationUri and
helpUri and the Markdown rule links are all built here. Rule links are pinned
to the release tag (`v0.1.0`), so an alert always points at the text of the
rule as it was when the alert was raised, and at an anchor equal to the
lower-cased rule code (`#trf001`), as the index of docs/rules.md links them.
"""

from __future__ import annotations

PROJECT_URL = "https://github.com/vpsec/vpsec"


def rule_help_url(code: str, version: str) -> str:
    """The rule's entry in docs/rules.md of the release that raised the finding."""
    return f"{PROJECT_URL}/blob/v{version}/docs/rules.md#{code.lower()}"
