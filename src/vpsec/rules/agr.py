"""AGR: rules on agreements (MoUs) with public security bodies."""

from __future__ import annotations

from collections.abc import Iterator

from vpsec.models import Agreement, Deployment
from vpsec.rules.facts import label, lacking, listing, not_true
from vpsec.rules.registry import Context, Hit, rule


def _lacks(ctx: Context, wanted: list[str], why: str) -> Iterator[Hit]:
    for record, model in ctx.workspace.each(Agreement):
        missing = lacking(model.clauses, wanted)
        if missing:
            noun = "clause" if len(missing) == 1 else "clauses"
            message = f"{label(record)} lacks the {listing(missing)} {noun}{why}"
            yield Hit(record, message, "clauses")


@rule("AGR001")
def voluntary_principles(ctx: Context) -> Iterator[Hit]:
    """An agreement must commit the parties to the Voluntary Principles."""
    yield from _lacks(ctx, ["voluntary_principles"], "")


@rule("AGR002")
def un_standards(ctx: Context) -> Iterator[Hit]:
    """An agreement must cite the UN Code of Conduct and Basic Principles on force."""
    yield from _lacks(
        ctx,
        ["un_code_of_conduct", "un_basic_principles_force"],
        " (UN standards for law enforcement and the use of force)",
    )


@rule("AGR003")
def expired(ctx: Context) -> Iterator[Hit]:
    """An active deployment must not rely on an expired agreement."""
    relied_on: dict[str, list[str]] = {}
    for record, deployment in ctx.workspace.each(Deployment):
        if deployment.agreement and deployment.is_active(ctx.as_of):
            relied_on.setdefault(deployment.agreement, []).append(record.id)
    for record, model in ctx.workspace.each(Agreement):
        deployments = relied_on.get(record.id)
        if model.expires is not None and model.expires < ctx.as_of and deployments:
            yield Hit(
                record,
                f"{label(record)} expired on {model.expires.isoformat()}, but active "
                f"deployment(s) {', '.join(deployments)} still rely on it",
                "expires",
            )


@rule("AGR004")
def transparency(ctx: Context) -> Iterator[Hit]:
    """An agreement should be published or commit the parties to transparency."""
    for record, model in ctx.workspace.each(Agreement):
        if not_true(model.published) and "transparency" not in model.clauses:
            yield Hit(
                record,
                f"{label(record)} is not published and lacks the `transparency` clause",
                "published",
            )


@rule("AGR005")
def proportionality(ctx: Context) -> Iterator[Hit]:
    """An agreement should require a proportionate deployment."""
    yield from _lacks(ctx, ["proportionality"], "")


@rule("AGR006")
def taxes(ctx: Context) -> Iterator[Hit]:
    """An agreement may direct part of the company's taxes to resourcing public security."""
    yield from _lacks(ctx, ["security_resources_from_taxes"], "")


@rule("AGR007")
def roles_and_rules(ctx: Context) -> Iterator[Hit]:
    """An agreement should define roles and deployment rules."""
    yield from _lacks(ctx, ["roles_defined", "deployment_rules"], "")
