"""`ais_gap`: a vessel going silent where it should have been heard.

A silence counts when the receiver that heard the vessel last kept hearing others (else
it was the receiver that went down), when it is long against the vessel's own reporting
(the median of its last intervals) and at least an hour, and when the area kept being
heard while the vessel was silent (:mod:`pantau.detect.coverage`). When the area fell
silent with the vessel (a receiver outage, the edge of coverage), it is not the vessel's
doing; with no evidence either way (nobody else around), only a silence of half a day or
more is reported.
Only silences that ended are events: the start and end positions are in ``details``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pyarrow as pa

from pantau.detect.base import Batch, Context, State
from pantau.detect.coverage import Coverage, Grid, receiver_cell
from pantau.detect.events import Event, iso_us
from pantau.geo import KN_PER_MS, haversine_m

_RING = 8
_US = 1_000_000


@dataclass(frozen=True)
class Params:
    #: near a receiver a silence of 1 h is "out of range" (MarineTraffic), DESIGN.md
    min_gap_s: float = 3600.0
    #: and long against the vessel's own rate: this many of its median intervals
    #: (ours: a class A vessel at anchor reports every 3 min, so 30 min at the least)
    rate_factor: float = 10.0
    #: the vessel's rate is known from this many intervals before the silence ...
    min_intervals: int = 3
    #: ... and without it, only silences this long count (Skylight opens gaps at 6 h)
    unknown_rate_gap_s: float = 6 * 3600.0
    #: without evidence of coverage, report only silences this long (GFW reports AIS
    #: gaps at 12 h offshore; Skylight opens them at 6 h), DESIGN.md
    unknown_coverage_gap_s: float = 12 * 3600.0
    #: the area counts as heard when anyone was heard in this share of the silence
    min_heard_fraction: float = 0.5
    #: coverage cells and time bins (ours: 0.25 deg is about one receiver's reach
    #: at sea, 10 min several reports of any moving vessel)
    cell_deg: float = 0.25
    bin_s: float = 600.0
    #: "everyone fell silent at once": others heard in the hour before the silence
    outage_lookback_s: float = 3600.0
    #: the segment limit of pantau.tracks (7 days): nothing longer is one silence
    horizon_s: float = 7 * 86_400.0


class AisGap:
    name = "ais_gap"
    kinds: tuple[str, ...] = ("ais_gap",)

    def __init__(self, params: Params | None = None) -> None:
        self.params = params or Params()

    def run(self, batch: Batch, ctx: Context, state: State) -> tuple[list[Event], State]:
        p = self.params
        f = batch.frame
        cov = Coverage.from_table(Grid(p.cell_deg, p.bin_s), state.get("coverage"))
        rx = Coverage.from_table(Grid(p.cell_deg, p.bin_s), state.get("receivers"))
        if f.n:
            cov.add(f.mmsi, f.t_us, f.lon, f.lat)
            known = f.source != 0
            rx.add_cells(f.mmsi[known], f.t_us[known], receiver_cell(f.source[known]))
        last = _load(state.get("last"))
        events: list[Event] = []
        o = f.by_segment
        m, seg, t, src = f.mmsi[o], f.segment[o], f.t_us[o], f.source[o]
        lat, lon = f.lat[o], f.lon[o]
        bounds = f.segment_starts
        starts = bounds[:-1]
        # per row: the silence before it and where the vessel was heard last
        dt = np.full(f.n, np.nan)
        dt[1:] = np.diff(t) / _US
        p_t, p_lat, p_lon = np.r_[0, t[:-1]], np.r_[np.nan, lat[:-1]], np.r_[np.nan, lon[:-1]]
        p_src = np.r_[0, src[:-1]]
        dt[starts] = np.nan
        rings: list[list[float]] = []
        for a in starts.tolist():
            prev = last.get((int(m[a]), int(seg[a])))
            if prev is None:
                rings.append([])
                continue
            dt[a] = (t[a] - prev[0]) / _US
            p_t[a], p_lat[a], p_lon[a], p_src[a] = prev[0], prev[1], prev[2], prev[4]
            rings.append(prev[3])
        params = asdict(p)
        for i in np.flatnonzero(dt >= p.min_gap_s).tolist():
            g = int(np.searchsorted(starts, i, side="right")) - 1
            before = dt[max(int(starts[g]), i - _RING):i]
            history = (rings[g] + before[np.isfinite(before)].tolist())[-_RING:]
            if self._receiver_down(rx, int(p_src[i]), int(p_t[i]), int(t[i])):
                continue
            ev = self._judge(int(m[i]), int(seg[i]), history, cov, int(p_t[i]), int(t[i]),
                             float(p_lat[i]), float(p_lon[i]), float(lat[i]), float(lon[i]),
                             params)
            if ev is not None:
                events.append(ev)
        for g, (a, b) in enumerate(zip(starts.tolist(), bounds[1:].tolist(), strict=True)):
            tail = dt[max(a, b - _RING):b]
            last[(int(m[a]), int(seg[a]))] = (
                int(t[b - 1]), float(lat[b - 1]), float(lon[b - 1]),
                (rings[g] + tail[np.isfinite(tail)].tolist())[-_RING:], int(src[b - 1]))
        horizon = batch.watermark_us - int(p.horizon_s * _US)
        last = {k: v for k, v in last.items() if v[0] >= horizon}
        cov.forget_before(horizon - int(p.outage_lookback_s * _US))
        rx.forget_before(horizon)
        return events, {"last": _save(last), "coverage": cov.to_table(),
                        "receivers": rx.to_table()}

    def _receiver_down(self, rx: Coverage, source: int, t0: int, t1: int) -> bool:
        """Whether the receiver that heard the vessel last heard almost nobody while the
        vessel was silent: an outage, not the vessel's doing."""
        if source == 0:
            return False
        heard, n_bins = rx.heard_fraction([int(receiver_cell(np.array([source]))[0])], t0, t1)
        return bool(n_bins) and heard < self.params.min_heard_fraction

    def _judge(self, mmsi: int, segment: int, history: list[float], cov: Coverage,
               t0: int, t1: int, lat0: float, lon0: float, lat1: float, lon1: float,
               params: dict[str, object]) -> Event | None:
        p = self.params
        gap_s = (t1 - t0) / _US
        known = len(history) >= p.min_intervals
        median = float(np.median(history)) if history else float("nan")
        threshold = max(p.min_gap_s, p.rate_factor * median) if known \
            else max(p.min_gap_s, p.unknown_rate_gap_s)
        if gap_s < threshold:
            return None
        grid = cov.grid
        where = grid.cell(np.array([lon0, lon1]), np.array([lat0, lat1]))
        cells = sorted({int(where[0]), int(where[1])})
        heard, n_bins = cov.heard_fraction(cells, t0, t1)
        if n_bins and heard >= p.min_heard_fraction:
            basis = "area_heard"
        elif cov.others_heard([int(where[0])], mmsi, t0 - int(p.outage_lookback_s * _US), t0):
            return None  # the area went silent with the vessel: a receiver, not the vessel
        elif gap_s >= p.unknown_coverage_gap_s:
            basis = "coverage_unknown"
        else:
            return None
        distance_m = float(haversine_m(lon0, lat0, lon1, lat1))
        return Event("ais_gap", mmsi, t0, t1, lat0, lon0, details={
            "basis": basis, "segment_id": segment, "gap_s": gap_s,
            "end_lat": lat1, "end_lon": lon1, "distance_m": distance_m,
            "implied_speed_kn": distance_m / gap_s * KN_PER_MS,
            "median_interval_s": median, "threshold_s": threshold,
            "heard_fraction": heard if n_bins else None, "coverage_bins": n_bins,
            "last_heard_at": iso_us(t0), "heard_again_at": iso_us(t1), "params": params})


Last = dict[tuple[int, int], tuple[int, float, float, list[float], int]]


def _load(table: pa.Table | None) -> Last:
    if table is None or table.num_rows == 0:
        return {}
    d = table.to_pydict()
    return {(m, s): (t, la, lo, list(r), src) for m, s, t, la, lo, r, src in zip(
        d["mmsi"], d["segment"], d["t_us"], d["lat"], d["lon"], d["intervals_s"],
        d["source"], strict=True)}


def _save(last: Last) -> pa.Table:
    keys = sorted(last)
    return pa.table({
        "mmsi": pa.array([k[0] for k in keys], pa.int64()),
        "segment": pa.array([k[1] for k in keys], pa.int64()),
        "t_us": pa.array([last[k][0] for k in keys], pa.int64()),
        "lat": pa.array([last[k][1] for k in keys], pa.float64()),
        "lon": pa.array([last[k][2] for k in keys], pa.float64()),
        "intervals_s": pa.array([last[k][3] for k in keys], pa.list_(pa.float64())),
        "source": pa.array([last[k][4] for k in keys], pa.int64()),
    })
