"""Commit and tree objects parsed from their bytes: delimiters are lengths and NULs only."""

from __future__ import annotations

import pytest

from vpsec.gitobjects import ObjectFormatError, parse_commit, parse_tree, shown, trailers

SHA = "a" * 40
TREE = "b" * 40
PARENT = "c" * 40


def commit_bytes(author: bytes = b"Ann Example", message: bytes = b"Subject\n") -> bytes:
    return (
        b"tree " + TREE.encode() + b"\nparent " + PARENT.encode() + b"\n"
        b"author " + author + b" <ann@example.org> 1767225600 +0130\n"
        b"committer C <c@example.org> 1767229200 -0500\n"
        b"gpgsig -----BEGIN PGP SIGNATURE-----\n \n abc\n -----END PGP SIGNATURE-----\n"
        b"\n" + message
    )


def test_a_commit_is_read_field_by_field() -> None:
    commit = parse_commit(
        SHA, commit_bytes(message=b"Tidy\x1e up\n\nBody\n\nVpsec-Decision: d-1\n")
    )
    assert commit.tree == TREE
    assert commit.parents == (PARENT,)
    assert commit.author.name == "Ann Example"
    assert commit.author.email == "ann@example.org"
    assert commit.author.when.isoformat() == "2026-01-01T01:30:00+01:30"
    assert commit.committer.when.isoformat() == "2025-12-31T20:00:00-05:00"
    assert commit.subject == "Tidy\x1e up"
    assert commit.trailer_values("vpsec-decision") == ["d-1"]


@pytest.mark.parametrize("byte", [bytes([b]) for b in [*range(0x20), 0x7F]] + [b"\xff"])
def test_any_byte_in_a_name_or_message_stays_data(byte: bytes) -> None:
    if byte == b"\n":
        with pytest.raises(ObjectFormatError, match="author"):
            parse_commit(SHA, commit_bytes(author=b"Ev" + byte + b"il"))
        return
    commit = parse_commit(SHA, commit_bytes(author=b"Ev" + byte + b"il", message=b"M" + byte))
    assert commit.author.email == "ann@example.org"
    assert commit.tree == TREE
    assert commit.message.startswith("M")


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"parent " + PARENT.encode() + b"\n\nno tree\n", "exactly one tree"),
        (commit_bytes().replace(b"tree " + TREE.encode(), b"tree xyz"), "not an object id"),
        (commit_bytes().replace(b" +0130", b" +1"), "time zone"),
        (commit_bytes().replace(b"1767225600", b"99999999999999999999"), "out of range"),
        (commit_bytes().replace(b"<ann@example.org>", b"ann@example.org"), "author line"),
        (b"tree " + TREE.encode() + b"\nbroken-header\n\n", "header line"),
    ],
)
def test_a_malformed_commit_is_an_error_not_a_skip(data: bytes, says: str) -> None:
    with pytest.raises(ObjectFormatError, match=says):
        parse_commit(SHA, data)


def test_a_tree_is_read_entry_by_entry() -> None:
    oid = bytes(range(20))
    data = b"100644 a\x1eb.yaml\0" + oid + b"40000 sub\0" + oid + b"120000 l\xffnk\0" + oid
    items = parse_tree(data, 20)
    assert (items[0].name, items[0].mode, items[0].oid) == ("a\x1eb.yaml", 0o100644, oid.hex())
    assert items[1].is_tree and items[2].is_link
    assert shown(items[2].name) == "l\\xffnk"


@pytest.mark.parametrize(
    "data",
    [
        b"100644 a.yaml\0" + b"x" * 5,  # truncated id
        b"100644 ../x\0" + b"x" * 20,  # a name with a slash
        b"100644 ..\0" + b"x" * 20,
        b"100644 a\0" + b"x" * 20 + b"100644 a\0" + b"y" * 20,  # the same name twice
        b"10064x a\0" + b"x" * 20,
    ],
)
def test_a_tree_that_cannot_be_checked_out_is_refused(data: bytes) -> None:
    with pytest.raises(ObjectFormatError):
        parse_tree(data, 20)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "Subject\n\nVpsec-Decision: d-1\nVpsec-Record: r-1\n",
            (("Vpsec-Decision", "d-1"), ("Vpsec-Record", "r-1")),
        ),
        ("Vpsec-Decision: d-1\n", ()),  # a subject is never a trailer
        ("Subject\n\nVpsec-Decision: d-1\nnot a trailer\n", ()),
        ("Subject\n\nVpsec-Decision: d-1\n  continued\n", (("Vpsec-Decision", "d-1 continued"),)),
        ("Subject\n\nVpsec-Decision: d-1\n\nSigned text after\n", ()),
    ],
)
def test_trailers_are_the_last_paragraph_when_every_line_is_one(
    message: str, expected: tuple[tuple[str, str], ...]
) -> None:
    assert trailers(message) == expected
