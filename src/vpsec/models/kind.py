"""What vpsec knows about a record kind besides its fields, declared once on its model.

Each model class carries one `KindInfo` as `INFO`; `vpsec init`/`new` (folders
and ids), the index of records by site, the reports ("what happened since the
last risk assessment") and rule messages all read it from there, so adding a
kind is adding one model module.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KindInfo:
    """The kind-level facts of a record kind."""

    # How a reader names one record of the kind, in lower case ("risk assessment").
    label: str
    # The folder `vpsec init` creates for the kind and `vpsec new` writes into.
    folder: str
    # The first part of an id that `vpsec new` makes up ("trf-2026-03-02-1a2b").
    id_prefix: str
    # The field holding the record's own date, None for a kind that has none.
    date_field: str | None
    # The field naming the sites a record concerns: one id (`site`), a list of
    # ids (`sites`), or `id` for a Site, which concerns itself. None: no site.
    site_field: str | None
