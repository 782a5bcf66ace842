"""Zone and ZoneSet values: validation, activity windows, masks of active zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pantau.errors import PantauError
from pantau.zones import Zone, ZoneError, ZoneSet
from pantau.zones.model import to_us

SQUARE = np.array([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]], dtype=float)
T0 = datetime(2025, 3, 3, tzinfo=UTC)
T1 = datetime(2025, 3, 7, 12, tzinfo=UTC)
T2 = datetime(2025, 9, 15, tzinfo=UTC)
T3 = datetime(2025, 9, 19, tzinfo=UTC)


def exercise() -> Zone:
    return Zone(name="Alpha", kind="exercise", polygons=((SQUARE,),), active=((T0, T1), (T2, T3)))


def test_errors_are_pantau_errors() -> None:
    with pytest.raises(PantauError):
        Zone(name="x", kind="aoi")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "", "kind": "aoi", "polygons": ((SQUARE,),)}, "non-empty string"),
        ({"name": "a", "kind": "zone", "polygons": ((SQUARE,),)}, "kind 'zone' is not one of"),
        ({"name": "a", "kind": "aoi"}, "either polygons or a point"),
        ({"name": "a", "kind": "asset", "point": (1.0, 2.0)}, "needs radius_m > 0"),
        ({"name": "a", "kind": "asset", "point": (1.0, 2.0), "radius_m": -5}, "radius_m > 0"),
        ({"name": "a", "kind": "aoi", "polygons": ((SQUARE,),), "radius_m": 5.0},
         "radius_m is only for point zones"),
        ({"name": "a", "kind": "aoi", "polygons": ((SQUARE[:-1],),)}, "not closed"),
        ({"name": "a", "kind": "aoi", "polygons": ((SQUARE + 200,),)}, "outside lon"),
        ({"name": "a", "kind": "aoi", "polygons": ((SQUARE,),), "active": ((T0, T1),)},
         "only exercise zones"),
        ({"name": "a", "kind": "exercise", "polygons": ((SQUARE,),), "active": ((T1, T0),)},
         "ends"),
    ],
)
def test_zone_validation(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ZoneError, match=message):
        Zone(**kwargs)  # type: ignore[arg-type]


def test_zone_is_immutable_and_comparable() -> None:
    z = exercise()
    assert not z.polygons[0][0].flags.writeable
    with pytest.raises(TypeError):
        z.properties["x"] = 1  # type: ignore[index]
    assert z == exercise()
    assert z != Zone(name="Alpha", kind="exercise", polygons=((SQUARE * 0.5,),))
    assert z.digest() == exercise().digest()
    assert z.bounds() == (0.0, 0.0, 1.0, 1.0)


def test_non_exercise_zones_are_always_active() -> None:
    z = Zone(name="a", kind="aoi", polygons=((SQUARE,),))
    assert z.is_active(T0)
    t = np.array([0, to_us(T0), np.iinfo(np.int64).min], dtype=np.int64)
    assert z.active_mask(t).all()


def test_exercise_windows_are_half_open() -> None:
    z = exercise()
    us = timedelta(microseconds=1)
    assert not z.is_active(T0 - us)
    assert z.is_active(T0)
    assert z.is_active(T1 - us)
    assert not z.is_active(T1)
    assert z.is_active(T2 + timedelta(days=1))
    # an offset other than UTC names the same instant
    assert z.is_active(T0.astimezone(timezone(timedelta(hours=8))))


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ZoneError, match="naive"):
        exercise().is_active(datetime(2025, 3, 4))


def test_active_mask_inputs_agree() -> None:
    z = exercise()
    times = [T0 - timedelta(seconds=1), T0, T1, T2, T3 - timedelta(microseconds=1), T3]
    expected = [z.is_active(t) for t in times]
    as_us = np.array([to_us(t) for t in times], dtype=np.int64)
    assert z.active_mask(as_us).tolist() == expected
    as_dt64 = np.array([t.replace(tzinfo=None) for t in times], dtype="datetime64[us]")
    assert z.active_mask(as_dt64).tolist() == expected
    arrow = pa.array([*times, None], pa.timestamp("us", tz="UTC"))
    assert z.active_mask(arrow).tolist() == [*expected, False]
    with pytest.raises(ZoneError, match="timezone-aware"):
        z.active_mask(pa.array([0], pa.timestamp("us")))
    with pytest.raises(ZoneError, match="int64 microseconds"):
        z.active_mask(np.array([0.5]))


@given(st.lists(st.integers(to_us(T0) - 10**12, to_us(T3) + 10**12), max_size=50))
def test_active_mask_matches_is_active(times: list[int]) -> None:
    z = exercise()
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    expected = [z.is_active(epoch + timedelta(microseconds=t)) for t in times]
    assert z.active_mask(np.array(times, dtype=np.int64)).tolist() == expected


def test_zoneset_order_names_and_words() -> None:
    zones = ZoneSet(
        Zone(name=f"z{k}", kind="asset", point=(100.0 + k * 0.01, 2.0), radius_m=100.0)
        for k in range(70)
    )
    assert len(zones) == 70
    assert zones.n_words == 2
    assert zones.index("z65") == 65
    assert zones["z3"] is zones[3]
    assert "z69" in zones and "nope" not in zones
    assert zones.select(["z2", "z1"]).names == ("z2", "z1")
    assert len(zones.of_kind("asset")) == 70
    assert ZoneSet().n_words == 1
    with pytest.raises(ZoneError, match="no zone named"):
        zones.index("nope")
    with pytest.raises(ZoneError, match="kind 'harbour'"):
        zones.of_kind("harbour")


def test_zoneset_refuses_duplicates() -> None:
    a = Zone(name="a", kind="aoi", polygons=((SQUARE,),))
    with pytest.raises(ZoneError, match=r"'a' is used twice \(zones 0 and 1\)"):
        ZoneSet([a, a])


def test_active_words() -> None:
    zones = ZoneSet([Zone(name="always", kind="aoi", polygons=((SQUARE,),)), exercise()])
    t = np.array([to_us(T0) - 1, to_us(T0)], dtype=np.int64)
    words = zones.active_words(t)
    assert words.dtype == np.uint64 and words.shape == (2, 1)
    assert words[:, 0].tolist() == [0b01, 0b11]
