"""How the service reads a data directory.

Store: a read-only :class:`EmbeddedStore` open only while requests need it. DuckDB lets
one process write a file and, while it does, no other process open it; holding a
connection for the life of the service would lock `pantau users` and `pantau ingest` out
for as long as it runs. Requests in flight together share one attachment of the file,
made by the first and ended soon after the last (see :mod:`pantau.api.lease`), so those
commands can write between requests, and a burst of requests pays for one open. While
one of them holds the write lock, a request retries briefly and then answers 503 with
Retry-After, never stale or partial data.

With live inputs (`pantau serve --udp/--tcp-*`) the service is the store's writer: it opens
one read-write store for the life of the process and every request reads through it
(:class:`SharedStore`, one lock: a DuckDB connection is not to be used by two threads at
once). `pantau users` and `pantau ingest` cannot open the store while such a service runs;
stop it (or run them against another data directory) first.

Positions come from the Parquet archive, which needs no lock; the current picture (each
vessel's last position) is computed once per set of archive files and reused until an
ingest commits new files.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pantau.api.lease import StoreUnavailable as StoreUnavailable  # routes import it from here
from pantau.api.lease import leases_for
from pantau.store.archive import PositionArchive
from pantau.store.base import StoreError, StoreVersionError, Where
from pantau.store.embedded import DB_FILE, EmbeddedStore
from pantau.store.migrations import SCHEMA_VERSION

LAST_POSITIONS = pa.schema([
    ("mmsi", pa.int64()), ("lon", pa.float64()), ("lat", pa.float64()),
    ("last_position_at", pa.timestamp("us", tz="UTC")), ("zones", pa.list_(pa.string())),
])


def prepare(data_dir: Path) -> None:
    """Create or upgrade the store before serving; a store another process is writing is
    accepted if it is already at this pantau's schema version."""
    # another service object in this process may be reading the file: wait for it
    with leases_for(data_dir).exclusive():
        try:
            EmbeddedStore(data_dir).close()
            return
        except StoreVersionError:
            raise
        except StoreError:
            if not (data_dir / DB_FILE).exists():
                raise
        with EmbeddedStore(data_dir, read_only=True) as store:
            found = store.schema_version()
    if found < SCHEMA_VERSION:
        raise StoreError(f"{data_dir}: the store needs an upgrade (v{found} to "
                         f"v{SCHEMA_VERSION}) and another process holds it; stop that "
                         "process and start the service again")


class SharedStore:
    """One read-write store shared by the threads of the process, one call at a time."""

    def __init__(self, store: EmbeddedStore):
        self._store = store
        self._lock = threading.RLock()

    def schema_version(self) -> int:
        with self._lock:
            return self._store.schema_version()

    def upsert(self, table: str, rows: pa.Table) -> int:
        with self._lock:
            return self._store.upsert(table, rows)

    def select(self, table: str, where: Where | None = None, order_by: str | None = None,
               limit: int | None = None) -> pa.Table:
        with self._lock:
            return self._store.select(table, where, order_by, limit)

    def count(self, table: str, where: Where | None = None) -> int:
        with self._lock:
            return self._store.count(table, where)

    def delete(self, table: str, where: Where) -> int:
        with self._lock:
            return self._store.delete(table, where)

    def put_config(self, kind: str, name: str, content: str) -> int:
        with self._lock:
            return self._store.put_config(kind, name, content)

    def get_config(self, kind: str, name: str, version: int | None = None) -> str | None:
        with self._lock:
            return self._store.get_config(kind, name, version)

    def __getattr__(self, name: str) -> Any:
        # anything else a route needs from the store, under the same lock
        attr = getattr(self._store, name)
        if not callable(attr):
            return attr

        def locked(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return attr(*args, **kwargs)
        return locked

    def close(self) -> None:
        with self._lock:
            self._store.close()


class DataAccess:
    def __init__(self, data_dir: Path, shared: SharedStore | None = None):
        self.data_dir = data_dir
        self.shared = shared
        self.archive = PositionArchive(data_dir)
        self._lock = threading.Lock()
        self._computing = threading.Lock()
        self._picture_key: tuple[str, ...] | None = None
        self._picture = LAST_POSITIONS.empty_table()
        self.leases = leases_for(data_dir)

    def store(self) -> Iterator[EmbeddedStore]:
        """A FastAPI dependency: a read-only store for one request (the shared one, with
        live inputs)."""
        if self.shared is not None:
            # quacks as an EmbeddedStore: every method, under the lock
            yield self.shared  # type: ignore[misc]
            return
        with self.leases.read() as store:
            yield store

    def last_positions(self) -> pa.Table:
        """One row per vessel: its latest archived position with a fix, and its zones."""
        files = tuple(str(f) for f in self.archive.files())
        with self._lock:
            if files == self._picture_key:
                return self._picture
        # one computes, the requests arriving meanwhile wait for it and share the answer
        with self._computing:
            with self._lock:
                if files == self._picture_key:
                    return self._picture
            table = _last_positions(self.archive) if files else LAST_POSITIONS.empty_table()
            with self._lock:
                self._picture_key, self._picture = files, table
        return table


def _last_positions(archive: PositionArchive) -> pa.Table:
    sql = """
        SELECT mmsi, arg_max(lon, received_at) AS lon, arg_max(lat, received_at) AS lat,
               max(received_at) AS last_position_at,
               arg_max(zones, received_at) AS zones
        FROM read_parquet(?, hive_partitioning = true, hive_types = {'day': VARCHAR})
        WHERE lon IS NOT NULL AND lat IS NOT NULL
        GROUP BY mmsi ORDER BY mmsi
    """
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        table = con.sql(sql, params=[str(archive.root / "day=*" / "*.parquet")]
                        ).to_arrow_table()
    finally:
        con.close()
    return table.cast(LAST_POSITIONS)
