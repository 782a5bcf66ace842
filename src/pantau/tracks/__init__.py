"""Tracks: positions cleaned, sorted per vessel and split into physically possible
segments, incrementally.

>>> from pantau.tracks import prepare, segment, segments_summary
>>> clean, dropped = prepare(positions)                      # doctest: +SKIP
>>> labelled, state = segment(clean)                         # doctest: +SKIP
>>> labelled2, state = segment(prepare(more).clean, state)   # doctest: +SKIP
>>> segments_summary(labelled)                               # doctest: +SKIP
"""

from pantau.tracks.clean import Prepared, prepare
from pantau.tracks.errors import TracksError
from pantau.tracks.groups import VesselOrder, vessel_slices, vessel_time_order
from pantau.tracks.params import SegmentParams
from pantau.tracks.schema import (
    LABELS,
    SEGMENT_STATE,
    SEGMENT_SUMMARY,
    DropReason,
)
from pantau.tracks.segment import Segmented, SegmentState, segment
from pantau.tracks.summary import segments_summary

__all__ = [
    "LABELS",
    "SEGMENT_STATE",
    "SEGMENT_SUMMARY",
    "DropReason",
    "Prepared",
    "SegmentParams",
    "SegmentState",
    "Segmented",
    "TracksError",
    "VesselOrder",
    "prepare",
    "segment",
    "segments_summary",
    "vessel_slices",
    "vessel_time_order",
]
