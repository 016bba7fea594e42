"""Output formats: each a module with `render(result, options) -> str`, picked by name."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Protocol

from vpsec.findings import RunResult

FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab", "markdown")


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How the output will be shown: colour and width only matter to text."""

    color: bool = False
    width: int | None = None
    statistics: bool = False


class Renderer(Protocol):
    def __call__(self, result: RunResult, options: RenderOptions) -> str: ...


def renderer(name: str) -> Renderer:
    """The render function of a format; ValueError for a format that does not exist."""
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}; choose from {', '.join(FORMATS)}")
    module = importlib.import_module(f"vpsec.render.{name}")
    render: Renderer = module.render
    return render
