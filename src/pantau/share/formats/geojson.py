"""GeoJSON (RFC 7946): one FeatureCollection per release.

- one feature per vessel with released positions (``record_type`` ``track``): a LineString
  through its positions in time order, a Point when it has one, no geometry when none of its
  positions has coordinates. Properties: ``mmsi``, ``identity`` (name, else call sign, else
  MMSI), ``vessel`` (the vessels-table row or null), arrays aligned with the coordinates
  (``times``, ``sog_kn``, ``cog_deg``, ``heading_deg``, ``tlps``, ``record_hashes``),
  ``unlocated_times`` for positions without coordinates, and ``tlp``, the strictest label of
  its positions;
- one Point feature per event, alert and incident (no geometry when the record has no
  coordinates) with the record's columns, ``record_type`` and, where it names a vessel,
  ``identity``. An event's ``details`` is the JSON object when it holds one, else the text;
- a foreign member ``pantau``: agreement id and version, policy version, release time,
  ``releasable_to`` (partner codes), ``since``, ``until``.

Keys are sorted and features ordered as :mod:`pantau.share.formats._common` sorts records,
so the same release always gives the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

from pantau.share.formats._common import (
    ID_COLUMNS,
    RECORD_TYPES,
    Records,
    Row,
    identity,
    iso,
    located,
    meta,
    plain,
    records,
    strictest_tlp,
)
from pantau.share.release import Release


def _point(row: Row) -> dict[str, Any] | None:
    return {"type": "Point", "coordinates": [row["lon"], row["lat"]]} if located(row) else None


def _track_feature(mmsi: int, rows: list[Row], recs: Records) -> dict[str, Any]:
    placed = [r for r in rows if located(r)]
    coords = [[r["lon"], r["lat"]] for r in placed]
    geometry: dict[str, Any] | None = None
    if len(coords) == 1:
        geometry = {"type": "Point", "coordinates": coords[0]}
    elif coords:
        geometry = {"type": "LineString", "coordinates": coords}
    vessel = recs.vessel(mmsi)
    properties = {
        "record_type": RECORD_TYPES["tracks"],
        "mmsi": mmsi,
        "identity": identity(mmsi, vessel),
        "vessel": vessel,
        "times": [iso(r["t"]) for r in placed],
        "sog_kn": [r["sog_kn"] for r in placed],
        "cog_deg": [r["cog_deg"] for r in placed],
        "heading_deg": [r["heading_deg"] for r in placed],
        "tlps": [r["tlp"] for r in placed],
        "record_hashes": [r["record_hash"] for r in placed],
        "unlocated_times": [iso(r["t"]) for r in rows if not located(r)],
        "tlp": strictest_tlp(rows),
    }
    return {"type": "Feature", "id": f"mmsi-{mmsi}", "geometry": geometry,
            "properties": properties}


def _details(text: str | None) -> object:
    if text is None:
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return text
    return parsed if isinstance(parsed, dict) else text


def _record_feature(name: str, row: Row, recs: Records) -> dict[str, Any]:
    properties = plain(name, row)
    properties["record_type"] = RECORD_TYPES[name]
    if name in ("events", "alerts"):
        properties["identity"] = identity(row["mmsi"], recs.vessel(row["mmsi"])) \
            if row["mmsi"] is not None else None
    if name == "events":
        properties["details"] = _details(row["details"])
    return {"type": "Feature", "id": row[ID_COLUMNS[name]], "geometry": _point(row),
            "properties": properties}


def feature_collection(release: Release) -> dict[str, Any]:
    """The release as a GeoJSON FeatureCollection (a JSON-ready dict)."""
    recs = records(release)
    features = [_track_feature(mmsi, rows, recs) for mmsi, rows in recs.tracks_by_vessel()]
    for name in ("events", "alerts", "incidents"):
        features.extend(_record_feature(name, row, recs) for row in recs.table(name))
    return {"type": "FeatureCollection", "pantau": meta(release), "features": features}


def render_geojson(release: Release) -> bytes:
    text = json.dumps(feature_collection(release), sort_keys=True, ensure_ascii=False,
                      allow_nan=False, indent=1)
    return (text + "\n").encode()
