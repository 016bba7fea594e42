"""The one Markdown escaper, read by GitHub's own renderer (cmark-gfm).

GitHub turns @mentions, #references and bare URLs into links after cmark-gfm
has rendered the HTML, so each case checks the rendered HTML: no link, no
tag from data, and no mention or reference left as one piece of text.
"""

from __future__ import annotations

import re

import pytest

from vpsec.render.markdown_text import (
    WORD_JOINER,
    markdown_code,
    markdown_message,
    markdown_text,
)

cmarkgfm = pytest.importorskip("cmarkgfm", reason="cmarkgfm is in the test extra")

HOSTILE = [
    "@team please look",
    "see #123 and GH-45 and !7",
    "https://evil.example/x and www.evil.example",
    "mail me at someone@example.org",
    "\\[click\\](https://evil.example)",
    "[click](https://evil.example)",
    "![img](https://evil.example/p.png)",
    "<!-- hidden --> visible",
    "<script>alert(1)</script>",
    "&#64;team &lt;b&gt;",
    "a | b | c",
    "# not a heading",
    "- not a list",
    "1. not a list",
    "> not a quote",
    "**bold** _em_ ~~strike~~ `code` $math$",
]


def _html(markdown: str) -> str:
    html: str = cmarkgfm.github_flavored_markdown_to_html(markdown)
    return html


def _cell(markdown: str) -> str:
    return _html(f"| head |\n|---|\n| {markdown} |\n")


def _text_of(html: str) -> str:
    import html as html_module

    return html_module.unescape(re.sub(r"<[^>]+>", "", html))


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("place", ["paragraph", "cell"])
def test_data_renders_as_itself_and_stays_inert(text: str, place: str) -> None:
    escaped = markdown_text(text)
    html = _cell(escaped) if place == "cell" else _html(escaped)
    assert "<a " not in html and "<img" not in html and "<script" not in html
    assert "<!--" not in html and "<strong>" not in html and "<em>" not in html
    assert "<h1>" not in html and "<li>" not in html and "<blockquote>" not in html
    if place == "cell":
        assert html.count("<td>") == 1  # a pipe from data never opens a cell
    shown = _text_of(html.split("<td>")[1] if place == "cell" else html)
    # The reader sees the text as written, with only invisible joiners added...
    assert shown.replace(WORD_JOINER, "").strip() == " ".join(text.split())
    # ...and GitHub sees no mention, reference or URL to link.
    for live in ("@team", "#123", "GH-45", "https://", "www.evil", "@example.org", "!7"):
        assert live not in shown


def test_vpsec_code_spans_render_as_code_and_data_in_them_stays_inside() -> None:
    message = "`recipient.unit` must be text; got `@team | x`"
    html = _cell(markdown_message(message))
    assert "<code>recipient.unit</code>" in html
    assert "<code>@team | x</code>" in html
    assert html.count("<td>") == 1


def test_code_span_fence_is_longer_than_any_backtick_run() -> None:
    assert markdown_code("a`b") == "``a`b``"
    assert markdown_code("`x`") == "`` `x` ``"
    html = _html(markdown_code("a``b"))
    assert "<code>a``b</code>" in html
