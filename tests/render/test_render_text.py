"""`--format text`: built once as strings, wrapped like textwrap, data never drives the terminal."""

from __future__ import annotations

import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st
from render_support import finding, made_result

from vpsec.render import RenderOptions
from vpsec.render.text import _wrap, render

WORDS = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789.,;:-", min_size=1, max_size=30),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(words=WORDS, width=st.integers(min_value=40, max_value=140))
def test_wrap_matches_textwrap(words: list[str], width: int) -> None:
    text = " ".join(words)
    expected = textwrap.fill(
        text,
        width=width,
        initial_indent="      ",
        subsequent_indent="      ",
        break_on_hyphens=False,
    )
    assert "\n".join(_wrap(text, width, "      ")) == (expected or "      ")


def test_wide_characters_wrap_by_cells() -> None:
    lines = _wrap("鉱山 " * 40, 40, "  ")
    assert all(len(line.encode("utf-16-le")) // 2 <= 40 for line in lines)
    from rich.cells import cell_len

    assert all(cell_len(line) <= 40 for line in lines)


def test_escape_sequences_from_data_are_shown_not_sent() -> None:
    hostile = finding(
        message="radios \x1b[2J\x1b]0;owned\x07 handed over\x9b31m, hidden\x1b[8m",
        path="transfers/\x1b[31mred.yaml",
    )
    for color in (False, True):
        text = render(made_result([hostile]), RenderOptions(color=color, width=100))
        assert "\\x1b[2J" in text and "\\x07" in text and "\\x9b" in text
        assert "transfers/\\x1b[31mred.yaml" in text
        # The only escape bytes left are vpsec's own colour codes, and only with colour.
        data_free = text.replace("\x1b[1;31m", "").replace("\x1b[0m", "").replace("\x1b[1m", "")
        assert "\x1b" not in data_free.replace("\x1b[33m", "").replace("\x1b[36m", "")
        assert ("\x1b[1;31m" in text) is color
    plain = render(made_result([hostile]), RenderOptions(color=False))
    assert "\x1b" not in plain and "\x07" not in plain and "\x9b" not in plain
