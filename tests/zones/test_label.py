"""Labelling agrees with shapely off the edges; transitions rebuild membership."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest
import shapely
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pantau.geo import haversine_m
from pantau.zones import Zone, ZoneError, ZoneIndex, ZoneSet, in_zone, transitions, zone_indices

#: points nearer an edge than this may go either way (DESIGN: "exactly on edges")
ON_EDGE = 1e-10


def zone_of(geom: shapely.Geometry, name: str = "z") -> Zone:
    polys = tuple(
        (np.asarray(p.exterior.coords), *(np.asarray(r.coords) for r in p.interiors))
        for p in shapely.get_parts(geom)
    )
    return Zone(name=name, kind="aoi", polygons=polys)


coord = st.floats(0.0, 10.0, allow_nan=False, allow_infinity=False)
blob = st.tuples(coord, coord, st.floats(0.05, 3.0))
box = st.tuples(coord, coord, st.floats(0.05, 4.0), st.floats(0.05, 4.0))


@st.composite
def polygonal(draw: st.DrawFn) -> shapely.Geometry:
    """Unions of discs and boxes with discs cut out: holes, several parts, shared edges."""
    quad = draw(st.integers(1, 6))
    shapes = [shapely.Point(x, y).buffer(r, quad_segs=quad) for x, y, r in draw(
        st.lists(blob, max_size=4))]
    shapes += [shapely.box(x, y, x + w, y + h) for x, y, w, h in draw(st.lists(box, max_size=3))]
    assume(shapes)
    cuts = [shapely.Point(x, y).buffer(r * 0.5, quad_segs=quad)
            for x, y, r in draw(st.lists(blob, max_size=3))]
    grid = draw(st.sampled_from([0.0, 0.5, 0.01]))
    try:
        geom = shapely.union_all(shapes)
        if cuts:
            geom = shapely.difference(geom, shapely.union_all(cuts))
        if grid:  # snapping makes collinear edges, repeated y values, grid-aligned vertices
            with np.errstate(divide="ignore", invalid="ignore"):
                geom = shapely.set_precision(geom, grid)
    except shapely.errors.GEOSException:  # a GEOS overlay failure is not ours to test
        assume(False)
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and p.area > 0]
    assume(parts)
    return shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]


@st.composite
def probes(draw: st.DrawFn, geom: shapely.Geometry) -> np.ndarray:
    xy = shapely.get_coordinates(geom)
    free = draw(st.lists(st.tuples(st.floats(-1, 11), st.floats(-1, 11)), max_size=40))
    picks = draw(st.lists(st.integers(0, len(xy) - 1), max_size=40))
    jitter = draw(st.sampled_from([1e-7, 1e-3, 0.1]))
    pts = [np.array(free, dtype=float).reshape(-1, 2)]
    for k in picks:  # along the horizontal and vertical lines through vertices, and near them
        pts.append(np.array([[xy[k, 0] + jitter, xy[k, 1]], [xy[k, 0], xy[k, 1] - jitter],
                             [xy[k, 0] - jitter, xy[k, 1] + jitter],
                             [draw(st.floats(-1, 11)), xy[k, 1]],
                             [xy[k, 0], draw(st.floats(-1, 11))]]))
    return np.vstack(pts)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), cells_per_edge=st.sampled_from([1, 8, 50]))
def test_agrees_with_shapely(data: st.DataObject, cells_per_edge: int) -> None:
    geom = data.draw(polygonal())
    index = ZoneIndex.build(ZoneSet([zone_of(geom)]), cells_per_edge=cells_per_edge)
    pts = data.draw(probes(geom))
    got = in_zone(index.label(pts[:, 0], pts[:, 1]), 0)
    expected = shapely.contains_xy(geom, pts[:, 0], pts[:, 1])
    with np.errstate(divide="ignore", invalid="ignore"):
        off_edge = shapely.distance(geom.boundary, shapely.points(pts)) > ON_EDGE
    np.testing.assert_array_equal(got[off_edge], expected[off_edge])


def test_reference_eez_agrees_with_shapely() -> None:
    from pantau.zones.defaults import reference_zones
    from pantau.zones.geojson import to_shapely_polygons

    eez = reference_zones()["EEZ-MYS"]
    index = ZoneIndex.build(ZoneSet([eez]))
    rng = np.random.default_rng(5)
    x0, y0, x1, y1 = eez.bounds()
    # uniform, plus points a few metres off the vertices, where the islands are
    xy = shapely.get_coordinates(to_shapely_polygons(eez.polygons))
    near = xy[rng.integers(0, len(xy), 100_000)] + rng.normal(0, 3e-5, (100_000, 2))
    lon = np.concatenate([rng.uniform(x0, x1, 200_000), near[:, 0]])
    lat = np.concatenate([rng.uniform(y0, y1, 200_000), near[:, 1]])
    geom = to_shapely_polygons(eez.polygons)
    expected = shapely.contains_xy(geom, lon, lat)
    np.testing.assert_array_equal(in_zone(index.label(lon, lat), 0), expected)


def test_nan_and_null_lie_in_no_zone() -> None:
    zones = ZoneSet([Zone(name="all", kind="aoi", polygons=((np.array(
        [[-180, -90], [180, -90], [180, 90], [-180, 90], [-180, -90]], float),),))])
    index = ZoneIndex.build(zones)
    mask = index.label(pa.array([1.0, None, np.nan, 2.0]), pa.array([1.0, 1.0, 1.0, None]))
    assert in_zone(mask, 0).tolist() == [True, False, False, False]
    with pytest.raises(ZoneError, match="differ in length"):
        index.label([1.0], [1.0, 2.0])


def test_circles_match_haversine() -> None:
    zones = ZoneSet([Zone(name="P", kind="port", point=(103.7, 1.3), radius_m=3000.0),
                     Zone(name="A", kind="asset", point=(112.6, 4.3), radius_m=500.0)])
    index = ZoneIndex.build(zones)
    rng = np.random.default_rng(1)
    for k, zone in enumerate(zones):
        assert zone.point is not None and zone.radius_m is not None
        lon = zone.point[0] + rng.uniform(-0.05, 0.05, 20_000)
        lat = zone.point[1] + rng.uniform(-0.05, 0.05, 20_000)
        d = np.array([haversine_m(x, y, *zone.point) for x, y in zip(lon, lat, strict=True)])
        got = in_zone(index.label(lon, lat), k)
        clear = np.abs(d - zone.radius_m) > 1.0  # a metre of slack for the flat-earth test
        np.testing.assert_array_equal(got[clear], (d <= zone.radius_m)[clear])
        assert got.sum() > 0


def test_many_zones_use_several_words() -> None:
    zones = ZoneSet(Zone(name=f"s{k}", kind="aoi", polygons=((np.array(
        [[k, 0], [k + 1, 0], [k + 1, 1], [k, 1], [k, 0]], float),),)) for k in range(130))
    index = ZoneIndex.build(zones)
    mask = index.label(np.arange(130) + 0.5, np.full(130, 0.5))
    assert mask.shape == (130, 3)
    for k in range(130):
        assert zone_indices(mask[k]) == [k]
        assert in_zone(mask, k)[k]
    with pytest.raises(ZoneError, match="not in a mask"):
        in_zone(mask, 200)


def test_overlapping_zones_set_several_bits() -> None:
    big = np.array([[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], float)
    zones = ZoneSet([Zone(name="big", kind="eez", polygons=((big,),)),
                     Zone(name="small", kind="aoi", polygons=((big * 0.25 + 1,),)),
                     Zone(name="pt", kind="asset", point=(1.5, 1.5), radius_m=1000.0)])
    mask = ZoneIndex.build(zones).label([1.5, 3.0, 5.0], [1.5, 3.0, 5.0])
    assert [zone_indices(r) for r in mask] == [[0, 1, 2], [0], []]


def test_build_refuses_misuse() -> None:
    with pytest.raises(ZoneError, match="needs a ZoneSet"):
        ZoneIndex.build([])  # type: ignore[arg-type]


def words(*bits: list[int]) -> np.ndarray:
    out = np.zeros((len(bits), 2), dtype=np.uint64)
    for r, row in enumerate(bits):
        for k in row:
            out[r, k // 64] |= np.uint64(1) << np.uint64(k % 64)
    return out


def test_transitions_within_segments_only() -> None:
    mask = words([], [0], [0, 70], [70], [], [0], [0])
    seg = np.array([1, 1, 1, 1, 1, 2, 2])
    t = transitions(mask, seg)
    assert list(zip(t.entry_point, t.entry_zone, strict=True)) == [(1, 0), (2, 70)]
    assert list(zip(t.exit_point, t.exit_zone, strict=True)) == [(3, 0), (4, 70)]
    # row 5 starts segment 2 inside zone 0: not an entry, nothing seen crossing the border


def test_transitions_step_over_rows_without_position() -> None:
    mask = words([0], [], [0])
    t = transitions(mask, np.zeros(3, int), valid=np.array([True, False, True]))
    assert t.entry_point.size == 0 and t.exit_point.size == 0
    t = transitions(mask, np.zeros(3, int))
    assert t.exit_point.tolist() == [1] and t.entry_point.tolist() == [2]


def test_transitions_refuse_misuse() -> None:
    with pytest.raises(ZoneError, match="uint64"):
        transitions(np.zeros((3, 1), dtype=np.int64), np.zeros(3))
    with pytest.raises(ZoneError, match="segment_ids"):
        transitions(np.zeros((3, 1), dtype=np.uint64), np.zeros(2))


@given(st.lists(st.tuples(st.integers(0, 2), st.sets(st.integers(0, 69), max_size=4)),
                max_size=60))
def test_transitions_rebuild_membership(rows: list[tuple[int, set[int]]]) -> None:
    seg = np.sort(np.array([r[0] for r in rows], dtype=np.int64))
    mask = words(*[sorted(r[1]) for r in rows])
    t = transitions(mask, seg)
    state: set[int] = set()
    for i in range(len(rows)):
        if i == 0 or seg[i] != seg[i - 1]:
            state = set(zone_indices(mask[i]))
            continue
        state |= {int(z) for p, z in zip(t.entry_point, t.entry_zone, strict=True) if p == i}
        state -= {int(z) for p, z in zip(t.exit_point, t.exit_zone, strict=True) if p == i}
        assert state == set(zone_indices(mask[i]))
    assert math.isfinite(len(t.entry_point))


def test_empty_and_point_only_sets() -> None:
    assert ZoneIndex.build(ZoneSet()).label([1.0], [2.0]).tolist() == [[0]]
    only = ZoneIndex.build(ZoneSet([Zone(name="p", kind="port", point=(1.0, 2.0),
                                         radius_m=100.0)]))
    assert only.label([1.0, 1.01], [2.0, 2.0])[:, 0].tolist() == [1, 0]
