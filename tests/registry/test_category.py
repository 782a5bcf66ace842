"""Category precedence: watchlist, then AIS ship type, then other."""

from __future__ import annotations

import pyarrow as pa
import pytest

from pantau.registry import categorise, parse_watchlist
from pantau.registry.errors import RegistryError

WATCHLIST = parse_watchlist("mmsi,category,name\n"
                            "412000001,maritime_militia,\n"
                            "413000002,survey,\n"
                            "533000003,own_asset,\n")


def test_precedence() -> None:
    mmsi = [412000001, 413000002, 533000003, 533000004, 533000005, 533000006, 533000007,
            None, 533000008]
    ship_type = [30, None, 55, 55, 35, 30, 70, 55, None]
    result = categorise(mmsi, ship_type, WATCHLIST)
    assert result.column("category").to_pylist() == [
        "maritime_militia", "survey", "own_asset", "law_enforcement", "navy", "fishing",
        "other", "law_enforcement", "other"]
    assert result.column("category_basis").to_pylist() == [
        "watchlist", "watchlist", "watchlist", "ship_type", "ship_type", "ship_type",
        "default", "ship_type", "default"]


def test_without_watchlist_and_with_a_plain_table() -> None:
    assert categorise([412000001], [30]).column("category").to_pylist() == ["fishing"]
    table = pa.table({"mmsi": [412000001, 412000001], "category": ["navy", "survey"]})
    result = categorise([412000001], [30], table)
    assert result.column("category").to_pylist() == ["navy"]  # the first row counts
    assert categorise([], [], WATCHLIST).num_rows == 0


def test_custom_hints() -> None:
    result = categorise([533000001], [51], hints={51: "law_enforcement"})
    assert result.to_pylist() == [{"category": "law_enforcement", "category_basis": "ship_type"}]


def test_misuse() -> None:
    with pytest.raises(RegistryError, match="length"):
        categorise([1, 2], [30])
    with pytest.raises(RegistryError, match="category"):
        categorise([1], [30], pa.table({"mmsi": [1]}))
