"""The map's data, without a browser: the offline basemap, the current picture and the
replay, on small archives written here (exact answers) and checked as properties."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pantau.geo import haversine_m
from pantau.store.archive import PositionArchive
from pantau.web import basemap
from pantau.web.picture import (
    MAX_REPLAY_STEPS,
    REPLAY_HOLD,
    ReplayTooLarge,
    ReplayWindow,
    current_picture,
    newest_position,
    replay,
)
from pantau.zones.defaults import reference_zones

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
ARCHIVED = pa.schema([("mmsi", pa.int64()), ("received_at", pa.timestamp("us", tz="UTC")),
                      ("lon", pa.float64()), ("lat", pa.float64()), ("speed", pa.float64()),
                      ("course", pa.float64()), ("heading", pa.int64())])
_runs = iter(range(10**9))


def archive_of(root: object, fixes: list[dict[str, object]]) -> PositionArchive:
    archive = PositionArchive(root)  # type: ignore[arg-type]
    run = f"run{next(_runs)}"
    archive.stage(run, pa.Table.from_pylist(fixes, schema=ARCHIVED))
    archive.commit(run)
    return archive


def fix(mmsi: int, minutes: float, lon: float, lat: float = 3.0, heading: int | None = None,
        course: float | None = 90.0) -> dict[str, object]:
    return {"mmsi": mmsi, "received_at": T0 + timedelta(minutes=minutes), "lon": lon,
            "lat": lat, "speed": 10.0, "course": course, "heading": heading}


# -- basemap ------------------------------------------------------------------------------

@pytest.mark.parametrize(("lon", "lat", "radius_m"), [
    (112.6, 4.3, 500.0), (103.5, 1.2, 3000.0), (179.99, 60.0, 2000.0)])
def test_a_circle_is_closed_counter_clockwise_and_its_radius_away(
        lon: float, lat: float, radius_m: float) -> None:
    ring = basemap.circle(lon, lat, radius_m)
    assert ring[0] == ring[-1] and len(ring) == basemap.CIRCLE_VERTICES + 1
    for x, y in ring:
        assert -180 <= x <= 180
        # the antimeridian case is measured across it
        assert haversine_m(lon, lat, x if abs(x - lon) < 180 else x + 360 * math.copysign(
            1, lon), y) == pytest.approx(radius_m, rel=1e-3)
    if abs(lon) < 179:
        assert shapely.LinearRing(ring).is_ccw


@pytest.mark.parametrize("radius_m", [0.0, -5.0, math.nan, math.inf])
def test_a_circle_needs_a_positive_radius(radius_m: float) -> None:
    with pytest.raises(basemap.BasemapError, match="positive"):
        basemap.circle(112.0, 4.0, radius_m)


def test_point_zones_become_circles_and_centres_and_areas_stay() -> None:
    zones = reference_zones()
    drawn = basemap.map_zones(zones)["features"]
    points = [z for z in zones if z.point is not None]
    assert len(drawn) == len(zones) + len(points)
    shapes = {(f["properties"]["name"], f["properties"]["shape"]) for f in drawn}
    assert ("Platform SK-A", "circle") in shapes and ("Platform SK-A", "centre") in shapes
    assert ("Luconia Shoals", "area") in shapes
    eez = next(f for f in drawn if f["properties"]["name"] == "EEZ-MYS")
    assert "Flanders Marine Institute" in eez["properties"]["attribution"]


def test_land_is_the_shipped_natural_earth() -> None:
    land = basemap.land()
    assert land["type"] == "FeatureCollection" and len(land["features"]) > 100
    assert {f["properties"]["layer"] for f in land["features"]} == {"land", "minor_islands"}


# -- the current picture ------------------------------------------------------------------

def test_the_picture_is_each_vessels_newest_fix_within_a_day(tmp_path: object) -> None:
    archive = archive_of(tmp_path, [
        fix(1, 0, 100.0), fix(1, 10, 100.1, heading=80), fix(1, 5, 100.05),
        fix(2, -60 * 30, 101.0),  # 30 h before the newest: gone from the picture
        fix(3, 9, 102.0, course=None)])
    vessels = pa.table({"mmsi": [1, 2], "shipname": ["KD ONE", "TWO"],
                        "category": ["navy", "fishing"], "flag": ["MY", "CN"],
                        "ship_type": [35, 30], "length_m": [90, 40]})
    p = current_picture(archive, vessels)
    assert p["as_of"] == "2026-03-01T08:10:00Z" and p["count"] == 2
    assert p["mmsi"] == [1, 3] and p["lon"] == [100.1, 102.0]
    assert p["heading"] == [80, None] and p["course"] == [90.0, None]
    assert p["shipname"] == ["KD ONE", None] and p["category"] == ["navy", None]
    assert newest_position(archive) == T0 + timedelta(minutes=10)


def test_an_empty_archive_is_an_empty_picture(tmp_path: object) -> None:
    no_vessels = pa.table({"mmsi": pa.array([], pa.int64())})
    p = current_picture(PositionArchive(tmp_path), no_vessels)  # type: ignore[arg-type]
    assert p["count"] == 0 and p["mmsi"] == [] and p["as_of"] is None


# -- the replay ---------------------------------------------------------------------------

def test_replay_frames_carry_the_last_fix_and_drop_a_stale_one(tmp_path: object) -> None:
    archive = archive_of(tmp_path, [
        fix(7, -20, 99.0),  # before the window, within the hold: seeds the first frames
        fix(7, 12, 99.5, heading=45), fix(7, 14, 99.6, heading=50),
        fix(8, 61, 98.0, course=None),  # no heading nor course: null direction
    ])
    window = ReplayWindow(T0, T0 + timedelta(hours=1, minutes=30), 600)
    r = replay(archive, window)
    assert r["times"][0] == "2026-03-01T08:10:00Z" and len(r["times"]) == 9
    assert r["mmsi"] == [7, 8]
    # 7: seeded at -20 min (held to +10 min), its 14-minute fix from the second frame on,
    # held 30 minutes: frames ending at 20, 30, 40 min; gone after
    assert r["lon"][0] == [99.0, 99.6, 99.6, 99.6, None, None, None, None, None]
    assert r["heading"][0][:2] == [90.0, 50.0]
    assert r["lon"][1] == [None] * 6 + [98.0, 98.0, 98.0]
    assert r["heading"][1][6] is None


def test_a_replay_too_long_for_its_step_is_refused(tmp_path: object) -> None:
    archive = archive_of(tmp_path, [fix(1, 0, 100.0)])
    with pytest.raises(ReplayTooLarge, match="longer step_s"):
        replay(archive, ReplayWindow(T0, T0 + timedelta(seconds=10 * (MAX_REPLAY_STEPS + 1)),
                                     10))


# longitudes to 4 decimals, so that the replay's rounding to 5 leaves them as they are
fixes_st = st.lists(st.tuples(st.integers(1, 3), st.integers(-50, 130),
                              st.integers(990_000, 1_010_000).map(lambda x: x / 10_000)),
                    max_size=25, unique_by=lambda f: (f[0], f[1]))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(fixes=fixes_st, step_min=st.sampled_from([5, 10, 25, 45]))
def test_every_frame_shows_the_newest_fix_not_older_than_the_hold(
        tmp_path_factory: pytest.TempPathFactory, fixes: list[tuple[int, int, float]],
        step_min: int) -> None:
    root = tmp_path_factory.mktemp("replay")
    window = ReplayWindow(T0, T0 + timedelta(minutes=120), step_min * 60)
    if not fixes:
        assert replay(PositionArchive(root), window)["mmsi"] == []
        return
    archive = archive_of(root, [fix(m, t, lon) for m, t, lon in fixes])
    r = replay(archive, window)
    hold = max(REPLAY_HOLD, timedelta(minutes=step_min))
    for k, time in enumerate(r["times"]):
        end = datetime.fromisoformat(time)
        for i, mmsi in enumerate(r["mmsi"]):
            seen = [(T0 + timedelta(minutes=t), lon) for m, t, lon in fixes if m == mmsi
                    and T0 - REPLAY_HOLD <= T0 + timedelta(minutes=t) < min(end, window.until)]
            newest = max(seen, default=None)
            expected = newest[1] if newest and end - newest[0] <= hold else None
            assert r["lon"][i][k] == (None if expected is None else round(expected, 5))
