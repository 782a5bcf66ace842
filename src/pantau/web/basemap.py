"""The offline basemap: Natural Earth land shipped with pantau, and the zones in use drawn
as the map needs them (point zones as circles of their radius), so that the picture needs
no tile server and works with no network at all."""

from __future__ import annotations

import json
import math
from functools import cache
from importlib import resources
from typing import Any

from pantau.errors import PantauError
from pantau.geo import EARTH_RADIUS_M
from pantau.zones import dump_zones
from pantau.zones.model import ZoneSet

CIRCLE_VERTICES = 64


class BasemapError(PantauError):
    """A shape the basemap cannot draw (a circle without a positive radius)."""


@cache
def land() -> dict[str, Any]:
    """Natural Earth 10m land and minor islands (public domain; see data/zones/SOURCES.md).
    Drawn filled for land and outlined for the coastline."""
    raw = resources.files("pantau.data").joinpath("zones", "land.geojson").read_bytes()
    collection: dict[str, Any] = json.loads(raw)
    collection.pop("properties", None)
    return collection


def circle(lon: float, lat: float, radius_m: float, vertices: int = CIRCLE_VERTICES
           ) -> list[list[float]]:
    """A closed ring of points ``radius_m`` (great-circle) from the centre, counter-
    clockwise as RFC 7946 asks of exterior rings."""
    if not radius_m > 0 or not math.isfinite(radius_m):
        raise BasemapError(f"circle radius_m must be a positive number, got {radius_m!r}")
    d = radius_m / EARTH_RADIUS_M
    phi1, lam1 = math.radians(lat), math.radians(lon)
    ring: list[list[float]] = []
    for k in range(vertices):
        theta = -2 * math.pi * k / vertices  # bearings anticlockwise from north
        phi2 = math.asin(math.sin(phi1) * math.cos(d)
                         + math.cos(phi1) * math.sin(d) * math.cos(theta))
        lam2 = lam1 + math.atan2(math.sin(theta) * math.sin(d) * math.cos(phi1),
                                 math.cos(d) - math.sin(phi1) * math.sin(phi2))
        ring.append([round((math.degrees(lam2) + 540) % 360 - 180, 6),
                     round(math.degrees(phi2), 6)])
    ring.append(ring[0])
    return ring


def map_zones(zones: ZoneSet) -> dict[str, Any]:
    """The zones as the map draws them: every zone keeps its properties (``name``,
    ``kind``, ``active``...); a point zone becomes a circle of its radius plus its centre,
    marked ``shape: circle`` and ``shape: centre``."""
    features: list[dict[str, Any]] = []
    for feature in dump_zones(zones)["features"]:
        props = dict(feature["properties"])
        geometry = feature["geometry"]
        if geometry["type"] != "Point":
            features.append({"type": "Feature", "properties": props | {"shape": "area"},
                             "geometry": geometry})
            continue
        lon, lat = geometry["coordinates"]
        features.append({"type": "Feature", "properties": props | {"shape": "circle"},
                         "geometry": {"type": "Polygon", "coordinates": [
                             circle(lon, lat, float(props["radius_m"]))]}})
        features.append({"type": "Feature", "properties": props | {"shape": "centre"},
                         "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}
