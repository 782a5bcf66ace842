"""Distance to shore and to ports: exact search, grid interpolation, save and load."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.errors import InputError
from pantau.geo import M_PER_DEG, haversine_m
from pantau.zones import DistanceGrid, PortIndex, Zone, ZoneError, ZoneSet
from pantau.zones._nearest import _seg_m
from pantau.zones.defaults import land_geometry
from pantau.zones.distance import nearest_coast_m

ISLAND = shapely.box(110.0, 2.0, 110.5, 2.5)


def brute(lon: float, lat: float, seg: np.ndarray) -> float:
    cq, sq = math.cos(math.radians(lat)), math.sin(math.radians(lat))
    return min(_seg_m(lon, lat, cq, sq, seg, k) for k in range(len(seg)))


segment = st.tuples(*[st.floats(0, 3)] * 4)


@settings(max_examples=60, deadline=None)
@given(st.lists(segment, min_size=1, max_size=40),
       st.lists(st.tuples(st.floats(-2, 5), st.floats(-2, 5)), min_size=1, max_size=30),
       st.sampled_from([0.05, 0.3, 2.0]))
def test_bucket_search_finds_the_nearest_segment(
    segs: list[tuple[float, ...]], queries: list[tuple[float, float]], bucket: float
) -> None:
    seg = np.array(segs, dtype=float)
    q = np.array(queries, dtype=float)
    got = nearest_coast_m(q[:, 0], q[:, 1], seg, bucket)
    expected = [brute(x, y, seg) for x, y in q]
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-6)


def test_metric_is_close_to_great_circle() -> None:
    # a densely sampled line: the nearest vertex's haversine distance is the truth
    line = np.column_stack([np.linspace(100, 104, 4001), np.linspace(0, 6, 4001)])
    seg = np.hstack([line[:-1], line[1:]])
    rng = np.random.default_rng(2)
    q = np.column_stack([rng.uniform(97, 107, 200), rng.uniform(-3, 9, 200)])
    got = nearest_coast_m(q[:, 0], q[:, 1], seg)
    truth = np.array([min(haversine_m(x, y, a, b) for a, b in line[::1]) for x, y in q])
    assert np.all(np.abs(got - truth) <= 0.005 * truth + 150.0)


def test_no_segments_is_infinitely_far() -> None:
    assert nearest_coast_m(np.array([1.0]), np.array([1.0]), np.zeros((0, 4)))[0] == np.inf


def test_small_island_grid() -> None:
    grid = DistanceGrid.build(ISLAND, (109.0, 1.0, 111.5, 3.5), 0.05)
    assert grid.shape == (50, 50)
    assert grid.on_land([110.25], [2.25])[0]
    assert not grid.on_land([109.5], [2.25])[0]
    # 0.1 deg inside the west shore, 0.5 deg off it: where the distance field is linear,
    # bilinear interpolation between cell centres is exact
    np.testing.assert_allclose(grid.distance_m([110.1], [2.25]),
                               0.1 * M_PER_DEG * math.cos(math.radians(2.25)), rtol=1e-3)
    np.testing.assert_allclose(grid.distance_m([109.5], [2.25]),
                               0.5 * M_PER_DEG * math.cos(math.radians(2.25)), rtol=1e-3)
    # at the ridge in the middle the interpolation reads low by at most half a cell
    centre = grid.distance_m([110.25], [2.25])[0]
    assert 0.22 * M_PER_DEG < centre <= 0.25 * M_PER_DEG
    assert np.isnan(grid.distance_m([108.0, np.nan], [2.0, 2.0])).all()
    assert not grid.on_land([np.nan], [2.0])[0]


def test_lines_give_distance_but_no_land() -> None:
    grid = DistanceGrid.build([ISLAND.exterior], (109.0, 1.0, 111.5, 3.5), 0.1)
    assert not grid.cell_on_land.any()
    assert grid.distance_m([110.25], [2.25])[0] > 20_000


def test_clip_box_edges_are_not_coast() -> None:
    half = shapely.box(110.0, 2.0, 111.0, 3.0)  # land cut at lon 111 by its source's box
    kept = DistanceGrid.build(half, (109.0, 1.0, 111.0, 4.0), 0.05)
    cut = DistanceGrid.build(half, (109.0, 1.0, 111.0, 4.0), 0.05,
                             clip_box=(100.0, 0.0, 111.0, 10.0))
    assert kept.distance_m([110.9], [2.5])[0] < 12_000
    assert cut.distance_m([110.9], [2.5])[0] > 50_000


def test_save_and_load(tmp_path: Path) -> None:
    grid = DistanceGrid.build(ISLAND, (109.0, 1.0, 111.5, 3.5), 0.1, source="test-1")
    path = tmp_path / "grid.npz"
    grid.save(path)
    again = DistanceGrid.load(path)
    assert again.bbox == grid.bbox and again.cell_deg == grid.cell_deg
    assert again.source == "test-1"
    np.testing.assert_array_equal(again.cell_distance_m, grid.cell_distance_m)
    np.testing.assert_array_equal(again.cell_on_land, grid.cell_on_land)
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(InputError, match="not a pantau grid file"):
        DistanceGrid.load(tmp_path / "junk.npz")
    with pytest.raises(InputError, match="does not exist"):
        DistanceGrid.load(tmp_path / "missing.npz")


def test_build_refuses_misuse() -> None:
    with pytest.raises(ZoneError, match="ordered lon/lat box"):
        DistanceGrid.build(ISLAND, (111.0, 1.0, 109.0, 3.0), 0.1)
    with pytest.raises(ZoneError, match="cell_deg"):
        DistanceGrid.build(ISLAND, (109.0, 1.0, 111.0, 3.0), 0.0)


def _offshore(lon: float, lat: float, metres: float) -> tuple[float, float]:
    """The point ``metres`` out to sea from the coast point nearest a sea position."""
    coast = shapely.boundary(land_geometry())
    px, py = shapely.shortest_line(coast, shapely.Point(lon, lat)).coords[0]
    kx = M_PER_DEG * math.cos(math.radians(py))
    v = np.array([(lon - px) * kx, (lat - py) * M_PER_DEG])
    v /= np.linalg.norm(v)
    return px + v[0] * metres / kx, py + v[1] * metres / M_PER_DEG


def test_reference_land_distances() -> None:
    land = land_geometry()
    # middle of the South China Sea, north-west of Luconia
    far = DistanceGrid.build(land, (111.5, 7.5, 112.5, 8.5), 0.05)
    assert far.distance_m([112.0], [8.0])[0] > 100_000
    assert not far.on_land([112.0], [8.0])[0]
    # 1 km off the Sarawak coast near Miri, at the reference 0.02 degree cells
    qx, qy = _offshore(113.5, 3.9, 1000.0)
    near = DistanceGrid.build(land, (qx - 0.3, qy - 0.3, qx + 0.3, qy + 0.3), 0.02)
    assert abs(near.distance_m([qx], [qy])[0] - 1000.0) < 250.0
    assert not near.on_land([qx], [qy])[0]
    # Borneo's interior
    inland = DistanceGrid.build(land, (114.0, 0.5, 115.0, 1.5), 0.05)
    assert inland.on_land([114.5], [1.0])[0]
    assert inland.distance_m([114.5], [1.0])[0] > 100_000


def test_ports_nearest_matches_brute_force() -> None:
    rng = np.random.default_rng(4)
    plon, plat = rng.uniform(95, 125, 50), rng.uniform(-5, 15, 50)
    ports = PortIndex([f"p{k}" for k in range(50)], plon, plat)
    lon, lat = rng.uniform(95, 125, 500), rng.uniform(-5, 15, 500)
    dist, idx = ports.nearest(lon, lat)
    for x, y, d, i in zip(lon, lat, dist, idx, strict=True):
        all_d = [haversine_m(x, y, a, b) for a, b in zip(plon, plat, strict=True)]
        assert i == int(np.argmin(all_d))
        assert d == pytest.approx(min(all_d), rel=1e-9)


def test_ports_nan_empty_and_from_zones() -> None:
    zones = ZoneSet([
        Zone(name="Miri", kind="port", point=(113.96, 4.38), radius_m=3000.0),
        Zone(name="Rig", kind="asset", point=(112.6, 4.3), radius_m=500.0),
        Zone(name="Kuching", kind="port", point=(110.35, 1.56), radius_m=3000.0),
    ])
    ports = PortIndex.from_zones(zones)
    assert ports.names == ("Miri", "Kuching") and len(ports) == 2
    dist, idx = ports.nearest([113.96, np.nan, 110.4], [4.39, 1.0, 1.56])
    assert idx.tolist() == [0, -1, 1]
    assert dist[0] == pytest.approx(1112, abs=5) and np.isnan(dist[1])
    empty = PortIndex([], [], [])
    d, i = empty.nearest([1.0], [1.0])
    assert np.isnan(d[0]) and i[0] == -1
    with pytest.raises(ZoneError, match="same length"):
        PortIndex(["a"], [1.0, 2.0], [1.0, 2.0])
