"""vpsec.wording: plurals, counts, lists and labels as a reader expects them."""

from __future__ import annotations

import pytest

from vpsec.wording import count, join_words, label, plural, without_field_names, wrap_words


@pytest.mark.parametrize(
    ("n", "noun", "expected"),
    [
        (0, "finding", "0 findings"),
        (1, "finding", "1 finding"),
        (2, "finding", "2 findings"),
        (1_200, "record", "1,200 records"),
        (2, "box", "2 boxes"),
        (3, "party", "3 parties"),
        (2, "officer-day", "2 officer-days"),
        (2, "speech", "2 speeches"),
    ],
)
def test_count(n: int, noun: str, expected: str) -> None:
    assert count(n, noun) == expected


def test_irregular_plurals_and_verbs_are_given() -> None:
    assert count(2, "person", "people") == "2 people"
    assert count(1, "person", "people") == "1 person"
    assert plural(1, "is", "are") == "is"
    assert plural(4, "is", "are") == "are"


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ([], ""),
        (["a"], "a"),
        (["a", "b"], "a and b"),
        (["a", "b", "c"], "a, b and c"),
    ],
)
def test_join_words(words: list[str], expected: str) -> None:
    assert join_words(words) == expected


def test_join_words_with_or() -> None:
    assert join_words(["md", "html", "pdf"], "or") == "md, html or pdf"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("emergency_reserve", "emergency reserve"),
        ("ihl", "IHL"),
        ("un_code_of_conduct", "UN code of conduct"),
        ("icoca", "ICoCA"),
        (None, ""),
    ],
)
def test_label(value: object, expected: str) -> None:
    assert label(value) == expected


def test_wrap_words_breaks_between_words() -> None:
    assert wrap_words("Kamituga Gold Mine", 30) == ["Kamituga Gold Mine"]
    assert wrap_words("Apurímac Exploration Camp (Proyecto Ccollpa)", 30) == [
        "Apurímac Exploration Camp",
        "(Proyecto Ccollpa)",
    ]


def test_wrap_words_shortens_what_does_not_fit_at_a_word() -> None:
    lines = wrap_words("one two three four five six seven eight nine ten", 12)
    assert lines == ["one two", "three four…"]
    assert all(len(line) <= 12 for line in lines)


def test_wrap_words_cuts_a_word_longer_than_a_line() -> None:
    assert wrap_words("Supercalifragilistic", 10) == ["Supercali…"]
    assert wrap_words("", 10) == []
    assert wrap_words("a b c", 10, lines=1) == ["a b c"]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "has no public information office (`transparency.information_office` is not true)",
            "has no public information office",
        ),
        (
            "lacks the `un_code_of_conduct` clause (UN standards)",
            "lacks the UN code of conduct clause (UN standards)",
        ),
        (
            "but `custody.release_procedure` is not true",
            "but custody release procedure is not true",
        ),
        ("no field names here (none)", "no field names here (none)"),
    ],
)
def test_without_field_names(message: str, expected: str) -> None:
    assert without_field_names(message) == expected
