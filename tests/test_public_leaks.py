"""No public output prints a personal name, a withheld record, or what was not disclosed.

Every value of every personal-name field (found through `name_fields` over
the models, in the raw documents, so invalid records count too, and the
waivers' approvers) is looked for in every public output: the four reports
in Markdown and HTML (and PDF where WeasyPrint and pdftotext exist),
`assess --audience public` as Markdown, SARIF and GitHub workflow commands,
and `diff --audience public` as Markdown. Each value is looked for in NFC,
NFD, NFKC and NFKD, in any case, as whole words, and so is each part of it
(the parts of one or two letters where written with a capital). A part that
is also a word of vpsec's own text (the catalogue, the templates) is looked
for only as the name is written and in capitals: vpsec's own words are not
scrubbed, so a person called Grace leaves the catalogue's "grace period"
alone.

Two workspaces: the bundled example, and the example plus hostile records:
ALL-CAPS surnames, a name typed in NFD and mentioned in full-width letters,
a one-letter name, names that are common words, names inside other words,
invalid records holding names, a restricted record that is also invalid, an
unreadable file, undisclosed transfers and agreements, role-like values in
name fields. The same outputs must keep organisation and place names.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from conftest import AS_OF, EXAMPLE, REPO, git
from vpsec.app.checks import CheckOptions, run_check
from vpsec.app.diff import DiffOptions, run_diff
from vpsec.app.report import ReportOptions, render_report
from vpsec.findings import RunResult
from vpsec.models import KINDS
from vpsec.models.config import Waiver
from vpsec.models.names import EACH, name_fields
from vpsec.render import RenderOptions, renderer
from vpsec.results import DiffResult

# ----------------------------------------------------------------- the workspaces

NFD_NAME = unicodedata.normalize("NFD", "Inés Pérez Ayala")
HOSTILE_MEETING = "mtg-2026-11-05-assembly"
UNDISCLOSED_TRANSFER = "trf-2026-010"
UNDISCLOSED_AGREEMENT = "agr-2026-secret"
INVALID_TRANSFER = "trf-2026-009"
RESTRICTED_INVALID = "inc-2026-11-01-beating"
# Words written only in withheld records: none of them may reach a public output.
SECRETS = [
    "CONVOY-SCHEDULE-7731",  # the purpose of the undisclosed transfer
    "2026-10-13",  # its date, found nowhere else
    "Bahati Zawadi",  # in a file that cannot be read at all
    "Kahindo",  # the victim named in a restricted record's invalid title
    UNDISCLOSED_TRANSFER,
    UNDISCLOSED_AGREEMENT,
    INVALID_TRANSFER,
    RESTRICTED_INVALID,
    "inc-2026-08-19-kamituga-allegation",  # the example's restricted incident
    "Mobale quarter",  # in its notes
]
# Values in name fields that are roles or bodies, not people: they may be printed.
ROLES = {"Head of Security", "Security Manager, Kanyama", "Ministry of Mines"}
# Organisation and place names that must survive (the over-redaction test).
SURVIVORS = [
    "Kanyama Gold Project",
    "Ministry of Defence",
    "Banana",
    "Mining",
    "Police Nationale Congolaise",
    "Kamituga Gold Mine",
    "3rd Mobile Police Unit",
]

HOSTILE_FILES = {
    f"meetings/{HOSTILE_MEETING}.yaml": f"""\
apiVersion: vpsec/v1
kind: Meeting
id: {HOSTILE_MEETING}
title: Assembly with Capt. NZUZI Kalombo and ＰＥＲＥＺ on the Banana road
date: 2026-11-05
site: kamituga
level: local
counterpart: community
participants:
  - name: Capt. NZUZI Kalombo
    organisation: Ministry of Defence
    role: Liaison officer
  - name: {NFD_NAME}
    organisation: Kanyama Gold Project
    role: Resettlement adviser
  - name: Q
    role: Youth delegate
  - name: Hope Rose
    role: Women's representative
  - name: Ana Ming
    role: Farmer from the Banana road
  - name: Li Na
    role: Interpreter
decisions:
  - text: >-
      Kalombo and NZUZI to report to the Mining committee; PEREZ, pérez and Q to
      visit the Banana plantation; hope rose to speak, Ana and MING to listen,
      LI NA to translate for Ana.
    owner: Security Manager, Kanyama
    due: 2026-11-30
  - text: Ministry of Defence to send Cpl. Tshala the list.
    owner: Ministry of Mines
    due: 2026-12-15
minutes:
  distributed_to: [Q, Hope Rose, Sgt. Esther MAPENDO]
  distributed_on: 2026-11-06
""",
    "decisions/dec-2026-009.yaml": """\
apiVersion: vpsec/v1
kind: Decision
id: dec-2026-009
date: 2026-11-07
text: >-
  Awa Diallo and Cpl. TSHALA agreed that Inès Pérez Ayala (Ines) briefs
  Kanyama Gold Project staff on the Banana road convoy.
made_by: Cpl. Musa Tshala
rationale: Tshala said the convoy leaves on 2026-10-13 at dawn.
""",
    f"transfers/{UNDISCLOSED_TRANSFER}.yaml": f"""\
apiVersion: vpsec/v1
kind: Transfer
id: {UNDISCLOSED_TRANSFER}
site: kamituga
date: 2026-10-13
type: equipment
recipient:
  authority: local
  unit: 3rd Mobile Police Unit
  representative: Adj. Chantal Mwilu
items:
  - description: Night-vision binoculars for the CONVOY-SCHEDULE-7731 escort
    quantity: 3
    value: {{amount: 4500, currency: USD}}
purpose: CONVOY-SCHEDULE-7731 departures at dawn
conditions: {{human_rights: true, use_of_force: true}}
receipt: {{signed: true, signed_by: Adj. Chantal Mwilu, date: 2026-10-14}}
published: false
""",
    f"agreements/{UNDISCLOSED_AGREEMENT}.yaml": f"""\
apiVersion: vpsec/v1
kind: Agreement
id: {UNDISCLOSED_AGREEMENT}
title: Escort agreement CONVOY-SCHEDULE-7731
parties: [Lakeside Minerals Congo SARL, Ministry of Defence]
signed: 2026-09-01
sites: [kamituga]
clauses: [voluntary_principles]
published: false
""",
    f"transfers/{INVALID_TRANSFER}.yaml": f"""\
apiVersion: vpsec/v1
kind: Transfer
id: {INVALID_TRANSFER}
site: kamituga
date: 2026-11-02
type: equipment
recipient:
  {{authority: local, unit: 3rd Mobile Police Unit, representative: [Adjudant Pascal Mukendi]}}
items:
  - {{description: handheld radios, quantity: 12, value: {{amount: 2400, currency: USD}}}}
purpose: Radios for the convoy
""",
    "incidents/inc-2026-11-01.yaml": f"""\
apiVersion: vpsec/v1
kind: Incident
id: {RESTRICTED_INVALID}
sensitivity: restricted
title: [Beating of Aline Kahindo by Cpl. Musa Tshala]
site: kamituga
""",
    "sites/broken.yaml": "apiVersion: vpsec/v1\nkind: Site\nid: broken\nname: [Bahati Zawadi\n",
}
HOSTILE_WAIVERS = """\
  - rule: TRF001
    record: trf-2026-007
    reason: Accepted per Diallo, after a call with MUKENDI.
    approved_by: Awa Diallo
    expires: 2027-06-30
  - rule: MTG001
    record: mtg-2026-11-05-assembly
    reason: Minutes read aloud at the assembly.
    approved_by: Security Manager, Kanyama
    expires: 2027-06-30
"""
# Names the declared fields cannot reveal (an unreadable file), known to the test.
EXTRA_NAMES = ["Bahati Zawadi"]


def _hostile(root: Path) -> Path:
    return _add_hostile(_example(root))


def _add_hostile(root: Path) -> Path:
    for rel, text in HOSTILE_FILES.items():
        (root / rel).write_text(text, encoding="utf-8")
    config = root / "vpsec.yaml"
    config.write_text(config.read_text(encoding="utf-8") + HOSTILE_WAIVERS, encoding="utf-8")
    return root


def _example(root: Path) -> Path:
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".vpsec"))
    return root


# ------------------------------------------------------------- the names to look for


def _at(value: Any, path: tuple[str, ...]) -> Iterator[Any]:
    """Whatever is at a field path, whatever its shape (invalid records included)."""
    if not path:
        yield value
    elif path[0] == EACH:
        for item in value if isinstance(value, list) else [value]:
            yield from _at(item, path[1:])
    elif isinstance(value, dict):
        yield from _at(value.get(path[0]), path[1:])


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _documents(root: Path) -> Iterator[Any]:
    yaml = YAML(typ="safe")
    for path in sorted(root.rglob("*.yaml")):
        if ".vpsec" in path.parts or path.name == "vpsec.yaml":
            continue
        try:
            yield from yaml.load_all(path.read_text(encoding="utf-8"))
        except Exception:  # an unreadable file holds no field to read
            continue


def personal_names(root: Path) -> list[str]:
    """Every value of every name field of every document and waiver, roles left out."""
    found: set[str] = set()
    for document in _documents(root):
        model = KINDS.get(document.get("kind")) if isinstance(document, dict) else None
        for name_field in name_fields(model) if model is not None else ():
            for value in _at(document, name_field.path):
                found.update(_strings(value))
    config = YAML(typ="safe").load((root / "vpsec.yaml").read_text(encoding="utf-8"))
    for waiver in config.get("waivers") or []:
        for name_field in name_fields(Waiver):
            found.update(_strings(next(_at(waiver, name_field.path))))
    if (root / "sites" / "broken.yaml").exists():
        found.update(EXTRA_NAMES)
    return sorted(" ".join(name.split()) for name in found if name.strip() not in ROLES)


_RANKS = {
    "adj",
    "adjudant",
    "capt",
    "cdt",
    "chief",
    "cmdte",
    "cpl",
    "dr",
    "insp",
    "maj",
    "me",
    "pnp",
    "sgt",
    "sof",
    "supt",
}


def _parts(name: str) -> list[str]:
    words = re.findall(r"\w+", unicodedata.normalize("NFC", name))
    return [w for w in words if w.casefold() not in _RANKS and w[0].isupper()]


def _vocabulary() -> set[str]:
    """Every word of vpsec's own text: the catalogue, the templates, the renderers."""
    sources = [REPO / "src" / "vpsec" / "catalogue.yaml", REPO / "src" / "vpsec" / "withhold.py"]
    sources += sorted((REPO / "templates").glob("*.j2"))
    sources += sorted((REPO / "src" / "vpsec" / "render").glob("*.py"))
    words: set[str] = set()
    for source in sources:
        words.update(w.casefold() for w in re.findall(r"\w+", source.read_text(encoding="utf-8")))
    return words


VOCABULARY = _vocabulary()
FORMS = ("NFC", "NFD", "NFKC", "NFKD")


def _whole_word(needle: str, text: str, *, any_case: bool) -> bool:
    flags = re.IGNORECASE if any_case else 0
    return re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", text, flags) is not None


def _bare(text: str) -> str:
    """Compatibility forms as plain letters, without accents, case-folded."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").casefold()


def leaks(name: str, text: str) -> list[str]:
    """The forms of a name, or of a part of it, that text holds."""
    folded_text = _bare(text)
    out = []
    for form in FORMS:
        written = unicodedata.normalize(form, name)  # type: ignore[arg-type]
        if _whole_word(written, text, any_case=True):
            out.append(f"{form} {written!r}")
    # Also in full-width letters, or typed without its accents ("Perez" for "Pérez").
    if _whole_word(_bare(name), folded_text, any_case=False):
        out.append(f"folded {name!r}")
    for part in _parts(name):
        short = len(part) <= 2
        common = part.casefold() in VOCABULARY
        for form in FORMS:
            written = unicodedata.normalize(form, part)  # type: ignore[arg-type]
            if short or common:
                hits = [
                    w for w in (written, written.upper()) if _whole_word(w, text, any_case=False)
                ]
            else:
                hits = [written] if _whole_word(written, text, any_case=True) else []
            out += [f"part {form} {hit!r}" for hit in hits]
        if not short and not common and _whole_word(_bare(part), folded_text, any_case=False):
            out.append(f"part folded {part!r}")
    return sorted(set(out))


# ---------------------------------------------------------------------- the outputs


def _markdown_text(output: str) -> str:
    """Markdown as a reader sees it: no backslash escapes, no invisible word joiners."""
    return output.replace("\\", "").replace("\u2060", "")


def _sarif_text(output: str) -> str:
    return "\n".join(_strings(json.loads(output)))


def _github_text(output: str) -> str:
    for escape, char in (("%0A", "\n"), ("%0D", "\r"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        output = output.replace(escape, char)
    return output


REPORTS: dict[str, dict[str, str]] = {
    "assessment": {},
    "transfer-register": {},
    "site": {"site": "kamituga"},
}


def report_outputs(root: Path, meeting: str) -> dict[str, str]:
    """Every public report in Markdown and HTML, as text a reader sees."""
    out = {}
    reports = {**REPORTS, "meeting": {"record": meeting}}
    for name, extra in reports.items():
        for fmt in ("md", "html"):
            options = ReportOptions(
                name=name,
                path=root,
                format=fmt,
                audience="public",
                as_of=date.fromisoformat(AS_OF),
                **extra,  # type: ignore[arg-type]
            )
            text = render_report(options)
            assert isinstance(text, str)
            out[f"report {name} {fmt}"] = (
                " ".join(html.unescape(text).split()) if fmt == "html" else _markdown_text(text)
            )
    return out


def assess_outputs(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """`assess --audience public` as Markdown, SARIF and GitHub commands (with the step summary)."""
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out = {}
    for fmt, read in (
        ("markdown", _markdown_text),
        ("sarif", _sarif_text),
        ("github", _github_text),
    ):
        options = CheckOptions(
            path=root, as_of=date.fromisoformat(AS_OF), format=fmt, audience="public"
        )
        result = run_check(options, "assess")
        chosen = renderer(RunResult, fmt)
        out[f"assess {fmt}"] = read(chosen.render(result, RenderOptions()))
        chosen.post_render(result, RenderOptions())
    out["assess github step summary"] = _markdown_text(summary.read_text(encoding="utf-8"))
    return out


def diff_outputs(base: str, head: str | None, root: Path) -> str:
    options = DiffOptions(
        base=base,
        head=head,
        format="markdown",
        as_of=date.fromisoformat(AS_OF),
        audience="public",
        start=root,
    )
    result = run_diff(options)
    return _markdown_text(renderer(DiffResult, "markdown").render(result, RenderOptions()))


@dataclass
class Published:
    """A workspace's public outputs, and the names that must not be in them."""

    names: list[str]
    outputs: dict[str, str]


def _commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Published:
    with pytest.MonkeyPatch.context() as patch:
        home = tmp_path_factory.mktemp("home")
        for key, value in {
            "HOME": str(home),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
            "GIT_AUTHOR_NAME": "Grace Mwansa",
            "GIT_AUTHOR_EMAIL": "grace@example.org",
            "GIT_COMMITTER_NAME": "Grace Mwansa",
            "GIT_COMMITTER_EMAIL": "grace@example.org",
        }.items():
            patch.setenv(key, value)
        scratch = tmp_path_factory.mktemp("hostile")
        root = scratch / "ws"
        _example(root)
        git(root, "init", "-q")
        _commit_all(root, "the example")
        _add_hostile(root)
        outputs = report_outputs(root, HOSTILE_MEETING)
        outputs |= assess_outputs(root, scratch, patch)
        outputs["diff markdown (working tree)"] = diff_outputs("HEAD", None, root)
        _commit_all(root, "hostile records")
        # Both ways: what a change adds, and what it removes.
        outputs["diff markdown (added)"] = diff_outputs("HEAD~1", "HEAD", root)
        outputs["diff markdown (removed)"] = diff_outputs("HEAD", "HEAD~1", root)
        return Published(personal_names(root), outputs)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Published:
    with pytest.MonkeyPatch.context() as patch:
        scratch = tmp_path_factory.mktemp("example")
        root = _example(scratch / "ws")
        meeting = "mtg-2026-10-08-kamituga"
        outputs = report_outputs(root, meeting) | assess_outputs(root, scratch, patch)
        return Published(personal_names(root), outputs)


# ------------------------------------------------------------------------- the tests


def test_the_hostile_workspace_has_every_kind_of_hostile_name(hostile: Published) -> None:
    """Otherwise the leak tests below could not fail for the reasons they are about."""
    names = hostile.names
    assert "Capt. NZUZI Kalombo" in names  # an ALL-CAPS surname
    assert NFD_NAME in names and unicodedata.normalize("NFC", NFD_NAME) != NFD_NAME
    assert "Q" in names and "Li Na" in names  # one letter, two letters
    assert "Hope Rose" in names  # common words
    assert "Ana Ming" in names  # inside "Banana" and "Mining"
    assert "Adjudant Pascal Mukendi" in names  # in an invalid record only
    assert "Awa Diallo" in names  # a waiver's approver
    assert not ROLES & set(names)
    # The internal outputs do print them: the public ones are what differs.
    internal = render_report(
        ReportOptions(
            name="meeting", path=EXAMPLE, record="mtg-2026-10-08-kamituga", as_of=date(2026, 11, 27)
        )
    )
    assert "Jean-Pierre Mbala" in str(internal)


@pytest.mark.parametrize("workspace", ["example", "hostile"])
def test_no_public_output_names_anyone(workspace: str, request: pytest.FixtureRequest) -> None:
    published: Published = request.getfixturevalue(workspace)
    assert len(published.names) > 10
    found = {
        (output, name): hits
        for output, text in published.outputs.items()
        for name in published.names
        if (hits := leaks(name, text))
    }
    assert found == {}


@pytest.mark.parametrize("workspace", ["example", "hostile"])
def test_no_public_output_shows_a_withheld_record(
    workspace: str, request: pytest.FixtureRequest
) -> None:
    published: Published = request.getfixturevalue(workspace)
    shown = {
        (output, secret)
        for output, text in published.outputs.items()
        for secret in SECRETS
        if secret.casefold() in text.casefold()
    }
    assert shown == set()


@pytest.mark.parametrize("workspace", ["example", "hostile"])
def test_every_public_output_says_what_it_withheld(
    workspace: str, request: pytest.FixtureRequest
) -> None:
    published: Published = request.getfixturevalue(workspace)
    for output, text in published.outputs.items():
        flat = " ".join(text.split())
        assert "Prepared for publication" in flat, output
        assert "marked restricted" in flat, output
        if "removed" not in output:
            assert "not yet disclosed" in flat, output


def test_undisclosed_records_are_counted_and_totalled(hostile: Published) -> None:
    register = " ".join(hostile.outputs["report transfer-register md"].split())
    # The example's servicing (USD 6,200, services) and the binoculars (USD 4,500, equipment).
    assert "2 transfers and 1 agreement the company has not yet disclosed" in register
    assert "Not disclosed at Kamituga Gold Mine in 2026: 1 equipment transfer, worth USD 4,500" in (
        register
    )
    assert "1 services transfer, worth USD 6,200" in register
    assert "Not disclosed at Kamituga Gold Mine in 2026: 1 agreement." in register


def test_invalid_records_are_counted_never_quoted(hostile: Published) -> None:
    for output, text in hostile.outputs.items():
        flat = " ".join(text.split())
        if "removed" in output:
            continue
        assert "could not be read or checked" in flat, output
        # A validation message quotes what failed ("got `['Adjudant ...']`"): none is shown.
        assert "must be text" not in flat and "got `" not in flat, output
    assessment = " ".join(hostile.outputs["report assessment md"].split())
    # The invalid transfer and the unreadable file; the restricted one is said as restricted.
    assert "2 records could not be read or checked" in assessment
    assert "2 records marked restricted" in assessment


def test_narrative_fields_are_left_out(hostile: Published) -> None:
    site = hostile.outputs["report site md"]
    summary = YAML(typ="safe").load(
        (EXAMPLE / "assessments" / "rsk-kamituga-2026.yaml").read_text()
    )
    assert " ".join(summary["summary"].split())[:60] not in " ".join(site.split())
    assert "Internal notes and narrative written for internal use" in " ".join(site.split())


@pytest.mark.parametrize("workspace", ["example", "hostile"])
def test_organisation_and_place_names_survive(
    workspace: str, request: pytest.FixtureRequest
) -> None:
    published: Published = request.getfixturevalue(workspace)
    everything = " ".join(" ".join(published.outputs.values()).split())
    expected = SURVIVORS if workspace == "hostile" else SURVIVORS[4:]
    assert [s for s in expected if s not in everything] == []


def test_assess_public_keeps_the_exit_code_and_refuses_other_formats(tmp_path: Path) -> None:
    root = _hostile(tmp_path / "ws")
    internal = run_check(CheckOptions(path=root, as_of=date.fromisoformat(AS_OF)), "assess")
    public = run_check(
        CheckOptions(
            path=root, as_of=date.fromisoformat(AS_OF), format="markdown", audience="public"
        ),
        "assess",
    )
    assert public.exit_code() == internal.exit_code() == 1
    assert len(public.findings) < len(internal.findings)
    from vpsec.errors import UsageError

    with pytest.raises(UsageError, match="--audience public"):
        run_check(CheckOptions(path=root, format="json", audience="public"), "assess")


def test_disclosure_needs_a_decision_and_is_named(tmp_path: Path) -> None:
    from vpsec.errors import UsageError

    root = _hostile(tmp_path / "ws")

    def register(**extra: Any) -> str:
        options = ReportOptions(
            name="transfer-register",
            path=root,
            audience="public",
            as_of=date.fromisoformat(AS_OF),
            **extra,
        )
        return str(render_report(options))

    with pytest.raises(UsageError, match="not a Decision"):
        register(disclose_unpublished="trf-2026-001")
    shown = " ".join(register(disclose_unpublished="dec-2026-002").split())
    assert UNDISCLOSED_TRANSFER in shown
    assert "shown in full, as decided in dec-2026-002" in shown
    # Even then, no name: the representative is a role.
    assert "Chantal Mwilu" not in shown and "Mwilu" not in shown


def _pdf_tools() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return shutil.which("pdftotext") is not None


@pytest.mark.slow
@pytest.mark.skipif(not _pdf_tools(), reason="needs WeasyPrint and pdftotext")
def test_no_public_pdf_names_anyone(tmp_path: Path) -> None:
    root = _hostile(tmp_path / "ws")
    names = personal_names(root)
    for name, extra in {**REPORTS, "meeting": {"record": HOSTILE_MEETING}}.items():
        target = tmp_path / f"{name}.pdf"
        options = ReportOptions(
            name=name,
            path=root,
            format="pdf",
            audience="public",
            as_of=date.fromisoformat(AS_OF),
            output=target,
            **extra,  # type: ignore[arg-type]
        )
        target.write_bytes(render_report(options))  # type: ignore[arg-type]
        done = subprocess.run(
            ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
        )
        text = " ".join(done.stdout.split())
        assert "Prepared for publication" in text
        assert {n: hits for n in names if (hits := leaks(n, text))} == {}, name
        assert [s for s in SECRETS if s.casefold() in text.casefold()] == [], name


def test_the_leak_detector_finds_names_in_internal_outputs(tmp_path: Path) -> None:
    """The same search over the internal outputs finds the names: it is not blind."""
    root = _hostile(tmp_path / "ws")
    internal = ""
    for name, extra in {"assessment": {}, "meeting": {"record": HOSTILE_MEETING}}.items():
        options = ReportOptions(
            name=name,
            path=root,
            as_of=date.fromisoformat(AS_OF),
            **extra,  # type: ignore[arg-type]
        )
        internal += _markdown_text(str(render_report(options)))
    for name in ("Capt. NZUZI Kalombo", NFD_NAME, "Q", "Hope Rose", "Ana Ming", "Li Na"):
        assert leaks(name, internal), name
    # Quoted by a validation message ("got `['Adjudant Pascal Mukendi']`").
    assert leaks("Adjudant Pascal Mukendi", internal)
    # The full-width, unaccented mention is found through the folded form.
    assert any("PEREZ" in hit or "folded" in hit for hit in leaks(NFD_NAME, "ＰＥＲＥＺ"))
    # A name inside another word is not a mention of it.
    assert leaks("Ana Ming", "Banana Mining") == []


def test_log_and_audit_results_for_the_public(tmp_path: Path) -> None:
    """The entry points for `log` and `audit --audience public` (vpsec.withhold.PublicView)."""
    from datetime import datetime

    from vpsec.load.source import open_workspace
    from vpsec.results import AuditEntry, AuditResult, CommitRef, LogEntry, LogResult
    from vpsec.withhold import WITHHELD_AUTHOR, PublicView

    root = _hostile(tmp_path / "ws")
    view = PublicView.of([open_workspace(root)])

    def entry(record_id: str, text: str, made_by: str, records: tuple[str, ...]) -> LogEntry:
        return LogEntry(
            id=record_id,
            date="2026-11-07",
            text=text,
            made_by=made_by,
            meeting=None,
            records=records,
            supersedes=None,
            path=f"decisions/{record_id}.yaml",
            commit="0" * 40,
            committed_at=datetime(2026, 11, 7),
            author="Grace Mwansa",
        )

    log = view.log_result(
        LogResult(
            (
                entry("dec-2026-009", "Awa Diallo agreed.", "Cpl. Musa Tshala", ("trf-2026-001",)),
                entry("dec-2026-002", "Defer trf-2026-006.", "Daniel Hartley", ("trf-2026-006",)),
            )
        )
    )
    text = repr(log)
    for name in ("Diallo", "Tshala", "Grace", "Mwansa", "Hartley", "trf-2026-006"):
        assert name not in text
    assert log.entries[0].records == ("trf-2026-001",)
    assert log.entries[1].records == () and log.entries[0].author == WITHHELD_AUTHOR
    assert log.entries[1].made_by == "Group Head of Security"  # the participant's role

    commit = CommitRef("1" * 40, "Grace Mwansa", "grace@example.org", "2026-11-08", "per Diallo")
    audit = view.audit_result(
        AuditResult(
            commits=3,
            since=None,
            decisions_added=2,
            entries=(
                AuditEntry("breach", "modified", "decisions/dec-2026-009.yaml", "Tshala's", commit),
            ),
        )
    )
    assert len(audit.entries) == 1 and audit.entries[0].level == "breach"
    for name in ("Diallo", "Tshala", "Grace", "grace@"):
        assert name not in repr(audit)
