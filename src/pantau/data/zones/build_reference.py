"""Maintainer script: rebuild ``malaysia.geojson`` and ``land.geojson`` in this folder.

Not used at run time. It needs the project's shared geo folder (Marine Regions EEZ v11,
Natural Earth 10m land, minor islands and ports, points of interest)::

    python src/pantau/data/zones/build_reference.py /work/shared/data/geo

Every step is here so the shipped files can be checked and regenerated; SOURCES.md says
where each input comes from and under which licence.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from pantau.zones._geo import circle_ring
from pantau.zones.geojson import dump_zones, load_zones
from pantau.zones.model import Zone, ZoneSet

HERE = Path(__file__).parent
NM_M = 1852.0
ILLUSTRATIVE = "illustrative: made up by pantau for demonstration, not real data"

#: Luconia Shoals: drawn by pantau around the published reference points (poi.geojson:
#: group 112.6E 5.6N, North Luconia / Friendship Shoal 112.533E 5.95N) to cover North and
#: South Luconia, about 111.9-113.1E, 4.9-6.1N; the AMTI presence figures use a similar box.
LUCONIA = [(112.2, 4.9), (112.8, 4.9), (113.1, 5.2), (113.1, 5.8), (112.8, 6.1),
           (112.2, 6.1), (111.9, 5.8), (111.9, 5.2), (112.2, 4.9)]
JAMES_SHOAL = (112.34889, 3.97389)
#: Straits of Malacca from the One Fathom Bank line (about 3.1N) to the western approaches
#: of the Singapore Strait (Tanjung Piai - Karimun, about 103.5E). Vertices on the shores
#: sit just inland; land is then cut away so the zone is water only.
MALACCA = [(99.9, 3.1), (99.9, 2.75), (100.3, 2.35), (100.8, 2.05), (101.45, 2.0),
           (101.8, 1.75), (102.2, 1.55), (102.55, 1.3), (103.0, 1.05), (103.4, 1.0),
           (103.52, 1.35), (103.3, 1.7), (102.7, 2.05), (102.1, 2.35), (101.8, 2.65),
           (101.4, 3.1), (99.9, 3.1)]
EXERCISE = [(100.85, 2.5), (101.05, 2.5), (101.05, 2.7), (100.85, 2.7), (100.85, 2.5)]
ASSETS = {
    "Platform SK-A": (112.6, 4.3),   # off Sarawak, Central Luconia gas province
    "Platform SK-B": (113.1, 4.6),
    "Platform SB-A": (115.5, 6.6),   # off Sabah
    "Platform TR-A": (104.8, 5.6),   # Malay Basin, off Terengganu
}
#: ports from poi.geojson that Natural Earth lacks, with a plain name
POI_PORTS = {
    "Port of Tanjung Pelepas": "Port of Tanjung Pelepas",
    "Port Klang": "Port Klang",
    "Bintulu (town; Bintulu Port nearby)": "Bintulu",
}
NE = ("Natural Earth 10m v4.0.0 (public domain) via "
      "github.com/martynafford/natural-earth-geojson@0b9a6ceb0a7032713abd9460ac1e995a9c60cd1e")
EEZ_ATTRIBUTION = (
    "Flanders Marine Institute (2019). Maritime Boundaries Geodatabase: Maritime Boundaries "
    "and Exclusive Economic Zones (200NM), version 11. Available online at "
    "https://www.marineregions.org/. Licence CC-BY 4.0."
)


def _features(path: Path) -> list[dict[str, Any]]:
    features: list[dict[str, Any]] = json.loads(path.read_text())["features"]
    return features


def _round(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.set_precision(geom, 1e-5)


def _rings(geom: shapely.Geometry) -> tuple[tuple[np.ndarray, ...], ...]:
    polys = shapely.get_parts(shapely.normalize(geom))
    out = []
    for p in polys:
        p = shapely.orient_polygons(p)  # RFC 7946: exterior counter-clockwise
        out.append((np.asarray(p.exterior.coords),
                    *(np.asarray(r.coords) for r in p.interiors)))
    return tuple(out)


def _land(geo: Path) -> shapely.Geometry:
    parts = [shapely.geometry.shape(f["geometry"])
             for name in ("ne_10m_land_sea.geojson", "ne_10m_minor_islands_sea.geojson")
             for f in _features(geo / name)]
    return shapely.union_all(parts)


def build_zones(geo: Path) -> ZoneSet:
    land = _land(geo)
    eez_feature = _features(geo / "eez_malaysia_v11.geojson")[0]
    eez_props = {k: v for k, v in eez_feature["properties"].items() if k != "source"}
    zones = [Zone(
        name="EEZ-MYS", kind="eez",
        polygons=_rings(shapely.geometry.shape(eez_feature["geometry"])),
        properties={**eez_props, "attribution": EEZ_ATTRIBUTION, "licence": "CC-BY-4.0",
                    "source": "Marine Regions World EEZ v11, feature mrgid 8483, simplified "
                              "0.0004 deg; see SOURCES.md",
                    "caveat": "EEZ limits in the South China Sea are contested; this is "
                              "Malaysia's claim as compiled by Marine Regions"},
    )]
    zones.append(Zone(
        name="Luconia Shoals", kind="aoi", polygons=_rings(shapely.Polygon(LUCONIA)),
        properties={"source": "drawn by pantau around the published reference points in "
                              "poi.geojson (Wikipedia: Luconia Shoals)"},
    ))
    james = shapely.Polygon(circle_ring(*JAMES_SHOAL, 12 * NM_M, 72))
    zones.append(Zone(
        name="James Shoal", kind="aoi", polygons=_rings(_round(james)),
        properties={"source": "12 nm circle drawn by pantau around 112.34889E 3.97389N "
                              "(Wikipedia: James Shoal)", "radius_nm": 12},
    ))
    strait = shapely.difference(shapely.Polygon(MALACCA), land)
    parts = sorted(shapely.get_parts(strait), key=lambda g: -g.area)
    strait = shapely.simplify(parts[0], 0.002, preserve_topology=True)
    zones.append(Zone(
        name="Straits of Malacca", kind="aoi", polygons=_rings(_round(strait)),
        properties={"source": "drawn by pantau from One Fathom Bank to the Singapore Strait "
                              "approaches; land (Natural Earth 10m) cut away, largest water "
                              "body kept, simplified 0.002 deg"},
    ))
    zones.append(Zone(
        name="Exercise Area Alpha", kind="exercise", polygons=_rings(shapely.Polygon(EXERCISE)),
        active=(
            (datetime(2025, 3, 3, tzinfo=UTC), datetime(2025, 3, 7, 12, tzinfo=UTC)),
            (datetime(2025, 9, 15, tzinfo=UTC), datetime(2025, 9, 19, tzinfo=UTC)),
        ),
        properties={"illustrative": True, "note": ILLUSTRATIVE + " (no navigational warning "
                                                                 "or NOTAM behind it)"},
    ))
    for name, (lon, lat) in ASSETS.items():
        zones.append(Zone(
            name=name, kind="asset", point=(lon, lat), radius_m=500.0,
            properties={"illustrative": True, "note": ILLUSTRATIVE + "; no open source gives "
                                                                     "platform coordinates"},
        ))
    zones.extend(_ports(geo))
    return ZoneSet(zones)


def _ports(geo: Path) -> list[Zone]:
    out: list[Zone] = []
    seen: set[str] = set()
    for f in _features(geo / "ne_10m_ports_sea.geojson"):
        name = f["properties"]["name"]
        website = f["properties"].get("website")
        if name in seen:  # Natural Earth has two Bangkok terminals
            name = "Bangkok Modern Terminals" if website == "www.bmt.co.th" else f"{name} 2"
        seen.add(name)
        lon, lat = f["geometry"]["coordinates"]
        props: dict[str, Any] = {"source": NE + ":10m/cultural/ne_10m_ports"}
        if website:
            props["website"] = website
        out.append(Zone(name=name, kind="port", point=(lon, lat), radius_m=3000.0,
                        properties=props))
    for f in _features(geo / "poi.geojson"):
        p = f["properties"]
        if p["name"] in POI_PORTS:
            props = {"source": p["source"]}
            if "note" in p:
                props["note"] = p["note"]
            lon, lat = f["geometry"]["coordinates"]
            out.append(Zone(name=POI_PORTS[p["name"]], kind="port", point=(lon, lat),
                            radius_m=3000.0, properties=props))
    return out


def build_land(geo: Path) -> dict[str, Any]:
    features = []
    for layer, name in (("land", "ne_10m_land_sea.geojson"),
                        ("minor_islands", "ne_10m_minor_islands_sea.geojson")):
        for f in _features(geo / name):
            features.append({"type": "Feature", "properties": {"layer": layer},
                             "geometry": f["geometry"]})
    return {
        "type": "FeatureCollection",
        "properties": {"source": NE, "licence": "public domain",
                       "clip_box": [95.0, -5.0, 125.0, 15.0]},
        "features": features,
    }


def main(argv: list[str]) -> int:
    geo = Path(argv[1]) if len(argv) > 1 else Path("/work/shared/data/geo")
    zones = build_zones(geo)
    obj = dump_zones(zones)
    obj["name"] = "pantau reference zones, Malaysia"
    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    (HERE / "malaysia.geojson").write_text(text + "\n", encoding="utf-8")
    assert load_zones(HERE / "malaysia.geojson") == zones
    land = json.dumps(build_land(geo), separators=(",", ":"))
    (HERE / "land.geojson").write_text(land + "\n", encoding="utf-8")
    print(f"{len(zones)} zones, land {len(land)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
