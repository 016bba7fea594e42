"""The record models, one module per kind of the vpsec/v1 format.

Each model class declares what vpsec knows about its kind (`INFO`, a
`KindInfo`: label, folder, id prefix, date field, site field), how a message
describes one record (`describe`), and which of its fields hold personal
names (typed `PersonName`, see `vpsec.models.names`). `KINDS` is the registry
built from those classes; nothing else lists the kinds.

Kinds are imported on first use (PEP 562), so that reading `vpsec.yaml`
(`vpsec.models.config`) does not build every record model: a run whose
result is cached never needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from vpsec.models.common import API_VERSION, Record, RefSpec
from vpsec.models.kind import KindInfo

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

# The modules that define a record kind, in the order of the format's
# documentation (the order of `vpsec init`'s folders, of `vpsec schema` and of
# the kinds listed in messages). Only their names are written here, so that
# they can be imported late; what a kind is comes from its model class.
_KIND_MODULES = (
    "site",
    "deployment",
    "transfer",
    "meeting",
    "assessment",
    "agreement",
    "incident",
    "consultation",
    "decision",
)


def _kind_model(module_name: str) -> type[Record]:
    """The one record model a kind module defines."""
    module = importlib.import_module(f"vpsec.models.{module_name}")
    (model,) = (
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, Record)
        and value.__module__ == module.__name__
    )
    return model


def _kinds() -> dict[str, type[Record]]:
    kinds = {model.KIND: model for model in map(_kind_model, _KIND_MODULES)}
    globals()["KINDS"] = kinds
    globals().update({model.__name__: model for model in kinds.values()})
    return kinds


def __getattr__(name: str) -> Any:
    if name == "KINDS":
        return _kinds()
    if name == "WorkspaceConfig":
        from vpsec.models.config import WorkspaceConfig

        globals()[name] = WorkspaceConfig
        return WorkspaceConfig
    if name in __all__:
        # A model class: _kinds() has just put every one of them in globals().
        _kinds()
        return globals()[name]
    raise AttributeError(f"module 'vpsec.models' has no attribute {name!r}")


__all__ = [
    "API_VERSION",
    "KINDS",
    "Agreement",
    "Consultation",
    "Decision",
    "Deployment",
    "Incident",
    "KindInfo",
    "Meeting",
    "Record",
    "RefSpec",
    "RiskAssessment",
    "Site",
    "Transfer",
    "WorkspaceConfig",
]
