"""The vessels list answered from the prepared picture (numpy filters, JSON encoded once)
is the answer the rows give one by one: the same vessels, fields and values, in the same
order, for any filters; and a changed registry gives a new picture."""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pantau.api.access import DataAccess
from pantau.api.routes._picture import Filters, Picture, PictureCache, in_zone
from pantau.api.routes._rows import rows
from pantau.api.routes.vessels import IDENTITY
from pantau.store.embedded import EmbeddedStore
from tests.api._own import own_copy
from tests.api.conftest import Served


@pytest.fixture(scope="module")
def tables(served: Served) -> tuple[pa.Table, pa.Table]:
    with EmbeddedStore(served.data_dir, read_only=True) as store:
        identity = store.select("vessels", order_by="mmsi").select(IDENTITY)
    return identity, DataAccess(served.data_dir).last_positions()


def _one_by_one(identity: pa.Table, last: pa.Table, f: Filters, limit: int, offset: int
                ) -> dict[str, Any]:
    """The vessels list as the route made it before the picture: row by row."""
    table = identity
    if f.category is not None:
        table = table.filter(pc.equal(table["category"], f.category))
    if f.flag is not None:
        table = table.filter(pc.equal(table["flag"], f.flag))
    at = pc.index_in(table["mmsi"], value_set=last["mmsi"])
    found = last.take(at)
    for name in last.column_names[1:]:
        table = table.append_column(name, found[name])
    if f.box is not None:
        lon0, lat0, lon1, lat1 = f.box
        inside = pc.and_(pc.and_(pc.greater_equal(table["lon"], lon0),
                                 pc.less_equal(table["lon"], lon1)),
                         pc.and_(pc.greater_equal(table["lat"], lat0),
                                 pc.less_equal(table["lat"], lat1)))
        table = table.filter(pc.fill_null(inside, False))
    if f.zone is not None:
        table = table.filter(pa.array(in_zone(table["zones"], f.zone)))
    table = table.sort_by("mmsi")
    return {"total": table.num_rows, "limit": limit, "offset": offset,
            "items": rows(table.slice(offset, limit))}


@st.composite
def filters(draw: st.DrawFn) -> Filters:
    box = None
    if draw(st.booleans()):  # around the Danish test data, sometimes off it
        lon0 = draw(st.floats(0, 20))
        lat0 = draw(st.floats(50, 60))
        box = (lon0, lat0, lon0 + draw(st.floats(0, 8)), lat0 + draw(st.floats(0, 5)))
    return Filters(
        category=draw(st.none() | st.sampled_from(["other", "fishing", "law_enforcement",
                                                   "coast_guard"])),
        flag=draw(st.none() | st.sampled_from(["DK", "SE", "DE", "NO", "MY"])),
        zone=draw(st.none() | st.sampled_from(["Kattegat", "Nowhere"])), box=box)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(f=filters(), limit=st.integers(1, 1000), offset=st.integers(0, 2000))
def test_the_picture_answers_as_the_rows_do(tables: tuple[pa.Table, pa.Table], f: Filters,
                                           limit: int, offset: int) -> None:
    identity, last = tables
    picture = PictureCache().get(identity, last)
    got = json.loads(picture.page(picture.select(f), limit, offset))
    assert got == json.loads(json.dumps(_one_by_one(identity, last, f, limit, offset)))


def test_times_keep_their_fraction_and_nan_is_null() -> None:
    identity = pa.table({"mmsi": pa.array([1, 2], pa.int64()),
                         "first_seen": pa.array([1_700_000_000_000_000, 1_700_000_000_250_000],
                                                pa.timestamp("us", tz="UTC"))})
    last = pa.table({"mmsi": pa.array([2], pa.int64()), "lon": [float("nan")], "lat": [1.5]})
    picture = Picture(identity, last)
    items = json.loads(picture.page(picture.select(Filters()), 10, 0))["items"]
    assert items == json.loads(json.dumps(rows(picture.table)))
    assert items[1]["first_seen"] == "2023-11-14T22:13:20.250000Z"
    assert items[0]["first_seen"] == "2023-11-14T22:13:20Z"
    assert items[1]["lon"] is None and items[0]["lat"] is None


def test_a_changed_registry_gives_a_new_picture(tables: tuple[pa.Table, pa.Table]) -> None:
    identity, last = tables
    cache = PictureCache()
    first = cache.get(identity, last)
    assert cache.get(identity.slice(0), last) is first  # equal rows: kept
    renamed = identity.set_column(identity.schema.get_field_index("shipname"), "shipname",
                                  pa.array(["RENAMED"] * identity.num_rows, pa.string()))
    second = cache.get(renamed, last)
    assert second is not first
    assert json.loads(second.items[0])["shipname"] == "RENAMED"


def test_the_route_sees_a_vessel_ingested_after_it_answered(served: Served,
                                                           tmp_path: Any) -> None:
    with own_copy(served, tmp_path) as (mine, client):
        before = client.get("/api/vessels", params={"limit": 1},
                            headers=mine.auth()).json()["total"]
        with EmbeddedStore(mine.data_dir) as store:  # as `pantau ingest` would
            vessel = store.select("vessels", limit=1).to_pylist()[0]
            store.upsert("vessels", pa.Table.from_pylist(
                [vessel | {"mmsi": 111222333, "shipname": "NEWCOMER"}],
                schema=store.select("vessels", limit=0).schema))
        r = client.get("/api/vessels", params={"limit": 1000}, headers=mine.auth())
    body = r.json()
    assert body["total"] == before + 1
    assert any(v["mmsi"] == 111222333 and v["shipname"] == "NEWCOMER"
               and v["lon"] is None for v in body["items"])
