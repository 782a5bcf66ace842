"""Thresholds of segmentation, with the source of every default."""

from __future__ import annotations

import math
from dataclasses import dataclass

from pantau.tracks.errors import TracksError


@dataclass(frozen=True)
class SegmentParams:
    """How far apart in time and space two points of one segment may be, and how the best
    of several open segments is chosen.

    Defaults follow Global Fishing Watch's gpsdio-segment (github.com/GlobalFishingWatch/
    gpsdio-segment, ``gpsdio_segment/core.py`` and ``matcher.py``) and DESIGN.md
    ("Segmentation: split on implied speed over 25 kn or gaps over 7 days").
    """

    #: A point joins a segment only if reaching it from the segment's last point needs at
    #: most this speed. gpsdio-segment ``DEFAULT_MAX_KNOTS = 25`` (core.py) and
    #: ``Matcher.max_knots = 25``; DESIGN.md.
    max_speed_kn: float = 25.0
    #: ... or if it lies within this distance, whatever the time: two fixes a second apart
    #: and 30 m apart are GPS noise, not 60 kn. gpsdio-segment's noise distance,
    #: ``DEFAULT_NOISE_DIST = round(500 / 1852, 3)`` nm (core.py, versions before 0.20).
    noise_m: float = 500.0
    #: A silence longer than this always ends a segment. gpsdio-segment
    #: ``DEFAULT_MAX_HOURS = 7 * 24`` (core.py); DESIGN.md.
    max_gap_s: float = 7 * 24 * 3600.0
    #: Open segments kept per MMSI; opening one more closes the stalest (least recently
    #: extended). Ours: gpsdio-segment keeps every segment open until max_hours, which
    #: lets one noisy MMSI cost unbounded work per point; 8 covers the shared MMSIs seen in
    #: practice (two to four transmitters) plus a few one-point glitches.
    max_open: int = 8
    #: Time added (in quadrature) to the gap when ranking candidates, so that a point a
    #: second after a segment's last one does not look infinitely better than one a minute
    #: after. gpsdio-segment ``DEFAULT_BUFFER_HOURS = 10 / 60`` (core.py).
    buffer_s: float = 600.0
    #: Ranking: an implied speed of this many knots over the padded time costs a factor
    #: e. gpsdio-segment ``Matcher.penalty_speed = 5.0`` (matcher.py).
    penalty_speed_kn: float = 5.0
    #: Ranking: segments with fewer points than this are down-weighted, so one stray fix
    #: does not capture a vessel's next points. gpsdio-segment
    #: ``DEFAULT_SHORT_SEG_THRESHOLD = 10`` (core.py), ``Matcher.short_seg_threshold``.
    short_seg_points: int = 10

    def __post_init__(self) -> None:
        for name in ("max_speed_kn", "max_gap_s", "penalty_speed_kn"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise TracksError(f"SegmentParams.{name} must be a positive number, got {value}")
        if self.max_gap_s > 1e12:  # microseconds must fit int64 with room to subtract
            raise TracksError(f"SegmentParams.max_gap_s is too large: {self.max_gap_s}")
        for name in ("noise_m", "buffer_s"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise TracksError(f"SegmentParams.{name} must be a number >= 0, got {value}")
        for name in ("max_open", "short_seg_points"):
            value = getattr(self, name)
            if not (isinstance(value, int) and value >= 1):
                raise TracksError(f"SegmentParams.{name} must be an integer >= 1, got {value}")
