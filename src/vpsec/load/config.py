"""Finding the workspace and reading its vpsec.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from vpsec import catalogue, selection
from vpsec.errors import ConfigError, WorkspaceNotFound
from vpsec.findings import Finding
from vpsec.load.discover import WORKSPACE_FILE
from vpsec.load.messages import describe, field_path, suggest
from vpsec.load.validation import validation_finding
from vpsec.load.yamlread import RawDocument, YamlProblem, decode, parse_documents
from vpsec.models.config import RulesConfig, Waiver, WorkspaceConfig


def find_root(start: Path) -> Path:
    """The nearest folder at or above start that holds vpsec.yaml."""
    start = start.resolve()
    if start.is_file():
        start = start.parent
    if not start.exists():
        raise WorkspaceNotFound(f"{start}: no such folder")
    for folder in (start, *start.parents):
        if (folder / WORKSPACE_FILE).is_file():
            return folder
    raise WorkspaceNotFound(
        f"no {WORKSPACE_FILE} in {start} or any folder above it; "
        "run `vpsec init` to create a workspace, or pass its folder"
    )


def _read(root: Path) -> RawDocument:
    path = root / WORKSPACE_FILE
    # Like a record file, vpsec.yaml is read only when it lies in the workspace:
    # a link committed in a pull request must not make CI read files elsewhere.
    if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
        raise ConfigError(
            f"{WORKSPACE_FILE}: a symbolic link to a file outside the workspace; not read"
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"{WORKSPACE_FILE}: cannot be read ({error.strerror or error})") from None
    return _parse(data)


def _parse(data: bytes) -> RawDocument:
    try:
        documents = parse_documents(decode(data))
    except YamlProblem as problem:
        where = f":{problem.line}:{problem.column}" if problem.line else ""
        raise ConfigError(f"{WORKSPACE_FILE}{where}: {problem.message}") from None
    if not documents or not isinstance(documents[0].value, dict):
        raise ConfigError(
            f"{WORKSPACE_FILE}: expected a mapping with apiVersion: vpsec/v1 and kind: Workspace"
        )
    if len(documents) > 1:
        raise ConfigError(f"{WORKSPACE_FILE}: holds {len(documents)} documents; keep one")
    return documents[0]


def _v006(doc: RawDocument, message: str, loc: tuple[str | int, ...]) -> Finding:
    return validation_finding(
        "V006", message, WORKSPACE_FILE, doc.position(loc), field_name=field_path(loc) or None
    )


def _salvage(value: dict[str, Any], bad_sections: set[str]) -> WorkspaceConfig:
    """The config with every invalid section replaced by its default, so the run goes on."""
    kept: dict[str, Any] = {
        "apiVersion": "vpsec/v1",
        "kind": "Workspace",
        "organisation": value.get("organisation") or "(unnamed organisation)",
    }
    for section in ("exclude", "rules", "limits", "home_country"):
        if section in value and section not in bad_sections:
            kept[section] = value[section]
    waivers = []
    for raw in value.get("waivers") or []:
        try:
            waivers.append(Waiver.model_validate(raw))
        except ValidationError:
            continue
    kept["waivers"] = waivers
    try:
        return WorkspaceConfig.model_validate(kept)
    except ValidationError:
        return WorkspaceConfig.model_validate(
            {"apiVersion": "vpsec/v1", "kind": "Workspace", "organisation": kept["organisation"]}
        )


def _semantic_findings(config: WorkspaceConfig, doc: RawDocument) -> list[Finding]:
    """Problems the schema cannot see: unknown codes and settings, duplicate waivers."""
    out: list[Finding] = []
    rules: RulesConfig = config.rules
    for section in ("select", "ignore"):
        for index, entry in enumerate(getattr(rules, section)):
            if not selection.is_selector(entry):
                out.append(
                    _v006(
                        doc,
                        f"rules.{section}: `{entry}` is not a rule code or prefix "
                        "(see `vpsec rules`)",
                        ("rules", section, index),
                    )
                )
    known = {info.code for info in catalogue.all_rules()}
    for code in rules.severity:
        if code not in known or code.startswith("V"):
            out.append(
                _v006(
                    doc,
                    f"rules.severity: `{code}` is not a rule whose severity can change",
                    ("rules", "severity", code),
                )
            )
    defaults = catalogue.settings_defaults()
    for name in rules.settings:
        if name not in defaults:
            out.append(
                _v006(
                    doc,
                    f"rules.settings: unknown setting `{name}`{suggest(name, list(defaults))} "
                    f"(settings: {', '.join(defaults)})",
                    ("rules", "settings", name),
                )
            )
    seen: set[tuple[str, str]] = set()
    for index, waiver in enumerate(config.waivers):
        if waiver.rule not in known or waiver.rule.startswith("V"):
            out.append(
                _v006(
                    doc,
                    f"waivers[{index}]: `{waiver.rule}` is not a rule that can be waived",
                    ("waivers", index, "rule"),
                )
            )
        key = (waiver.rule, waiver.record)
        if key in seen:
            out.append(
                _v006(
                    doc,
                    f"waivers[{index}]: a second waiver for {waiver.rule} on {waiver.record}; "
                    "keep one",
                    ("waivers", index),
                )
            )
        seen.add(key)
    return out


def load_config(root: Path) -> tuple[WorkspaceConfig, list[Finding], RawDocument]:
    """vpsec.yaml as a WorkspaceConfig, V006 findings for what is wrong in it, and its positions.

    A file that cannot be read at all is a ConfigError (exit 2). Invalid parts
    are reported and replaced by their defaults, so the records are still checked.
    """
    return config_from_document(_read(root))


def config_from_bytes(data: bytes) -> tuple[WorkspaceConfig, list[Finding], RawDocument]:
    """As load_config, for the content of a vpsec.yaml read from elsewhere (a git revision)."""
    return config_from_document(_parse(data))


def config_from_document(doc: RawDocument) -> tuple[WorkspaceConfig, list[Finding], RawDocument]:
    """The WorkspaceConfig of a parsed vpsec.yaml, its V006 findings, and the document."""
    value: dict[str, Any] = doc.value
    try:
        config = WorkspaceConfig.model_validate(value)
        findings: list[Finding] = []
    except ValidationError as error:
        findings = []
        bad_sections: set[str] = set()
        for detail in error.errors(include_url=False):
            loc, message = describe(detail, WorkspaceConfig)
            if loc:
                bad_sections.add(str(loc[0]))
            findings.append(_v006(doc, message, loc))
        config = _salvage(value, bad_sections)
    return config, findings + _semantic_findings(config, doc), doc
