"""What only the embedded backend has: files, versions, upgrades."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from pantau.store.base import StoreError, StoreVersionError
from pantau.store.embedded import DB_FILE, EmbeddedStore
from pantau.store.migrations import SCHEMA_VERSION


def test_a_store_from_an_older_version_is_upgraded_and_keeps_its_data(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path, target_version=1) as old:
        assert old.schema_version() == 1
        old.upsert("partners", pa.Table.from_pylist([{"code": "USA", "name": "United States"}]))
    with EmbeddedStore(tmp_path) as new:
        assert new.schema_version() == SCHEMA_VERSION
        assert new.select("partners")["code"].to_pylist() == ["USA"]
        assert new.count("ingests") == 0  # added by migration 2


def test_a_store_from_a_newer_version_is_refused_clearly(tmp_path: Path) -> None:
    EmbeddedStore(tmp_path).close()
    con = duckdb.connect(str(tmp_path / DB_FILE))
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                [str(SCHEMA_VERSION + 1)])
    con.close()
    with pytest.raises(StoreVersionError, match="newer pantau"):
        EmbeddedStore(tmp_path)
    with pytest.raises(StoreVersionError, match="newer pantau"):
        EmbeddedStore(tmp_path, read_only=True)


def test_data_directory_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreError, match="cannot create the data directory"):
        EmbeddedStore(blocker / "data")


def test_read_only_open_of_an_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no pantau data"):
        EmbeddedStore(tmp_path, read_only=True)


def test_a_damaged_store_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / DB_FILE).write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot open the store"):
        EmbeddedStore(tmp_path)
