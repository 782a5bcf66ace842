"""Schemas of the tracks tables: dropped positions, segment labels, segment state and the
per-segment summary.

Kept next to the code that builds them until they join :mod:`pantau.schema`; the columns,
types and units here are the contract.
"""

from __future__ import annotations

from enum import StrEnum

import pyarrow as pa

from pantau.schema import UTC_TS, Column


class DropReason(StrEnum):
    """Why :func:`pantau.tracks.prepare` set a position aside; the first that applies."""

    NO_MMSI = "no_mmsi"
    NO_TIME = "no_received_at"
    NO_POSITION = "no_position"
    OUT_OF_RANGE = "position_out_of_range"
    DUPLICATE = "duplicate"


#: Columns a positions table needs for cleaning and segmentation.
NEEDED: tuple[str, ...] = ("mmsi", "received_at", "lon", "lat")


def _schema(columns: tuple[Column, ...]) -> pa.Schema:
    return pa.schema([pa.field(c.name, c.type, metadata={"doc": c.doc}) for c in columns])


REASON = Column("reason", pa.string(), "why the row was dropped (DropReason value)")

#: Columns :func:`pantau.tracks.segment` appends to every position.
LABEL_COLUMNS = (
    Column("segment_id", pa.int64(),
           "63-bit hash of the segment's first point (mmsi, received_at, lon, lat)"),
    Column("dt_s", pa.float64(),
           "seconds since the previous point of the same segment; null for its first point"),
    Column("distance_m", pa.float64(),
           "haversine metres from the previous point of the same segment; null for its first"),
    Column("implied_speed_kn", pa.float64(),
           "distance_m / dt_s in knots; null for a segment's first point and when dt_s is 0"),
)

SEGMENT_STATE_COLUMNS = (
    Column("mmsi", pa.int64(), "Maritime Mobile Service Identity"),
    Column("segment_id", pa.int64(), "id of an open segment of this MMSI"),
    Column("first_at", UTC_TS, "received_at of the segment's first point"),
    Column("last_at", UTC_TS, "received_at of the segment's last point so far"),
    Column("last_lon", pa.float64(), "longitude of that last point, degrees east"),
    Column("last_lat", pa.float64(), "latitude of that last point, degrees north"),
    Column("n_points", pa.int64(), "points in the segment so far, all calls together"),
)

SEGMENT_SUMMARY_COLUMNS = (
    Column("mmsi", pa.int64(), "Maritime Mobile Service Identity"),
    Column("segment_id", pa.int64(), "segment id (see LABEL_COLUMNS)"),
    Column("start", UTC_TS, "received_at of the segment's first point in the table"),
    Column("end", UTC_TS, "received_at of the segment's last point in the table"),
    Column("duration_s", pa.float64(), "end - start, seconds"),
    Column("n_points", pa.int64(), "points of the segment in the table"),
    Column("distance_m", pa.float64(),
           "sum of distance_m over those points (the first point's link to an earlier call "
           "counts, so per-call sums add up)"),
    Column("first_lon", pa.float64(), "longitude of the first point, degrees east"),
    Column("first_lat", pa.float64(), "latitude of the first point, degrees north"),
    Column("last_lon", pa.float64(), "longitude of the last point, degrees east"),
    Column("last_lat", pa.float64(), "latitude of the last point, degrees north"),
)

LABELS = _schema(LABEL_COLUMNS)
SEGMENT_STATE = _schema(SEGMENT_STATE_COLUMNS)
SEGMENT_SUMMARY = _schema(SEGMENT_SUMMARY_COLUMNS)
