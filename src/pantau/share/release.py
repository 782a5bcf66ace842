"""A release: what one agreement lets go to its partners, ready for any output format.

Formats (GeoJSON, KML, CSV, Cursor-on-Target, STIX) render a :class:`Release` and nothing
else, so that no format can see a record the policy did not pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pyarrow as pa

from pantau.schema import RELEASE_TABLES
from pantau.share.model import Agreement, Partner


@dataclass(frozen=True)
class Release:
    agreement: Agreement
    partners: tuple[Partner, ...]
    policy_version: str
    released_at: datetime
    since: datetime | None = None
    until: datetime | None = None
    #: one table per key of pantau.schema.RELEASE_TABLES, with that schema
    tables: dict[str, pa.Table] = field(default_factory=dict)
    #: records withheld, by category then reason
    denied: dict[str, dict[str, int]] = field(default_factory=dict)

    def table(self, name: str) -> pa.Table:
        found = self.tables.get(name)
        return found if found is not None else RELEASE_TABLES[name].empty_table()

    @property
    def releasable_to(self) -> tuple[str, ...]:
        """Partner codes, for CoT `releasableto` and STIX markings."""
        return tuple(p.code for p in self.partners)

    def counts(self) -> dict[str, int]:
        return {name: self.table(name).num_rows for name in RELEASE_TABLES}
