"""The tracks vocabulary; its tables' columns live in :mod:`pantau.schema`."""

from __future__ import annotations

from enum import StrEnum

from pantau.schema import (
    LABEL_COLUMNS,
    LABELS,
    REASON,
    SEGMENT_STATE,
    SEGMENT_STATE_COLUMNS,
    SEGMENT_SUMMARY,
    SEGMENT_SUMMARY_COLUMNS,
)

__all__ = [
    "LABELS", "LABEL_COLUMNS", "NEEDED", "REASON", "SEGMENT_STATE", "SEGMENT_STATE_COLUMNS",
    "SEGMENT_SUMMARY", "SEGMENT_SUMMARY_COLUMNS", "DropReason",
]


class DropReason(StrEnum):
    """Why :func:`pantau.tracks.prepare` set a position aside; the first that applies."""

    NO_MMSI = "no_mmsi"
    NO_TIME = "no_received_at"
    NO_POSITION = "no_position"
    OUT_OF_RANGE = "position_out_of_range"
    DUPLICATE = "duplicate"


#: Columns a positions table needs for cleaning and segmentation.
NEEDED: tuple[str, ...] = ("mmsi", "received_at", "lon", "lat")
