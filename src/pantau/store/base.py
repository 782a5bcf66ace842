"""The Store interface: operational tables behind one small, backend-neutral API.

Backends (embedded DuckDB today, PostgreSQL later) implement :class:`Store`; the same
conformance suite (tests/store/test_conformance.py) runs against each. Rows go in and come
out as Arrow tables whose schemas are those of :data:`pantau.schema.STORE_TABLES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import pyarrow as pa

from pantau.errors import PantauError

#: A filter: column -> value (equality) or (op, value) with op in =, !=, <, <=, >, >=.
Where = Mapping[str, object]
OPS = ("=", "!=", "<", "<=", ">", ">=")


class StoreError(PantauError):
    """The store cannot be opened or used."""


class StoreVersionError(StoreError):
    """The store was written by a newer pantau than this one."""


class Store(Protocol):
    """Operational tables: vessels, history, events, incidents, partners, agreements,
    audit, users, configs (zones and watchlists by name and version), ingests."""

    def schema_version(self) -> int: ...

    def upsert(self, table: str, rows: pa.Table) -> int:
        """Insert rows, replacing rows with the same primary key; returns rows written."""
        ...

    def select(self, table: str, where: Where | None = None, order_by: str | None = None,
               limit: int | None = None) -> pa.Table: ...

    def count(self, table: str, where: Where | None = None) -> int: ...

    def delete(self, table: str, where: Where) -> int: ...

    def put_config(self, kind: str, name: str, content: str) -> int:
        """Keep zones or a watchlist under a name; a new version only when it changed."""
        ...

    def get_config(self, kind: str, name: str, version: int | None = None) -> str | None: ...

    def close(self) -> None: ...
