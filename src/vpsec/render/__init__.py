"""Every output format of every command, behind one registry.

A format is an entry of `_ENTRIES`: the result type it renders, its name on
the command line, a line of help, and where its render function lives. The
render modules are imported only when a format is used, so building the
command line (which reads names and help from here) stays cheap.

A render module provides `render(result, options) -> str | bytes` and may
provide `post_render(result, options)` for a side effect beyond the output
(the GitHub format appends to the step summary).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from vpsec.findings import RunResult
from vpsec.results import AuditResult, DiffResult, LogResult, ReportResult

T = TypeVar("T")
Rendered = str | bytes


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How the output will be shown: colour and width only matter to text."""

    color: bool = False
    width: int | None = None
    statistics: bool = False
    # SARIF only: waived findings as suppressed results (GitHub would show them as open).
    include_waived: bool = False


@dataclass(frozen=True, slots=True)
class FormatEntry:
    """One output format of one result type."""

    result: type[Any]
    name: str
    help: str
    target: str  # "module:function"; the module may also define post_render
    # True when the renderer keeps control characters from data out of its output itself:
    # text escapes them visibly before adding its own colours, JSON and XML by their
    # encoding. Otherwise the terminal sanitiser runs over the whole output.
    escapes_data: bool = False
    binary: bool = False


_ENTRIES: tuple[FormatEntry, ...] = (
    # validate and assess
    FormatEntry(RunResult, "text", "for a terminal", "vpsec.render.text:render", escapes_data=True),
    FormatEntry(
        RunResult, "json", "one JSON document", "vpsec.render.json:render", escapes_data=True
    ),
    FormatEntry(
        RunResult,
        "sarif",
        "SARIF 2.1.0, for code scanning",
        "vpsec.render.sarif:render",
        escapes_data=True,
    ),
    FormatEntry(
        RunResult,
        "junit",
        "JUnit XML, for CI test reports",
        "vpsec.render.junit:render",
        escapes_data=True,
    ),
    FormatEntry(RunResult, "github", "GitHub Actions annotations", "vpsec.render.github:render"),
    FormatEntry(
        RunResult, "gitlab", "GitLab Code Quality", "vpsec.render.gitlab:render", escapes_data=True
    ),
    FormatEntry(RunResult, "markdown", "a Markdown comment", "vpsec.render.markdown:render"),
    # diff
    FormatEntry(
        DiffResult, "text", "for a terminal", "vpsec.render.diff:render_text", escapes_data=True
    ),
    FormatEntry(
        DiffResult, "markdown", "a pull-request comment", "vpsec.render.diff:render_markdown"
    ),
    FormatEntry(
        DiffResult, "json", "one JSON document", "vpsec.render.diff:render_json", escapes_data=True
    ),
    # log
    FormatEntry(LogResult, "text", "for a terminal", "vpsec.render.log:render_text"),
    FormatEntry(
        LogResult, "json", "one JSON document", "vpsec.render.log:render_json", escapes_data=True
    ),
    FormatEntry(LogResult, "markdown", "a Markdown table", "vpsec.render.log:render_markdown"),
    # audit
    FormatEntry(AuditResult, "text", "for a terminal", "vpsec.render.audit:render_text"),
    FormatEntry(
        AuditResult,
        "json",
        "one JSON document",
        "vpsec.render.audit:render_json",
        escapes_data=True,
    ),
    # report
    FormatEntry(ReportResult, "md", "Markdown", "vpsec.render.report:render_markdown"),
    FormatEntry(ReportResult, "html", "a web page", "vpsec.render.report:render_html"),
    FormatEntry(
        ReportResult,
        "pdf",
        "a PDF (needs the pdf extra: pip install 'vpsec[pdf]')",
        "vpsec.render.report:render_pdf",
        binary=True,
    ),
)


def entries(result: type[Any]) -> tuple[FormatEntry, ...]:
    """The formats of a result type, in the order the help lists them."""
    return tuple(entry for entry in _ENTRIES if entry.result is result)


def format_names(result: type[Any]) -> tuple[str, ...]:
    return tuple(entry.name for entry in entries(result))


def format_help(result: type[Any]) -> str:
    """'text, json or markdown.' for --format's help (docs/ci.md describes each format)."""
    names = format_names(result)
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f"{listed}."


def entry(result: type[Any], name: str) -> FormatEntry:
    """The entry of a format; ValueError naming the choices for one that does not exist."""
    for candidate in entries(result):
        if candidate.name == name:
            return candidate
    raise ValueError(f"choose one of {', '.join(format_names(result))}")


class Renderer(Generic[T]):
    """A format's render function and its optional post-render hook."""

    __slots__ = ("_post", "_render", "entry")

    def __init__(self, format_entry: FormatEntry) -> None:
        module_name, function = format_entry.target.split(":")
        module = importlib.import_module(module_name)
        self.entry = format_entry
        self._render: Callable[[T, RenderOptions], Rendered] = getattr(module, function)
        self._post: Callable[[T, RenderOptions], None] | None = getattr(module, "post_render", None)

    def render(self, result: T, options: RenderOptions) -> Rendered:
        return self._render(result, options)

    def post_render(self, result: T, options: RenderOptions) -> None:
        if self._post is not None:
            self._post(result, options)


def renderer(result: type[T], name: str) -> Renderer[T]:
    """The renderer of `name` for results of type `result` (ValueError for an unknown one)."""
    return cast(Renderer[T], Renderer(entry(result, name)))


__all__ = [
    "FormatEntry",
    "RenderOptions",
    "Rendered",
    "Renderer",
    "entries",
    "entry",
    "format_help",
    "format_names",
    "renderer",
]
