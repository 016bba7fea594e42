"""The record models, one per kind of the vpsec/v1 format.

Kinds are imported on first use (PEP 562), so that reading `vpsec.yaml`
(`vpsec.models.config`) does not build every record model: a run whose
result is cached never needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from vpsec.models.common import API_VERSION, Record, RefSpec

if TYPE_CHECKING:
    from vpsec.models.agreement import Agreement
    from vpsec.models.assessment import RiskAssessment
    from vpsec.models.config import WorkspaceConfig
    from vpsec.models.consultation import Consultation
    from vpsec.models.decision import Decision
    from vpsec.models.deployment import Deployment
    from vpsec.models.incident import Incident
    from vpsec.models.meeting import Meeting
    from vpsec.models.site import Site
    from vpsec.models.transfer import Transfer

    KINDS: dict[str, type[Record]]

# Model name -> module, in the order of the format's documentation.
_MODULES = {
    "Site": "site",
    "Deployment": "deployment",
    "Transfer": "transfer",
    "Meeting": "meeting",
    "RiskAssessment": "assessment",
    "Agreement": "agreement",
    "Incident": "incident",
    "Consultation": "consultation",
    "Decision": "decision",
    "WorkspaceConfig": "config",
}


def __getattr__(name: str) -> Any:
    if name == "KINDS":
        kinds = {kind: __getattr__(kind) for kind in _MODULES if kind != "WorkspaceConfig"}
        globals()["KINDS"] = kinds
        return kinds
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module 'vpsec.models' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"vpsec.models.{module}"), name)
    globals()[name] = value
    return value


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
