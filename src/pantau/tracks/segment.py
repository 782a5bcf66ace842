"""Segmentation: a vessel's positions split into physically possible tracks.

One MMSI is not one vessel: two transmitters may share it (a copied or default MMSI), and
receivers pick up glitches. Joining every point of an MMSI in time order would draw a
zig-zag between them. So, per MMSI, several segments stay open, and each point (in
(mmsi, received_at) order, as :func:`pantau.tracks.prepare` returns them):

1. closes every open segment whose last point is more than ``max_gap_s`` older;
2. may join an open segment whose last point is not newer than it and from which it is
   reachable: within ``noise_m`` metres, or at most ``max_speed_kn`` (haversine distance
   over the time between them);
3. joins the best of those: the highest ``exp(-(alpha)^2) / padded_s`` where
   ``padded_s = hypot(dt_s, buffer_s)`` and ``alpha`` the implied speed over that padded
   time in units of ``penalty_speed_kn``, times ``a / sqrt(1 + a^2)``,
   ``a = n_points / short_seg_points`` (the scoring of GFW gpsdio-segment's Matcher, on
   distance instead of dead-reckoning discrepancy): recent, near and established segments
   win; ties go to more points, then the lower id;
4. else opens a new segment, closing the stalest open one first when ``max_open`` are
   open.

Segment ids are a 63-bit hash of the first point (see :mod:`pantau.tracks._ids`): stable
across re-runs. Every point gets ``segment_id``, and from its segment's previous point
``dt_s``, ``distance_m`` (haversine) and ``implied_speed_kn`` (null for the first point of
a segment; the speed also when ``dt_s`` is 0). Points joined within ``noise_m`` keep their
raw implied speed, which may be high: the tolerance is for linking, not for reporting.

Incremental: ``segment(batch, state)`` returns the state to pass with the next batch (the
open segments, an Arrow table that can be stored). Feeding a time-sorted stream in batches
gives exactly the labels of one call. The state keeps only segments that a later point
could still join: those at most ``max_gap_s`` older than the newest time seen.

Late data (a point older than the last point of some open segment of its vessel, which
only happens across calls) never reorders a segment: such a segment is not a candidate for
it, so the point joins another segment it can reach forwards in time, or opens its own.
Nothing fails and nothing is dropped; re-segmenting the vessel's full, sorted history
folds late points into their proper segment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pyarrow as pa

from pantau.geo import KN_PER_MS
from pantau.tracks._arrays import (
    F64,
    I64,
    as_table,
    float64_valid,
    int64_valid,
    utc,
)
from pantau.tracks._link import link
from pantau.tracks.errors import TracksError
from pantau.tracks.groups import vessel_slices
from pantau.tracks.params import SegmentParams
from pantau.tracks.schema import LABELS, NEEDED, SEGMENT_STATE


@dataclass(frozen=True)
class SegmentState:
    """The open segments :func:`segment` carries from one call to the next
    (:data:`~pantau.tracks.schema.SEGMENT_STATE`; a copy read back from Parquet will do,
    in any row order)."""

    segments: pa.Table

    @classmethod
    def empty(cls) -> SegmentState:
        return cls(SEGMENT_STATE.empty_table())


class Segmented(NamedTuple):
    labelled: pa.Table
    state: SegmentState


class _Points(NamedTuple):
    mmsi: I64
    t: I64
    lon: F64
    lat: F64


def _points(table: pa.Table) -> _Points:
    mmsi, m_ok = int64_valid(table.column("mmsi"), "mmsi")
    t, t_ok = int64_valid(utc(table.column("received_at"), "received_at"), "received_at")
    lon, lon_ok = float64_valid(table.column("lon"), "lon")
    lat, lat_ok = float64_valid(table.column("lat"), "lat")
    for name, ok in (("mmsi", m_ok), ("received_at", t_ok), ("lon", lon_ok), ("lat", lat_ok)):
        if not bool(ok.all()):
            raise TracksError(f"positions have null {name}: call pantau.tracks.prepare first")
    p = _Points(mmsi, t, lon, lat)
    if p.mmsi.size > 1:
        m0, m1, t0, t1 = p.mmsi[:-1], p.mmsi[1:], p.t[:-1], p.t[1:]
        if not bool(np.all((m1 > m0) | ((m1 == m0) & (t1 >= t0)))):
            raise TracksError("positions must be sorted by (mmsi, received_at): "
                              "call pantau.tracks.prepare first")
    return p


def _state_arrays(state: SegmentState | None) -> dict[str, np.ndarray]:
    if state is None:
        return {f.name: np.zeros(0, np.float64 if pa.types.is_floating(f.type) else np.int64)
                for f in SEGMENT_STATE}
    table = as_table(state.segments, "state.segments", SEGMENT_STATE.names)
    out: dict[str, np.ndarray] = {}
    for f in SEGMENT_STATE:
        col = table.column(f.name)
        if pa.types.is_timestamp(f.type):
            col = utc(col, f.name)
        values, ok = (float64_valid(col, f.name) if pa.types.is_floating(f.type)
                      else int64_valid(col, f.name))
        if not bool(ok.all()):
            raise TracksError(f"state.segments has null {f.name}")
        out[f.name] = values
    order = np.argsort(out["mmsi"], kind="stable")
    return {k: v[order] for k, v in out.items()}


def _state_table(cols: dict[str, np.ndarray]) -> pa.Table:
    order = np.lexsort((cols["segment_id"], cols["mmsi"]))  # one canonical row order
    arrays = [pa.array(cols[f.name][order]).cast(f.type) for f in SEGMENT_STATE]
    return pa.Table.from_arrays(arrays, schema=SEGMENT_STATE)


def segment(clean: pa.Table, state: SegmentState | None = None,
            params: SegmentParams | None = None) -> Segmented:
    """Label each position with its segment; see the module docstring for the rule.

    ``clean`` must have non-null ``mmsi, received_at, lon, lat`` and be sorted by (mmsi,
    received_at), as :func:`pantau.tracks.prepare` returns it; anything else is misuse
    (:class:`TracksError`). Returns the positions with ``segment_id, dt_s, distance_m,
    implied_speed_kn`` appended (replaced if present) and the state for the next call.
    """
    p = params or SegmentParams()
    table = as_table(clean, "positions", NEEDED)
    table = table.drop_columns([c for c in LABELS.names if c in table.column_names])
    pts = _points(table)
    st = _state_arrays(state)
    starts, ends = vessel_slices(pts.mmsi)
    vessels = pts.mmsi[starts]
    s_from = np.searchsorted(st["mmsi"], vessels, "left").astype(np.int64)
    s_to = np.searchsorted(st["mmsi"], vessels, "right").astype(np.int64)

    n = pts.mmsi.size
    seg_id = np.empty(n, np.int64)
    dt_s = np.empty(n, np.float64)
    dist_m = np.empty(n, np.float64)
    has_prev = np.empty(n, np.bool_)
    cap = min(vessels.size * p.max_open, n + int((s_to - s_from).sum()))
    new = {f.name: np.empty(cap, np.float64 if pa.types.is_floating(f.type) else np.int64)
           for f in SEGMENT_STATE}
    max_speed_ms = p.max_speed_kn / KN_PER_MS
    max_gap_us = round(p.max_gap_s * 1e6)
    written = link(
        pts.mmsi, pts.t, pts.lon, pts.lat, starts, ends, s_from, s_to,
        st["segment_id"], st["first_at"], st["last_at"], st["last_lon"], st["last_lat"],
        st["n_points"],
        max_speed_ms, float(p.noise_m), max_gap_us, p.max_open,
        float(p.buffer_s), p.max_speed_kn / p.penalty_speed_kn, float(p.short_seg_points),
        seg_id, dt_s, dist_m, has_prev,
        new["mmsi"], new["segment_id"], new["first_at"], new["last_at"], new["last_lon"],
        new["last_lat"], new["n_points"])

    untouched = ~np.isin(st["mmsi"], vessels)
    cols = {k: np.concatenate([st[k][untouched], new[k][:written]]) for k in st}
    if cols["last_at"].size:  # newest time seen: no later point can join older segments
        newest = int(cols["last_at"].max())
        if n:
            newest = max(newest, int(pts.t.max()))
        joinable = cols["last_at"] >= newest - max_gap_us
        cols = {k: v[joinable] for k, v in cols.items()}
    state_out = SegmentState(_state_table(cols))

    no_prev = ~has_prev
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = dist_m / dt_s * KN_PER_MS
    labels = [
        pa.array(seg_id, pa.int64()),
        pa.array(dt_s, pa.float64(), mask=no_prev),
        pa.array(dist_m, pa.float64(), mask=no_prev),
        pa.array(speed, pa.float64(), mask=no_prev | (dt_s == 0)),
    ]
    for field, values in zip(LABELS, labels, strict=True):
        table = table.append_column(field, values)
    return Segmented(table, state_out)
