"""The one Markdown escaper: data as literal text in a comment, a table cell or a report.

Markdown outputs are posted where they act: on GitHub and GitLab an
`@team` notifies people, `#12` links an issue, a bare URL becomes a link
and `<!-- -->` hides text. Backslash escapes are not enough for those:
cmark-gfm turns `\\#12` back into `#12` before GitHub links references, and
`&#64;team` back into `@team`. So mentions, references and autolinks are
broken with an invisible WORD JOINER (U+2060), which renders as nothing and
leaves the text as it reads; everything else that is Markdown syntax is
backslash-escaped, and `&` and `<` become entities.

`markdown_message` renders vpsec's own `code spans` (field names in rule
messages) as code, and escapes the text between them.
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"

# Inline syntax anywhere in a line: emphasis, code, link and image brackets (without
# them parentheses and "!" are inert), table cells,
# strikethrough, math, and the backslash itself.
_INLINE = re.compile(r"([\\`*_\[\]|~$])")
# What opens a block at the start of a line: headings, lists, quotes, thematic breaks.
_BLOCK_START = re.compile(r"^(\s*)([#+\-=>]|\d+(?=[.)]))")
# What GitHub and GitLab turn into links or notifications after Markdown is rendered.
_MENTION = re.compile(r"([@#!])(?=[\w\-])")
_GH_REF = re.compile(r"\b(GH-)(?=\d)", re.IGNORECASE)
_AUTOLINK = re.compile(r"\b(https?|ftp|mailto)(:)|\b(www)(\.)", re.IGNORECASE)
_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def _inert(text: str) -> str:
    """Break mentions, issue references and autolinks with an invisible joiner."""
    text = _MENTION.sub(lambda m: m.group(1) + WORD_JOINER, text)
    text = _GH_REF.sub(lambda m: m.group(1) + WORD_JOINER, text)
    return _AUTOLINK.sub(
        lambda m: (m.group(1) or m.group(3)) + WORD_JOINER + (m.group(2) or m.group(4)), text
    )


def _escape_inline(text: str) -> str:
    text = _inert(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _INLINE.sub(r"\\\1", text)


def _block_safe(text: str) -> str:
    """ "# x", "- x", "1. x" would open a heading or a list where the text starts a line."""

    def neutral(match: re.Match[str]) -> str:
        lead, mark = match.group(1), match.group(2)
        if mark[0].isdigit():  # "1." is escaped at its dot: a backslash before a digit is literal
            return lead + mark + "\\"
        return lead + "\\" + mark

    return _BLOCK_START.sub(neutral, text, count=1)


def markdown_text(value: object) -> str:
    """Data as literal Markdown on one line, safe in a paragraph, a heading or a table cell."""
    if value is None:
        return ""
    text = _escape_inline(" ".join(str(value).split()))
    return _block_safe(text)


def markdown_code(value: object) -> str:
    """Data as one inline code span: shown exactly, never a mention or a link.

    The fence is one backtick longer than any run inside, and `|` is escaped
    because GitHub splits a table row at a pipe even inside a code span.
    """
    text = " ".join(str(value).split())
    if not text:
        return ""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return fence + padded.replace("|", "\\|") + fence


def markdown_message(value: object) -> str:
    """A vpsec message: its `code spans` as code, the text between them escaped."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    out: list[str] = []
    last = 0
    for match in _CODE_SPAN.finditer(text):
        out.append(_escape_inline(text[last : match.start()]))
        out.append(markdown_code(match.group(1)))
        last = match.end()
    out.append(_escape_inline(text[last:]))
    return _block_safe("".join(out))
