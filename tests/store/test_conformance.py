"""The Store contract, run against every backend in conftest.BACKENDS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest

from pantau.schema import STORE_TABLES
from pantau.store.base import Store, StoreError
from pantau.store.migrations import SCHEMA_VERSION

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def _vessel(mmsi: int, name: str, seen: datetime = T0) -> dict[str, object]:
    return {"mmsi": mmsi, "shipname": name, "ship_type": 55, "length_m": 84, "flag": "MY",
            "first_seen": seen, "last_seen": seen, "category": "law_enforcement",
            "category_basis": "ship_type"}


def test_migrated_to_the_current_schema_version(store: Store) -> None:
    assert store.schema_version() == SCHEMA_VERSION


@pytest.mark.parametrize("name", sorted(STORE_TABLES))
def test_every_table_exists_with_the_schema_module_columns(store: Store, name: str) -> None:
    empty = store.select(name)
    assert empty.num_rows == 0
    assert empty.schema.names == STORE_TABLES[name].schema.names


def test_upsert_then_select_round_trips_types_and_utc(store: Store) -> None:
    rows = pa.Table.from_pylist([_vessel(533000001, "KD TUNAS"), _vessel(412000002, "HAIJING")])
    assert store.upsert("vessels", rows) == 2
    got = store.select("vessels", order_by="mmsi").to_pylist()
    assert [r["mmsi"] for r in got] == [412000002, 533000001]
    assert got[1]["shipname"] == "KD TUNAS" and got[1]["length_m"] == 84
    assert got[1]["first_seen"] == T0 and got[1]["first_seen"].utcoffset() == timedelta(0)
    assert got[1]["imo"] is None


def test_upsert_replaces_rows_with_the_same_key(store: Store) -> None:
    store.upsert("vessels", pa.Table.from_pylist([_vessel(533000001, "OLD")]))
    store.upsert("vessels", pa.Table.from_pylist([_vessel(533000001, "NEW")]))
    assert store.count("vessels") == 1
    assert store.select("vessels")["shipname"].to_pylist() == ["NEW"]


def test_filters_order_and_limit(store: Store) -> None:
    rows = [_vessel(100 + i, f"V{i}", T0 + timedelta(hours=i)) for i in range(10)]
    store.upsert("vessels", pa.Table.from_pylist(rows))
    late = store.select("vessels", {"last_seen": (">=", T0 + timedelta(hours=7))})
    assert sorted(late["mmsi"].to_pylist()) == [107, 108, 109]
    top = store.select("vessels", order_by="mmsi desc", limit=2)
    assert top["mmsi"].to_pylist() == [109, 108]
    assert store.count("vessels", {"imo": None}) == 10
    assert store.count("vessels", {"mmsi": ("!=", 100)}) == 9


def test_bad_names_and_operators_are_refused_not_injected(store: Store) -> None:
    with pytest.raises(StoreError, match="no table"):
        store.select("vessels; DROP TABLE vessels")
    with pytest.raises(StoreError, match="no column"):
        store.select("vessels", {"mmsi = 1 OR 1=1 --": 1})
    with pytest.raises(StoreError, match="unknown operator"):
        store.select("vessels", {"mmsi": ("; DROP", 1)})
    with pytest.raises(StoreError, match="no column"):
        store.upsert("vessels", pa.Table.from_pylist([{"mmsi": 1, "colour": "red"}]))
    with pytest.raises(StoreError, match="key"):
        store.upsert("vessels", pa.Table.from_pylist([{"shipname": "NO KEY"}]))
    with pytest.raises(StoreError, match="filter"):
        store.delete("vessels", {})


def test_delete_by_filter(store: Store) -> None:
    store.upsert("vessels", pa.Table.from_pylist([_vessel(1, "A"), _vessel(2, "B")]))
    assert store.delete("vessels", {"mmsi": 1}) == 1
    assert store.select("vessels")["mmsi"].to_pylist() == [2]


def test_event_with_reserved_column_names(store: Store) -> None:
    event = {"event_id": "e1", "kind": "loitering", "mmsi": 1, "start": T0,
             "end": T0 + timedelta(hours=5), "duration_s": 18000.0, "details": "{}"}
    store.upsert("events", pa.Table.from_pylist([event]))
    got = store.select("events", {"end": (">", T0)}).to_pylist()
    assert got[0]["end"] == T0 + timedelta(hours=5)


def test_configs_are_versioned_by_content(store: Store) -> None:
    assert store.put_config("zones", "reference", '{"a": 1}') == 1
    assert store.put_config("zones", "reference", '{"a": 1}') == 1  # unchanged: same version
    assert store.put_config("zones", "reference", '{"a": 2}') == 2
    assert store.get_config("zones", "reference") == '{"a": 2}'
    assert store.get_config("zones", "reference", version=1) == '{"a": 1}'
    assert store.get_config("zones", "missing") is None
    assert store.get_config("watchlist", "reference") is None
