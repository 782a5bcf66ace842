"""Pure-Python statements of the cleaning and segmentation rules, one row at a time.

Slow and obvious on purpose: the tests compare the vectorised and Numba code with it, and
bench/tracks.py times it as the straightforward peer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pantau.tracks._ids import segment_id_of
from pantau.tracks.params import SegmentParams

EARTH_RADIUS_M = 6_371_008.8
KN_PER_MS = 3600.0 / 1852.0

Row = tuple[int | None, int | None, float | None, float | None]  # mmsi, t_us, lon, lat
Point = tuple[int, int, float, float]
Label = tuple[int, float | None, float | None, float | None]  # id, dt_s, distance_m, kn


def prepare_rows(rows: list[Row]) -> tuple[list[int], list[tuple[int, str]]]:
    """Input indices of the clean rows in (mmsi, t) order, and (index, reason) dropped."""
    dropped: dict[int, str] = {}
    kept: list[int] = []
    for i, (m, t, lon, lat) in enumerate(rows):
        if m is None:
            dropped[i] = "no_mmsi"
        elif t is None:
            dropped[i] = "no_received_at"
        elif lon is None or lat is None:
            dropped[i] = "no_position"
        elif not (abs(lat) <= 90.0 and abs(lon) <= 180.0):
            dropped[i] = "position_out_of_range"
        else:
            kept.append(i)
    seen: set[tuple[int, int, float, float]] = set()
    clean: list[int] = []
    for i in sorted(kept, key=lambda i: (rows[i][0], rows[i][1], i)):
        key = rows[i]
        if key in seen:
            dropped[i] = "duplicate"
        else:
            seen.add(key)  # type: ignore[arg-type]
            clean.append(i)
    return clean, sorted(dropped.items())


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    s_lat = math.sin(0.5 * (p2 - p1))
    s_lon = math.sin(0.5 * math.radians(lon2 - lon1))
    a = s_lat * s_lat + math.cos(p1) * math.cos(p2) * s_lon * s_lon
    return 2.0 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


@dataclass
class Open:
    segment_id: int
    first_us: int
    last_us: int
    lon: float
    lat: float
    n: int


def _metric(d: float, dt_s: float, n: int, p: SegmentParams) -> float:
    max_speed_ms = p.max_speed_kn / KN_PER_MS
    padded_s = max(math.sqrt(dt_s * dt_s + p.buffer_s * p.buffer_s), 1e-6)
    alpha = (p.max_speed_kn / p.penalty_speed_kn) * d / (padded_s * max_speed_ms)
    a = n / p.short_seg_points
    return math.exp(-alpha * alpha) / padded_s * (a / math.sqrt(1.0 + a * a))


def segment_points(points: list[Point], p: SegmentParams,
                   state: dict[int, list[Open]] | None = None,
                   ) -> tuple[list[Label], dict[int, list[Open]]]:
    """Labels of points sorted by (mmsi, t), and the open segments per MMSI after them."""
    opened: dict[int, list[Open]] = {m: [Open(**vars(s)) for s in segs]
                                     for m, segs in (state or {}).items()}
    for m in {pt[0] for pt in points} & set(opened):
        kept: list[Open] = []  # more than max_open stored (params changed): seed as the kernel
        for s in opened[m]:
            if len(kept) == p.max_open:
                kept.remove(min(kept, key=lambda o: (o.last_us, o.n, o.segment_id)))
            kept.append(s)
        opened[m] = kept
    max_speed_ms = p.max_speed_kn / KN_PER_MS
    max_gap_us = round(p.max_gap_s * 1e6)
    labels: list[Label] = []
    for m, t, lon, lat in points:
        segs = opened.setdefault(m, [])
        segs[:] = [s for s in segs if t - s.last_us <= max_gap_us]
        best: Open | None = None
        best_key: tuple[float, int, int] = (0.0, 0, 0)
        best_d = best_dt = 0.0
        for s in segs:
            if t < s.last_us:
                continue
            dt_s = (t - s.last_us) * 1e-6
            d = haversine_m(s.lon, s.lat, lon, lat)
            if d <= p.noise_m or d <= max_speed_ms * dt_s:
                key = (_metric(d, dt_s, s.n, p), s.n, -s.segment_id)
                if best is None or key > best_key:
                    best, best_key, best_d, best_dt = s, key, d, dt_s
        if best is not None:
            speed = best_d / best_dt * KN_PER_MS if best_dt > 0 else None
            labels.append((best.segment_id, best_dt, best_d, speed))
            best.last_us, best.lon, best.lat, best.n = t, lon, lat, best.n + 1
        else:
            if len(segs) == p.max_open:
                segs.remove(min(segs, key=lambda o: (o.last_us, o.n, o.segment_id)))
            sid = segment_id_of(m, t, lon, lat)
            segs.append(Open(sid, t, t, lon, lat, 1))
            labels.append((sid, None, None, None))
    newest = max([t for _, t, _, _ in points]
                 + [s.last_us for segs in opened.values() for s in segs], default=0)
    alive = {m: [s for s in segs if s.last_us >= newest - max_gap_us]
             for m, segs in opened.items()}
    return labels, {m: segs for m, segs in alive.items() if segs}
