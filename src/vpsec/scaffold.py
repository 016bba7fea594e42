"""`vpsec init` and `vpsec new`: new workspaces and new records, never overwriting."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from vpsec.atomic import write_atomic
from vpsec.confine import refuse_links
from vpsec.errors import OutputError, UsageError, WorkspaceNotFound
from vpsec.load.discover import WORKSPACE_FILE
from vpsec.load.messages import suggest
from vpsec.load.placeholders import PLACEHOLDER
from vpsec.models import KINDS
from vpsec.resources import data_dir
from vpsec.schemas import schema_names, schema_text

WORKSPACE_TEMPLATE = """\
# yaml-language-server: $schema=schemas/workspace.json
apiVersion: vpsec/v1
kind: Workspace
organisation: {organisation}
# Folders, files or glob patterns that hold no records: reports, and the YAML of
# common tools that often sits beside the records (add your own).
exclude:
  - reports/
  - node_modules/
  - venv/
  - mkdocs.yml
  - mkdocs.yaml
  - docker-compose.yml
  - docker-compose.yaml
  - compose.yml
  - compose.yaml
  - action.yml
  - codecov.yml
  - environment.yml
  - _config.yml
rules:
  select: [ALL]          # rule codes or prefixes, as in ruff
  ignore: []
  severity: {{}}           # e.g. {{DEP004: info}}
  settings:
    risk_assessment_max_age_days: 365
    contact_max_gap_days: 180
waivers: []              # accepted findings: rule, record, reason, approved_by, expires
"""

GITIGNORE = ".vpsec/\nreports/\n"

# Every required field, with a comment saying what goes there.
RECORD_BODIES = {
    "Site": """\
name: TODO name of the operation
country: TODO            # ISO 3166-1 alpha-2, e.g. CD, PE, ZM
context:
  conflict_affected: false
  armed_conflict: false
grievance_mechanism:
  in_place: false
transparency:
  payments_published: false
  information_office: false
  plain_language_materials: false  # booklets, radio or video explaining payments simply
private_security: []     # {{provider, headcount, armed, icoca_member, certification}}
""",
    "Deployment": """\
site: {site}
force:
  agency: TODO           # e.g. National Police
  type: police           # police | gendarmerie | military | other
headcount: 0
armed: true
role: emergency_reserve  # emergency_reserve | guard_duty | convoy_protection | patrol | other
start: {today}
end:                     # expected withdrawal date
agreement:               # id of the MoU governing it (an Agreement of type mou)
briefing:
  date:                  # when the personnel (each rotation) were last briefed
  topics: []             # roles | chain_of_command | use_of_force | voluntary_principles | ...
monitoring:
  method:                # how the company follows what the force does
  last_review:           # when that monitoring was last reviewed
""",
    "Transfer": """\
site: {site}
date: {today}
type: equipment          # equipment | in_kind | services | payment | per_diem
recipient:
  authority: local       # national | regional | local | individuals | non_state_armed
  unit: TODO             # the unit that received it
items:
  - description: TODO
    quantity: 1
    value: {{amount: 0, currency: USD}}
purpose: TODO what it is for
conditions:
  human_rights: false
  use_of_force: false
  ihl: false             # where international humanitarian law applies
receipt:
  signed: false
""",
    "Meeting": """\
date: {today}
site: {site}
country:                 # the host country, for a meeting with no site (ISO 3166-1 alpha-2)
level: local             # national | regional | local
counterpart: public_security  # public_security | government | home_government | community | ...
on_site: false           # held at the site (a visit)
participants:
  - name: TODO
    organisation: TODO
    role: TODO
decisions: []            # {{text, owner, due}}
minutes:
  distributed_to: []     # participant names who received the decision points
""",
    "RiskAssessment": """\
site: {site}
date: {today}
covers: [security_threats, community_risks, human_rights]
threat_level:            # low | medium | high | critical
consultations: []        # ids of Consultation records used
""",
    "Agreement": """\
type: mou                # mou (with a host-government body) | supplier_contract
parties: [TODO company, TODO ministry]
signed: {today}
sites: [{site}]
clauses: [voluntary_principles, un_code_of_conduct, un_basic_principles_force]
""",
    "Incident": """\
site: {site}
date: {today}
type: other              # use_of_force | human_rights_allegation | threat | theft | protest | other
involved: unknown        # public_security | private_security | community | unknown
status: open             # open | investigating | closed
finding:                 # substantiated | unsubstantiated | inconclusive
remediation:             # what was done for those affected
""",
    "Consultation": """\
site: {site}
date: {today}
communities: [TODO]
topics: [security_arrangements]
groups: []               # women | youth | elders | indigenous | minorities | ...
participant_risk_considered: false
""",
    "Decision": """\
date: {today}
text: TODO the decision
made_by: TODO
""",
}


def new_id(kind: str, today: date) -> str:
    """A fresh id: prefix, date and random suffix, so two people on two branches never collide."""
    return f"{KINDS[kind].INFO.id_prefix}-{today.isoformat()}-{secrets.token_hex(2)}"


def kind_name(kind: str) -> str:
    """How the command line writes a kind: "RiskAssessment" -> "risk-assessment"."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", kind).lower()


def _folded(name: str) -> str:
    return re.sub(r"[-_\s]", "", name).casefold()


def resolve_kind(name: str) -> str:
    """The kind a user named: in any case, kebab or snake case, or by its folder or label.

    "risk-assessment", "risk_assessment", "RiskAssessment", "risk assessment"
    and "assessments" all name RiskAssessment.
    """
    folded = _folded(name)
    for kind, model in KINDS.items():
        if folded in (_folded(kind), _folded(model.INFO.folder), _folded(model.INFO.label)):
            return kind
    names = [kind_name(kind) for kind in KINDS]
    hint = suggest(name, names)
    raise UsageError(f"unknown kind {name!r}{hint} (kinds: {', '.join(names)})")


def record_text(kind: str, record_id: str, site: str, today: date) -> str:
    # Relative to the record's own folder (one below the workspace), where `vpsec init` put them.
    schema = f"../schemas/{kind.lower()}.json"
    head = (
        f"# yaml-language-server: $schema={schema}\n"
        f"apiVersion: vpsec/v1\nkind: {kind}\nid: {record_id}\n"
    )
    title = "title: TODO a short human label\n" if kind != "Decision" else ""
    return head + title + RECORD_BODIES[kind].format(site=site, today=today.isoformat())


def new_record(root: Path, kind_name: str, record_id: str | None, site: str | None) -> Path:
    """Write a new record of kind from its template; return its path. Never overwrites."""
    kind = resolve_kind(kind_name)
    today = date.today()
    record_id = record_id or new_id(kind, today)
    from vpsec.models.common import _ID_RE

    if not _ID_RE.match(record_id):
        raise UsageError(
            f"--id: {record_id!r} is not a valid id (lower-case letters, digits, '.', '_', '-')"
        )
    folder = root / KINDS[kind].INFO.folder
    refuse_links(root, folder / f"{record_id}.yaml")
    folder.mkdir(exist_ok=True)
    path = folder / f"{record_id}.yaml"
    site_text = site or f"{PLACEHOLDER}-site-id"
    write_atomic(path, record_text(kind, record_id, site_text, today), overwrite=False)
    return path


def write_schemas(folder: Path, *, overwrite: bool) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in schema_names():
        target = folder / f"{name}.json"
        if target.exists() and not overwrite:
            continue
        write_atomic(target, schema_text(name))
        written.append(target)
    return written


def _in_git_repository(folder: Path) -> bool:
    return any((parent / ".git").exists() for parent in (folder, *folder.parents))


# `# yaml-language-server: $schema=<path>/<name>.json` on a record's first line.
_MODELINE = re.compile(rb"\A(# yaml-language-server: \$schema=)(\S*?)([A-Za-z0-9_-]+\.json)")
# A name that YAML reads as the same text when written plain.
_PLAIN_NAME = re.compile(r"[A-Za-z][\w .,&'()/+-]*")


def _yaml_text(value: str) -> str:
    """value as a YAML scalar: plain when that reads back the same, else double-quoted."""
    plain = (
        _PLAIN_NAME.fullmatch(value)
        and ": " not in value
        and " #" not in value
        and value.casefold() not in ("true", "false", "null")
    )
    return value if plain and value == value.strip() else json.dumps(value, ensure_ascii=False)


def _schema_path(destination: Path, target: Path, name: str) -> str:
    """The path from destination's folder to the workspace's copy of schema name, with `/`."""
    relative = os.path.relpath(target / "schemas" / name, destination.parent)
    return relative.replace(os.sep, "/")


def _example_file(source: Path, destination: Path, target: Path, organisation: str | None) -> bytes:
    """A file of the bundled example as the new workspace needs it.

    Its `$schema` modeline is pointed at the schemas copied into the new
    workspace (the example's own point into the vpsec checkout), and the
    organisation is the one given, if one was.
    """
    data = source.read_bytes()
    if source.suffix not in (".yaml", ".yml"):
        return data
    found = _MODELINE.match(data)
    if found is not None:
        path = _schema_path(destination, target, found.group(3).decode())
        data = found.group(1) + path.encode() + data[found.end() :]
    if organisation is not None and source.name == WORKSPACE_FILE:
        line = f"organisation: {_yaml_text(organisation)}".encode()
        data = re.sub(rb"(?m)^organisation:[^\n]*", lambda _match: line, data, count=1)
    return data


class GitSetup(StrEnum):
    """What `vpsec init` did about git."""

    # A new repository on branch main, the workspace in its first commit.
    COMMITTED = "committed"
    # A new repository on branch main; git knows no name and email to commit with.
    NO_IDENTITY = "no identity"
    # A new repository on branch main; the first commit failed (git said why).
    NOT_COMMITTED = "not committed"
    # The folder was already inside a repository: left alone.
    EXISTING = "existing"
    # git is not installed, or `git init` itself failed.
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Initialised:
    """What `vpsec init` wrote, and what became of git."""

    written: list[Path]
    git: GitSetup
    # Why git did not do its part (its own message, one line), when it did not.
    git_problem: str = ""


INITIAL_BRANCH = "main"
FIRST_COMMIT_MESSAGE = "A new vpsec workspace"


def _git(target: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args],
        cwd=target,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
        timeout=120,
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
    )


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # git's "Please tell me who you are." comes before the line that names the problem.
    wanted = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (wanted or lines or ["git failed"])[0]


def _git_repository(target: Path) -> tuple[GitSetup, str]:
    """`git init` on branch main and a first commit of everything; never raises."""
    if _in_git_repository(target):
        return GitSetup.EXISTING, ""
    if shutil.which("git") is None:
        return GitSetup.NONE, "git is not installed"
    try:
        done = _git(target, "init", "-q", f"--initial-branch={INITIAL_BRANCH}")
        if done.returncode != 0:  # git before 2.28 has no --initial-branch
            done = _git(target, "init", "-q")
            if done.returncode == 0:
                _git(target, "symbolic-ref", "HEAD", f"refs/heads/{INITIAL_BRANCH}")
        if done.returncode != 0:
            return GitSetup.NONE, _first_line(done.stderr)
        # Asked first rather than read from a failed commit's message, which varies by version.
        for ident in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
            if _git(target, "var", ident).returncode != 0:
                return GitSetup.NO_IDENTITY, "git does not know your name and email"
        added = _git(target, "add", "-A")
        if added.returncode != 0:
            return GitSetup.NOT_COMMITTED, _first_line(added.stderr)
        committed = _git(target, "commit", "-q", "-m", FIRST_COMMIT_MESSAGE)
        if committed.returncode != 0:
            return GitSetup.NOT_COMMITTED, _first_line(committed.stderr + committed.stdout)
    except (OSError, subprocess.SubprocessError) as error:
        return GitSetup.NONE, str(error)
    return GitSetup.COMMITTED, ""


def init_workspace(target: Path, organisation: str | None, example: bool) -> Initialised:
    """Create a workspace in target, with git when it is in no repository. Never overwrites.

    organisation None keeps the example's own name (with `example`) or writes
    a stand-in name to change later.
    """
    target = target.resolve()
    target.mkdir(parents=True, exist_ok=True)
    refuse_links(
        target, WORKSPACE_FILE, ".gitignore", *(f"schemas/{n}.json" for n in schema_names())
    )
    if (target / WORKSPACE_FILE).exists():
        raise OutputError(f"{target / WORKSPACE_FILE}: a workspace already exists here")
    written: list[Path] = []
    if example:
        source = data_dir("example")
        if not (source / WORKSPACE_FILE).is_file():
            raise WorkspaceNotFound(
                f"the bundled example is missing from this installation ({source})"
            )
        for path in sorted(source.rglob("*")):
            relative = path.relative_to(source)
            # A checkout's example may hold its own cache; it is not part of the example.
            if path.is_dir() or relative.parts[0] == ".vpsec":
                continue
            destination = target / relative
            refuse_links(target, destination)
            if destination.exists():
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            data = _example_file(path, destination, target, organisation)
            write_atomic(destination, data, overwrite=False)
            written.append(destination)
    else:
        path = target / WORKSPACE_FILE
        name = _yaml_text(organisation or "Example Mining plc")
        write_atomic(path, WORKSPACE_TEMPLATE.format(organisation=name), overwrite=False)
        written.append(path)
    for model in KINDS.values():
        (target / model.INFO.folder).mkdir(exist_ok=True)
    gitignore = target / ".gitignore"
    if not gitignore.exists():
        write_atomic(gitignore, GITIGNORE, overwrite=False)
        written.append(gitignore)
    written.extend(write_schemas(target / "schemas", overwrite=False))
    git, problem = _git_repository(target)
    return Initialised(written, git, problem)
