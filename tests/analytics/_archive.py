"""A hand-built data directory for presence tests: a zones file in use, a registry with
categories, and a positions archive written through PositionArchive (real Parquet by day,
real DuckDB store)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from pantau.pipeline.config import use_zones
from pantau.schema import UTC_TS
from pantau.store.archive import PositionArchive
from pantau.store.embedded import EmbeddedStore

ZONE = "Test Shoal"
OLD_ZONE = "Old Box"  # labelled in the archive, no longer among the zones in use
CG1, CG2, FISHER = 100000001, 100000002, 100000003

# (mmsi, received_at, zones); lon/lat are only for realism, the labels are what count
POSITIONS: list[tuple[int, datetime, list[str]]] = [
    # 1 January: both coast guards inside, CG1 twice (it counts once)
    (CG1, datetime(2026, 1, 1, 1, 0, tzinfo=UTC), [ZONE]),
    (CG1, datetime(2026, 1, 1, 13, 0, tzinfo=UTC), [ZONE]),
    (CG2, datetime(2026, 1, 1, 9, 30, tzinfo=UTC), [ZONE]),
    # 2 January: data, but no coast guard inside (CG2 outside, a fishing vessel inside)
    (CG2, datetime(2026, 1, 2, 8, 0, tzinfo=UTC), []),
    (FISHER, datetime(2026, 1, 2, 10, 0, tzinfo=UTC), [ZONE]),
    # 3 January: CG1 inside
    (CG1, datetime(2026, 1, 3, 23, 0, tzinfo=UTC), [ZONE]),
    # February: CG1 either side of midnight UTC: two calendar days
    (CG1, datetime(2026, 2, 10, 23, 59, 59, tzinfo=UTC), [ZONE]),
    (CG1, datetime(2026, 2, 11, 0, 0, 0, tzinfo=UTC), [ZONE]),
    # March: data, nobody inside the zone (CG2 in a zone no longer in use)
    (CG2, datetime(2026, 3, 5, 12, 0, tzinfo=UTC), [OLD_ZONE]),
]

ZONES_GEOJSON = {
    "type": "FeatureCollection",
    "features": [{
        "type": "Feature",
        "properties": {"name": ZONE, "kind": "aoi"},
        "geometry": {"type": "Polygon", "coordinates": [[
            [112.0, 5.0], [113.0, 5.0], [113.0, 6.0], [112.0, 6.0], [112.0, 5.0]]]},
    }],
}


def positions_table(rows: list[tuple[int, datetime, list[str]]]) -> pa.Table:
    return pa.table({
        "mmsi": pa.array([r[0] for r in rows], pa.int64()),
        "received_at": pa.array([r[1] for r in rows], UTC_TS),
        "lon": pa.array([112.5 if r[2] else 110.0 for r in rows], pa.float64()),
        "lat": pa.array([5.5 if r[2] else 3.0 for r in rows], pa.float64()),
        "zones": pa.array([r[2] for r in rows], pa.list_(pa.string())),
    })


def vessels_table() -> pa.Table:
    return pa.table({"mmsi": pa.array([CG1, CG2, FISHER], pa.int64()),
                     "category": ["coast_guard", "coast_guard", "fishing"]})


def make_data_dir(root: Path, with_positions: bool = True) -> Path:
    """A data directory holding the zones in use, the registry and (optionally) POSITIONS."""
    data = root / "data"
    zones_file = root / "test-zones.geojson"
    zones_file.write_text(json.dumps(ZONES_GEOJSON))
    with EmbeddedStore(data) as store:
        use_zones(store, zones_file)
        store.upsert("vessels", vessels_table())
    if with_positions:
        archive = PositionArchive(data)
        archive.stage("run-1", positions_table(POSITIONS))
        archive.commit("run-1")
    return data
