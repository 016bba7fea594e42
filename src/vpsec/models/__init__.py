"""The record models, one per kind of the vpsec/v1 format."""

from vpsec.models.agreement import Agreement
from vpsec.models.assessment import RiskAssessment
from vpsec.models.common import API_VERSION, Record, RefSpec
from vpsec.models.config import WorkspaceConfig
from vpsec.models.consultation import Consultation
from vpsec.models.decision import Decision
from vpsec.models.deployment import Deployment
from vpsec.models.incident import Incident
from vpsec.models.meeting import Meeting
from vpsec.models.site import Site
from vpsec.models.transfer import Transfer

KINDS: dict[str, type[Record]] = {
    model.KIND: model
    for model in (
        Site,
        Deployment,
        Transfer,
        Meeting,
        RiskAssessment,
        Agreement,
        Incident,
        Consultation,
        Decision,
    )
}

__all__ = [
    "API_VERSION",
    "KINDS",
    "Agreement",
    "Consultation",
    "Decision",
    "Deployment",
    "Incident",
    "Meeting",
    "Record",
    "RefSpec",
    "RiskAssessment",
    "Site",
    "Transfer",
    "WorkspaceConfig",
]
