"""AGR: rules on agreements: MoUs with host-government bodies (AGR001-AGR009) and
contracts with local suppliers (AGR010)."""

from __future__ import annotations

from collections.abc import Iterator

from vpsec.models import Agreement, Deployment
from vpsec.rules.facts import about, lacking, listing, not_true
from vpsec.rules.registry import Context, Hit, rule


def _lacks(ctx: Context, verb: str, wanted: dict[str, str]) -> Iterator[Hit]:
    """A hit for every MoU whose clauses lack any of wanted (clause -> what it commits to)."""
    for record, model in ctx.workspace.each(Agreement):
        if not model.is_mou:
            continue
        missing = lacking(model.clauses, wanted)
        if missing:
            what = " or ".join(wanted[name] for name in missing)
            yield Hit(
                record,
                f"{about(record)} no record that the agreement {verb} {what} "
                f"({listing(missing)} not among its clauses)",
                "clauses",
            )


@rule("AGR001")
def voluntary_principles(ctx: Context) -> Iterator[Hit]:
    """An MoU must commit the parties to the Voluntary Principles."""
    yield from _lacks(
        ctx, "commits the parties to", {"voluntary_principles": "the Voluntary Principles"}
    )


@rule("AGR002")
def un_standards(ctx: Context) -> Iterator[Hit]:
    """An MoU must cite the UN Code of Conduct and Basic Principles on force."""
    yield from _lacks(
        ctx,
        "binds the forces to",
        {
            "un_code_of_conduct": "the UN Code of Conduct for Law Enforcement Officials",
            "un_basic_principles_force": (
                "the UN Basic Principles on the Use of Force and Firearms"
            ),
        },
    )


@rule("AGR003")
def expired(ctx: Context) -> Iterator[Hit]:
    """An active deployment must not rely on an expired MoU."""
    relied_on: dict[str, list[str]] = {}
    for record, deployment in ctx.workspace.each(Deployment):
        if deployment.agreement and deployment.is_active(ctx.as_of):
            relied_on.setdefault(deployment.agreement, []).append(record.id)
    for record, model in ctx.workspace.each(Agreement):
        deployments = relied_on.get(record.id)
        if model.is_mou and model.expires is not None and model.expires < ctx.as_of and deployments:
            yield Hit(
                record,
                f"{about(record)} expired on {model.expires.isoformat()}, but active "
                f"deployment(s) {', '.join(deployments)} still rely on it",
                "expires",
            )


@rule("AGR004")
def transparency(ctx: Context) -> Iterator[Hit]:
    """An MoU should be published or commit the parties to transparency."""
    for record, model in ctx.workspace.each(Agreement):
        if model.is_mou and not_true(model.published) and "transparency" not in model.clauses:
            yield Hit(
                record,
                f"{about(record)} no record that the agreement is published or commits the "
                "parties to transparency",
                "published",
            )


@rule("AGR005")
def proportionality(ctx: Context) -> Iterator[Hit]:
    """An MoU should require a proportionate deployment."""
    yield from _lacks(ctx, "requires", {"proportionality": "forces proportional to the threat"})


@rule("AGR006")
def taxes(ctx: Context) -> Iterator[Hit]:
    """An MoU may direct part of the company's taxes to resourcing public security."""
    yield from _lacks(
        ctx,
        "provides for",
        {
            "security_resources_from_taxes": (
                "part of the company's taxes to resource public security"
            )
        },
    )


@rule("AGR007")
def roles_and_rules(ctx: Context) -> Iterator[Hit]:
    """An MoU should define roles and deployment rules."""
    yield from _lacks(
        ctx,
        "sets out",
        {
            "roles_defined": "the roles of public and private security",
            "deployment_rules": "the rules for deploying the forces",
        },
    )


@rule("AGR008")
def incident_reporting(ctx: Context) -> Iterator[Hit]:
    """An MoU should set up incident reporting with public security."""
    yield from _lacks(ctx, "sets up", {"incident_reporting": "reporting of incidents"})


@rule("AGR009")
def training(ctx: Context) -> Iterator[Hit]:
    """An MoU should provide for human rights and IHL training of the forces."""
    yield from _lacks(ctx, "provides for", {"training": "training of the forces"})


@rule("AGR010")
def supplier_clauses(ctx: Context) -> Iterator[Hit]:
    """A local supplier's contract must prohibit human rights violations and illicit payments."""
    for record, model in ctx.workspace.each(Agreement):
        if not model.is_supplier_contract:
            continue
        missing = lacking(model.clauses, ["human_rights", "illicit_payments"])
        if missing:
            what = {
                "human_rights": "human rights violations",
                "illicit_payments": "illicit payments",
            }
            yield Hit(
                record,
                f"{about(record)} no record that the supplier contract prohibits "
                f"{' or '.join(what[name] for name in missing)} ({listing(missing)} not among "
                "its clauses)",
                "clauses",
            )
