"""Small positions tables for the tracks tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pyarrow as pa

from pantau.schema import POSITIONS
from tests.tracks._oracle import Point, Row

T0 = datetime(2025, 10, 27, tzinfo=UTC)
T0_US = int(T0.timestamp()) * 1_000_000
NM = 1852.0
DEG_LAT_M = 111_195.08  # metres per degree of latitude on the haversine sphere


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def positions(rows: Sequence[Row]) -> pa.Table:
    """A POSITIONS table from (mmsi, t_us, lon, lat) rows; other columns null."""
    cols = {
        "mmsi": pa.array([r[0] for r in rows], pa.int64()),
        "received_at": pa.array([r[1] for r in rows], pa.int64()).cast(POSITIONS.field(
            "received_at").type),
        "lon": pa.array([r[2] for r in rows], pa.float64()),
        "lat": pa.array([r[3] for r in rows], pa.float64()),
    }
    arrays = [cols[f.name] if f.name in cols else pa.nulls(len(rows), f.type)
              for f in POSITIONS]
    return pa.Table.from_arrays(arrays, schema=POSITIONS)


def track(mmsi: int, start_s: float, every_s: float, n: int, lon: float, lat: float,
          dlon: float = 0.0, dlat: float = 0.0) -> list[Point]:
    """n points every every_s seconds from (lon, lat), moving (dlon, dlat) per point."""
    return [(mmsi, T0_US + round((start_s + i * every_s) * 1e6), lon + i * dlon, lat + i * dlat)
            for i in range(n)]


def rows_of(table: pa.Table) -> list[Row]:
    t = table.column("received_at").cast(pa.int64()).to_pylist()
    return list(zip(table.column("mmsi").to_pylist(), t, table.column("lon").to_pylist(),
                    table.column("lat").to_pylist(), strict=True))
