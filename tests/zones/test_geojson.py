"""The zones file: every fault named with its feature, and a lossless round trip."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from pantau.errors import InputError
from pantau.zones import ZoneFileError, dump_zones, load_zones
from pantau.zones.defaults import reference_zones

SQUARE = [[101.0, 2.0], [101.2, 2.0], [101.2, 2.2], [101.0, 2.2], [101.0, 2.0]]
HOLE = [[101.05, 2.05], [101.05, 2.1], [101.1, 2.1], [101.1, 2.05], [101.05, 2.05]]


def feature(geometry: dict[str, Any] | None = None, **props: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": props,
        "geometry": geometry or {"type": "Polygon", "coordinates": [SQUARE]},
    }


def collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def good() -> dict[str, Any]:
    return collection(
        feature(name="Box", kind="aoi", source="test"),
        feature({"type": "Polygon", "coordinates": [SQUARE, HOLE]}, name="Holed"),
        feature({"type": "MultiPolygon", "coordinates": [[SQUARE], [[[x + 1, y] for x, y
                                                                     in SQUARE]]]},
                name="Two", kind="territorial_sea", version=3),
        feature({"type": "Point", "coordinates": [112.6, 4.3]}, name="Platform",
                kind="asset", radius_m=500),
        feature(name="Alpha", kind="exercise",
                active=[["2025-03-03T00:00:00Z", "2025-03-07T12:00:00+08:00"]]),
    )


def test_good_file() -> None:
    zones = load_zones(good())
    assert zones.names == ("Box", "Holed", "Two", "Platform", "Alpha")
    assert zones["Box"].kind == "aoi" and zones["Box"].properties == {"source": "test"}
    assert zones["Holed"].kind == "aoi"  # kind defaults to aoi
    assert len(zones["Holed"].polygons[0]) == 2
    assert len(zones["Two"].polygons) == 2 and zones["Two"].version == "3"
    assert zones["Platform"].point == (112.6, 4.3) and zones["Platform"].radius_m == 500.0
    (start, end), = zones["Alpha"].active or ()
    assert start.isoformat() == "2025-03-03T00:00:00+00:00"
    assert end.isoformat() == "2025-03-07T04:00:00+00:00"


def test_round_trip_through_a_file(tmp_path: Path) -> None:
    zones = load_zones(good())
    path = tmp_path / "zones.geojson"
    path.write_text(json.dumps(dump_zones(zones)))
    again = load_zones(path)
    assert again == zones
    assert dump_zones(again) == dump_zones(zones)
    assert [z.digest() for z in again] == [z.digest() for z in zones]


def test_round_trip_of_the_reference_zones() -> None:
    zones = reference_zones()
    assert load_zones(json.loads(json.dumps(dump_zones(zones)))) == zones


def broken(index: int, change: Any) -> dict[str, Any]:
    obj = copy.deepcopy(good())
    change(obj["features"][index])
    return obj


def _set(path: tuple[str, ...], value: Any) -> Any:
    def change(f: dict[str, Any]) -> None:
        target = f
        for key in path[:-1]:
            target = target[key]
        if value is _DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value
    return change


_DELETE = object()

CASES = [
    ("missing name", broken(0, _set(("properties", "name"), _DELETE)),
     r"feature 0: missing property 'name' \(required\)"),
    ("empty name", broken(0, _set(("properties", "name"), " ")),
     r"feature 0: property 'name' must be a non-empty string"),
    ("duplicate name", broken(1, _set(("properties", "name"), "Box")),
     r"feature 1 \('Box'\): duplicate name, feature 0 is already called 'Box'"),
    ("unknown kind", broken(0, _set(("properties", "kind"), "harbour")),
     r"feature 0 \('Box'\): unknown kind 'harbour' \(expected one of eez, territorial_sea"),
    ("bad geometry type", broken(0, _set(("geometry",), {"type": "LineString",
                                                          "coordinates": SQUARE})),
     r"feature 0 \('Box'\): geometry type 'LineString' is not supported"),
    ("no geometry", broken(0, _set(("geometry",), None)), r"feature 0 \('Box'\): has no geometry"),
    ("self-intersection", broken(0, _set(("geometry", "coordinates"), [[
        [101.0, 2.0], [101.2, 2.2], [101.2, 2.0], [101.0, 2.2], [101.0, 2.0]]])),
     r"feature 0 \('Box'\): invalid polygon: Self-intersection\[101.1 2.1\]"),
    ("hole outside shell", broken(1, _set(("geometry", "coordinates"), [
        SQUARE, [[x + 5, y] for x, y in HOLE]])),
     r"feature 1 \('Holed'\): invalid polygon: Hole lies outside shell"),
    ("ring not closed", broken(0, _set(("geometry", "coordinates"), [SQUARE[:-1]])),
     r"feature 0 \('Box'\): polygon 0 ring 0: is not closed"),
    ("ring too short", broken(0, _set(("geometry", "coordinates"), [SQUARE[:2] + SQUARE[:1]])),
     r"feature 0 \('Box'\): polygon 0 ring 0: has 3 positions"),
    ("not a position", broken(0, _set(("geometry", "coordinates"), [[[101.0], *SQUARE]])),
     r"feature 0 \('Box'\): polygon 0 ring 0: \[101.0\] is not a \[lon, lat\] position"),
    ("projected coordinates", broken(0, _set(("geometry", "coordinates"),
                                             [[[x * 1e5, y * 1e5] for x, y in SQUARE]])),
     r"feature 0 \('Box'\): polygon 0 ring 0: .* is outside lon -180..180"),
    ("point without radius", broken(3, _set(("properties", "radius_m"), _DELETE)),
     r"feature 3 \('Platform'\): a Point zone needs property 'radius_m' \(metres\)"),
    ("negative radius", broken(3, _set(("properties", "radius_m"), -1)),
     r"feature 3 \('Platform'\): 'radius_m' must be a positive number, got -1"),
    ("radius on a polygon", broken(0, _set(("properties", "radius_m"), 10)),
     r"feature 0 \('Box'\): 'radius_m' is only for Point geometries"),
    ("active does not parse", broken(4, _set(("properties", "active"),
                                             [["2025-03-03T00:00Z", "next tuesday"]])),
     r"feature 4 \('Alpha'\): active interval 0: cannot parse 'next tuesday' as ISO 8601"),
    ("active without timezone", broken(4, _set(("properties", "active"),
                                               [["2025-03-03T00:00", "2025-03-04T00:00Z"]])),
     r"feature 4 \('Alpha'\): active interval 0: '2025-03-03T00:00' has no timezone"),
    ("active ends before it starts", broken(4, _set(("properties", "active"), [
        ["2025-03-03T00:00:00Z", "2025-03-04T00:00:00Z"],
        ["2025-03-07T00:00:00Z", "2025-03-05T00:00:00Z"]])),
     r"feature 4 \('Alpha'\): active interval 1: ends \(2025-03-05T00:00:00Z\) before it "
     r"starts \(2025-03-07T00:00:00Z\)"),
    ("active empty interval", broken(4, _set(("properties", "active"), [
        ["2025-03-03T00:00:00Z", "2025-03-03T08:00:00+08:00"]])),
     r"feature 4 \('Alpha'\): active interval 0: is empty"),
    ("active not a pair", broken(4, _set(("properties", "active"), ["2025-03-03T00:00:00Z"])),
     r"feature 4 \('Alpha'\): active interval 0: '2025-03-03T00:00:00Z' is not \[start, end\]"),
    ("active on an aoi", broken(0, _set(("properties", "active"), [
        ["2025-03-03T00:00:00Z", "2025-03-04T00:00:00Z"]])),
     r"feature 0 \('Box'\): 'active' windows are only for kind 'exercise', not 'aoi'"),
    ("not a feature", broken(2, _set(("type",), "Polygon")),
     r"feature 2 \('Two'\): not a GeoJSON Feature"),
]


@pytest.mark.parametrize(("obj", "message"), [(c[1], c[2]) for c in CASES],
                         ids=[c[0] for c in CASES])
def test_each_fault_names_the_feature(obj: dict[str, Any], message: str) -> None:
    with pytest.raises(ZoneFileError, match=r"^zones: " + message):
        load_zones(obj)


def test_not_a_feature_collection() -> None:
    with pytest.raises(ZoneFileError, match=r"not a GeoJSON FeatureCollection \(type is "
                                            r"'Feature'\)"):
        load_zones(feature(name="x"))
    with pytest.raises(ZoneFileError, match="'features' must be a list"):
        load_zones({"type": "FeatureCollection", "features": {}})


def test_file_faults_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "zones.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [')
    with pytest.raises(ZoneFileError, match=rf"zones file {path}: not JSON \(.* line 1 column"):
        load_zones(path)
    path.write_bytes(b"\xff\xfe{}")
    with pytest.raises(ZoneFileError, match="not UTF-8"):
        load_zones(path)
    path.write_text(json.dumps(broken(0, _set(("properties", "name"), _DELETE))))
    with pytest.raises(ZoneFileError, match=rf"zones file {path}: feature 0: missing"):
        load_zones(str(path))
    with pytest.raises(InputError, match="no such file"):
        load_zones(tmp_path / "missing.geojson")
    with pytest.raises(InputError, match="is a directory"):
        load_zones(tmp_path)


def test_empty_collection_is_an_empty_set() -> None:
    assert len(load_zones(collection())) == 0
