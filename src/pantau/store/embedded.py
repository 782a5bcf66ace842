"""The embedded store: one DuckDB file in the data directory, no server.

DuckDB gives one writer process at a time (it locks the file); readers in other processes
should go through that process (the service) or open it read-only.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from pantau.store.base import StoreError, StoreVersionError, Where
from pantau.store.migrations import MIGRATIONS, SCHEMA_VERSION
from pantau.store.sql import conform, order_sql, quote, table_def, where_sql

DB_FILE = "pantau.duckdb"


class EmbeddedStore:
    """:class:`pantau.store.base.Store` on a DuckDB file."""

    def __init__(self, data_dir: str | Path, read_only: bool = False,
                 target_version: int = SCHEMA_VERSION):
        self.data_dir = Path(data_dir)
        if not read_only:
            try:
                self.data_dir.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise StoreError(f"{self.data_dir}: cannot create the data directory "
                                 f"({e.strerror or e})") from None
        path = self.data_dir / DB_FILE
        if read_only and not path.exists():
            raise StoreError(f"{self.data_dir}: no pantau data here (run pantau ingest first)")
        try:
            self._con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as e:
            if "lock" in str(e).lower():
                # the usual cause: `pantau serve` with live inputs, which keeps the store
                # open for writing as long as it runs (DuckDB allows one writer)
                raise StoreError(
                    f"{path}: another process holds the store (a running `pantau serve` "
                    "with live inputs, or a `pantau ingest`); stop it and try again, or "
                    f"use the service's API ({e})") from None
            raise StoreError(f"{path}: cannot open the store ({e})") from None
        self._con.execute("SET TimeZone = 'UTC'")
        if not read_only:
            self._migrate(target_version)
        elif self.schema_version() > SCHEMA_VERSION:
            raise self._too_new(self.schema_version())

    # -- schema ---------------------------------------------------------------------------
    def _too_new(self, found: int) -> StoreVersionError:
        return StoreVersionError(
            f"{self.data_dir} was written by a newer pantau (store schema v{found}); this "
            f"pantau reads up to v{SCHEMA_VERSION}: upgrade pantau to open it")

    def schema_version(self) -> int:
        has_meta = self._con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
        ).fetchall()
        if has_meta[0][0] == 0:
            return 0
        rows = self._con.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        return int(rows[0][0]) if rows else 0

    def _migrate(self, target: int) -> None:
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise self._too_new(current)
        if current >= target:
            return
        con = self._con
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            for statements in MIGRATIONS[current:target]:
                for sql in statements:
                    con.execute(sql)
            con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                        [str(target)])
            con.execute("COMMIT")
        except duckdb.Error:
            con.execute("ROLLBACK")
            raise

    # -- rows -----------------------------------------------------------------------------
    def upsert(self, table: str, rows: pa.Table) -> int:
        t = table_def(table)
        data = conform(t, rows)
        if data.num_rows == 0:
            return 0
        self._con.register("_rows", data)
        try:
            self._con.execute(f"INSERT OR REPLACE INTO {quote(table)} SELECT * FROM _rows")
        finally:
            self._con.unregister("_rows")
        return int(data.num_rows)

    def select(self, table: str, where: Where | None = None, order_by: str | None = None,
               limit: int | None = None) -> pa.Table:
        t = table_def(table)
        clause, params = where_sql(t, where)
        sql = f"SELECT * FROM {quote(table)}{clause}{order_sql(t, order_by)}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        result = self._con.sql(sql, params=params).to_arrow_table()
        return conform(t, result)

    def count(self, table: str, where: Where | None = None) -> int:
        t = table_def(table)
        clause, params = where_sql(t, where)
        rows = self._con.execute(f"SELECT count(*) FROM {quote(table)}{clause}",
                                 params).fetchall()
        return int(rows[0][0])

    def delete(self, table: str, where: Where) -> int:
        if not where:
            raise StoreError("delete needs a filter (refusing to empty a whole table)")
        t = table_def(table)
        clause, params = where_sql(t, where)
        n = self.count(table, where)
        self._con.execute(f"DELETE FROM {quote(table)}{clause}", params)
        return n

    # -- configs --------------------------------------------------------------------------
    def put_config(self, kind: str, name: str, content: str) -> int:
        digest = hashlib.sha256(content.encode()).hexdigest()
        latest = self.select("configs", {"kind": kind, "name": name},
                             order_by="version desc", limit=1)
        if latest.num_rows:
            version = int(latest["version"][0].as_py())
            if latest["sha256"][0].as_py() == digest:
                return version
        else:
            version = 0
        self.upsert("configs", pa.Table.from_pylist([{
            "kind": kind, "name": name, "version": version + 1,
            "created_at": datetime.now(UTC), "sha256": digest, "content": content}]))
        return version + 1

    def get_config(self, kind: str, name: str, version: int | None = None) -> str | None:
        where: dict[str, object] = {"kind": kind, "name": name}
        if version is not None:
            where["version"] = version
        rows = self.select("configs", where, order_by="version desc", limit=1)
        return rows["content"][0].as_py() if rows.num_rows else None

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
