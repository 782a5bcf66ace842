"""The zones file (DESIGN.md): a GeoJSON FeatureCollection, one zone per feature.

Properties read by pantau:

``name``
    required, unique in the file.
``kind``
    one of ``eez, territorial_sea, aoi, asset, exercise, port``; ``aoi`` when left out, so
    a polygon drawn in any GeoJSON editor is usable once it has a name.
``radius_m``
    required for Point geometries (offshore assets, ports), refused on polygons.
``active``
    exercise areas only: a list of ``[start, end]`` ISO 8601 instants with a timezone
    (``Z`` or an offset), read as half-open ``[start, end)``. Left out, the area is standing.
``version``
    optional label of the zone's revision (default ``"1"``).

Every other property is kept as is and written back by :func:`dump_zones`. Geometries are
Polygon, MultiPolygon or Point, in lon/lat degrees (RFC 7946), rings closed, polygons valid
in the OGC sense (checked with shapely). Any problem raises
:class:`~pantau.zones.errors.ZoneFileError` naming the feature and the fault; a zones file
is configuration, so it is refused whole rather than half used.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from pantau.errors import read_input
from pantau.zones.errors import ZoneError, ZoneFileError
from pantau.zones.model import ZONE_KINDS, Interval, Polygon, Zone, ZoneSet

_RESERVED = ("name", "kind", "radius_m", "active", "version")
_GEOMETRY_TYPES = ("Polygon", "MultiPolygon", "Point")


class _FeatureFault(Exception):
    """What is wrong with one feature; the caller adds which feature it is."""


def load_zones(source: str | PathLike[str] | Mapping[str, Any]) -> ZoneSet:
    """Read a zones file (path) or take an already parsed GeoJSON object."""
    if isinstance(source, Mapping):
        return parse_zones(source)
    path = Path(source)
    raw = read_input(path, "zones file")
    try:
        obj = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ZoneFileError(f"zones file {path}: not UTF-8 text ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise ZoneFileError(
            f"zones file {path}: not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    return parse_zones(obj, source=str(path))


def parse_zones(obj: Any, source: str | None = None) -> ZoneSet:
    """Zones from a GeoJSON FeatureCollection already decoded from JSON (pure)."""
    where = f"zones file {source}" if source else "zones"
    if not isinstance(obj, Mapping) or obj.get("type") != "FeatureCollection":
        found = obj.get("type") if isinstance(obj, Mapping) else type(obj).__name__
        raise ZoneFileError(f"{where}: not a GeoJSON FeatureCollection (type is {found!r})")
    features = obj.get("features")
    if not isinstance(features, list):
        raise ZoneFileError(f"{where}: 'features' must be a list")
    zones: list[Zone] = []
    seen: dict[str, int] = {}
    for i, feature in enumerate(features):
        name = _name_of(feature)
        label = f"{where}: feature {i}" + (f" ({name!r})" if name else "")
        try:
            zone = _zone(feature)
        except _FeatureFault as fault:
            raise ZoneFileError(f"{label}: {fault}") from None
        except ZoneError as exc:  # a structural check the model makes that we did not
            raise ZoneFileError(f"{label}: {exc}") from None
        if zone.name in seen:
            raise ZoneFileError(
                f"{label}: duplicate name, feature {seen[zone.name]} is already called "
                f"{zone.name!r}"
            )
        seen[zone.name] = i
        zones.append(zone)
    return ZoneSet(zones)


def dump_zones(zones: ZoneSet) -> dict[str, Any]:
    """A GeoJSON FeatureCollection that :func:`load_zones` reads back to equal zones."""
    return {"type": "FeatureCollection", "features": [_feature(z) for z in zones]}


def _name_of(feature: Any) -> str | None:
    if isinstance(feature, Mapping) and isinstance(feature.get("properties"), Mapping):
        name = feature["properties"].get("name")
        if isinstance(name, str) and name.strip():
            return name
    return None


def _zone(feature: Any) -> Zone:
    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        raise _FeatureFault("not a GeoJSON Feature")
    props = feature.get("properties")
    if props is None:
        props = {}
    if not isinstance(props, Mapping):
        raise _FeatureFault("'properties' must be an object")
    name = props.get("name")
    if name is None:
        raise _FeatureFault("missing property 'name' (required)")
    if not isinstance(name, str) or not name.strip():
        raise _FeatureFault(f"property 'name' must be a non-empty string, got {name!r}")
    kind = props.get("kind", "aoi")
    if kind not in ZONE_KINDS:
        raise _FeatureFault(f"unknown kind {kind!r} (expected one of {', '.join(ZONE_KINDS)})")
    geometry = feature.get("geometry")
    if not isinstance(geometry, Mapping):
        raise _FeatureFault("has no geometry")
    gtype = geometry.get("type")
    if gtype not in _GEOMETRY_TYPES:
        raise _FeatureFault(
            f"geometry type {gtype!r} is not supported (Polygon, MultiPolygon, or Point "
            "with radius_m)"
        )
    coords = geometry.get("coordinates")
    radius = props.get("radius_m")
    polygons: tuple[Polygon, ...] = ()
    point: tuple[float, float] | None = None
    if gtype == "Point":
        point = _position(coords, "Point coordinates")
        if radius is None:
            raise _FeatureFault("a Point zone needs property 'radius_m' (metres)")
        if isinstance(radius, bool) or not isinstance(radius, int | float) or not (
            math.isfinite(radius) and radius > 0
        ):
            raise _FeatureFault(f"'radius_m' must be a positive number, got {radius!r}")
    else:
        if radius is not None:
            raise _FeatureFault("'radius_m' is only for Point geometries")
        raw_polys = [coords] if gtype == "Polygon" else coords
        if not isinstance(raw_polys, list) or not raw_polys:
            raise _FeatureFault(f"{gtype} coordinates must be a non-empty list")
        polygons = tuple(_polygon(p, k) for k, p in enumerate(raw_polys))
        _check_valid(polygons)
    active = _active(props.get("active"), kind)
    version = props.get("version", "1")
    if not isinstance(version, str | int) or isinstance(version, bool):
        raise _FeatureFault(f"'version' must be a string or an integer, got {version!r}")
    extra = {k: v for k, v in props.items() if k not in _RESERVED}
    return Zone(name=name, kind=kind, polygons=polygons, point=point,
                radius_m=None if radius is None else float(radius), active=active,
                properties=extra, version=str(version))


def _position(value: Any, what: str) -> tuple[float, float]:
    if (
        not isinstance(value, list)
        or len(value) < 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        raise _FeatureFault(f"{what}: {value!r} is not a [lon, lat] position")
    lon, lat = float(value[0]), float(value[1])
    if not (math.isfinite(lon) and math.isfinite(lat) and abs(lon) <= 180 and abs(lat) <= 90):
        raise _FeatureFault(f"{what}: [{lon}, {lat}] is outside lon -180..180 / lat -90..90")
    return lon, lat


def _polygon(rings: Any, k: int) -> Polygon:
    if not isinstance(rings, list) or not rings:
        raise _FeatureFault(f"polygon {k}: must be a non-empty list of rings")
    out = []
    for j, ring in enumerate(rings):
        what = f"polygon {k} ring {j}"
        if not isinstance(ring, list):
            raise _FeatureFault(f"{what}: must be a list of positions")
        xy = np.array([_position(p, what) for p in ring], dtype=np.float64).reshape(-1, 2)
        if len(xy) < 4:
            raise _FeatureFault(f"{what}: has {len(xy)} positions, a ring needs at least 4")
        if not np.array_equal(xy[0], xy[-1]):
            raise _FeatureFault(f"{what}: is not closed (the last position must repeat the first)")
        out.append(xy)
    return tuple(out)


def _check_valid(polygons: tuple[Polygon, ...]) -> None:
    geom = to_shapely_polygons(polygons)
    if not shapely.is_valid(geom):
        raise _FeatureFault(f"invalid polygon: {shapely.is_valid_reason(geom)}")


def to_shapely_polygons(polygons: tuple[Polygon, ...]) -> shapely.Geometry:
    """The shapely (Multi)Polygon of a zone's rings, for validation, tests and export."""
    parts = [shapely.Polygon(poly[0], holes=list(poly[1:])) for poly in polygons]
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def _active(value: Any, kind: str) -> tuple[Interval, ...] | None:
    if value is None:
        return None
    if kind != "exercise":
        raise _FeatureFault(f"'active' windows are only for kind 'exercise', not {kind!r}")
    if not isinstance(value, list) or not value:
        raise _FeatureFault("'active' must be a non-empty list of [start, end] intervals")
    out = []
    for j, interval in enumerate(value):
        if not isinstance(interval, list) or len(interval) != 2:
            raise _FeatureFault(f"active interval {j}: {interval!r} is not [start, end]")
        start, end = (_instant(v, j) for v in interval)
        if end < start:
            raise _FeatureFault(
                f"active interval {j}: ends ({interval[1]}) before it starts ({interval[0]})"
            )
        if end == start:
            raise _FeatureFault(f"active interval {j}: is empty (ends when it starts)")
        out.append((start, end))
    return tuple(out)


def _instant(value: Any, j: int) -> datetime:
    if not isinstance(value, str):
        raise _FeatureFault(f"active interval {j}: {value!r} is not an ISO 8601 string")
    try:
        t = datetime.fromisoformat(value)
    except ValueError:
        raise _FeatureFault(f"active interval {j}: cannot parse {value!r} as ISO 8601") from None
    if t.tzinfo is None:
        raise _FeatureFault(
            f"active interval {j}: {value!r} has no timezone (add Z for UTC or an offset)"
        )
    return t.astimezone(UTC)


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _feature(zone: Zone) -> dict[str, Any]:
    props: dict[str, Any] = {"name": zone.name, "kind": zone.kind, "version": zone.version}
    if zone.point is not None:
        props["radius_m"] = zone.radius_m
        geometry: dict[str, Any] = {"type": "Point", "coordinates": list(zone.point)}
    else:
        polys = [[ring.tolist() for ring in poly] for poly in zone.polygons]
        geometry = (
            {"type": "Polygon", "coordinates": polys[0]}
            if len(polys) == 1
            else {"type": "MultiPolygon", "coordinates": polys}
        )
    if zone.active is not None:
        props["active"] = [[_iso(s), _iso(e)] for s, e in zone.active]
    props.update(zone.properties)
    return {"type": "Feature", "properties": props, "geometry": geometry}
