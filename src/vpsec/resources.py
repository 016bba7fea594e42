"""Where the files shipped with vpsec live: in the installed wheel, or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
# In a wheel, pyproject's force-include puts the top-level folders under vpsec/_data.
_INSTALLED = _PACKAGE / "_data"
_CHECKOUT = _PACKAGE.parent.parent


def data_dir(name: str) -> Path:
    """The shipped folder `schemas`, `templates` or `example`."""
    installed = _INSTALLED / name
    if installed.is_dir():
        return installed
    checkout = _CHECKOUT / ("examples/lakeside-minerals" if name == "example" else name)
    return checkout
