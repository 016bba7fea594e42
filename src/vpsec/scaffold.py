"""`vpsec init` and `vpsec new`: new workspaces and new records, never overwriting."""

from __future__ import annotations

import secrets
import shutil
import subprocess
from datetime import date
from pathlib import Path

from vpsec.atomic import write_atomic
from vpsec.confine import refuse_links
from vpsec.errors import OutputError, UsageError, WorkspaceNotFound
from vpsec.load.discover import WORKSPACE_FILE
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


def resolve_kind(name: str) -> str:
    lowered = name.lower()
    for kind in KINDS:
        if kind.lower() == lowered or KINDS[kind].INFO.folder == lowered:
            return kind
    raise UsageError(f"unknown kind {name!r}; choose one of {', '.join(KINDS)}")


def record_text(kind: str, record_id: str, site: str, today: date) -> str:
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
    write_atomic(path, record_text(kind, record_id, site or "TODO-site-id", today), overwrite=False)
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


def init_workspace(target: Path, organisation: str, example: bool) -> list[Path]:
    """Create a workspace in target; return the files written. Refuses to overwrite anything."""
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
            if path.is_dir():
                continue
            destination = target / path.relative_to(source)
            refuse_links(target, destination)
            if destination.exists():
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(destination, path.read_bytes(), overwrite=False)
            written.append(destination)
    else:
        path = target / WORKSPACE_FILE
        write_atomic(path, WORKSPACE_TEMPLATE.format(organisation=organisation), overwrite=False)
        written.append(path)
    for model in KINDS.values():
        (target / model.INFO.folder).mkdir(exist_ok=True)
    gitignore = target / ".gitignore"
    if not gitignore.exists():
        write_atomic(gitignore, GITIGNORE, overwrite=False)
        written.append(gitignore)
    written.extend(write_schemas(target / "schemas", overwrite=False))
    if not _in_git_repository(target) and shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(target)], check=False, capture_output=True)
    return written
