"""Tracks resampled onto a fixed UTC time grid, batch after batch.

Two vessels can only be compared at one instant, and AIS reports of different vessels
never share one, so each track is interpolated at the grid times (multiples of the step
since the epoch) between consecutive positions of one segment that are close enough in
time. Position is interpolated linearly; speed, course and port distance come from the
nearer of the two positions (interpolating a course across north, or a speed across a
manoeuvre, would invent values no report gave). A position exactly on a grid time is a
sample by itself, even without a neighbour.

Incrementally, a grid time can only be produced once no later position can change it:
a vessel last heard at ``t`` may still be interpolated after ``t`` until
``t + max_interp``, so the grid is complete up to the *horizon*: the watermark, or the
earliest last report of a vessel that may still be continued. Rows needed after the
horizon are carried in state (:func:`carry`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from pantau.detect.frame import F64, I64, Frame, Mask

#: "no grid time produced yet": below every real time
NEVER_US = -(1 << 62)


@dataclass(frozen=True)
class Samples:
    """One row per (vessel, grid time), sorted by (mmsi, t_us); ``vessel`` numbers the
    vessels of the resampled frame in MMSI order."""

    vessel: I64
    mmsi: I64
    t_us: I64
    lon: F64
    lat: F64
    sog_kn: F64
    cog_deg: F64
    port_m: F64

    @property
    def n(self) -> int:
        return int(self.t_us.size)


def grid_floor(t_us: int, step_us: int) -> int:
    """The latest grid time at or before ``t_us``."""
    return (t_us // step_us) * step_us


def resample(frame: Frame, after_us: int, upto_us: int, step_us: int,
             max_interp_us: int) -> Samples:
    """Samples at the grid times in ``(after_us, upto_us]`` of every vessel of ``frame``
    (rows sorted by mmsi, t_us)."""
    if step_us <= 0:
        raise ValueError(f"resample: step must be positive, got {step_us} us")
    starts, ends = frame.vessels()
    args = (frame.t_us, frame.segment, starts, ends, int(after_us), int(upto_us),
            int(step_us), int(max_interp_us))
    counts = _count_kernel(*args)
    offsets = np.zeros(counts.size + 1, np.int64)
    np.cumsum(counts, out=offsets[1:])
    total = int(offsets[-1])
    vessel = np.empty(total, np.int64)
    t = np.empty(total, np.int64)
    cols = np.empty((5, total), np.float64)
    _fill_kernel(*args, frame.lon, frame.lat, frame.sog_kn, frame.cog_deg, frame.port_m,
                 offsets, vessel, t, cols)
    mmsi = frame.mmsi[starts][vessel] if total else np.zeros(0, np.int64)
    return Samples(vessel, mmsi, t, cols[0], cols[1], cols[2], cols[3], cols[4])


def horizon(frame: Frame, watermark_us: int, max_interp_us: int) -> int:
    """The latest time up to which the grid is complete once ``frame`` (every row heard
    so far that may still matter) has been seen: no later batch can add a sample at or
    before it."""
    if frame.n == 0:
        return int(watermark_us)
    _, ends = frame.vessels()
    last = frame.t_us[ends - 1]
    # a next report comes after the watermark; beyond max_interp it interpolates nothing
    pending = last[last > watermark_us - max_interp_us]
    return int(min(watermark_us, int(pending.min()))) if pending.size else int(watermark_us)


def carry(frame: Frame, done_us: int, watermark_us: int, max_interp_us: int) -> Frame:
    """Rows a later batch needs to continue the grid after ``done_us``: of each vessel that
    may still be continued, its rows after ``done_us`` and the last one at or before."""
    if frame.n == 0:
        return frame
    starts, ends = frame.vessels()
    last = frame.t_us[ends - 1]
    alive = np.repeat(last > watermark_us - max_interp_us, ends - starts)
    t = frame.t_us
    final_row = np.zeros(frame.n, np.bool_)
    final_row[ends - 1] = True
    next_after = np.zeros(frame.n, np.bool_)
    next_after[:-1] = t[1:] > done_us
    keep: Mask = alive & ((t > done_us) | final_row | next_after)
    return frame.take(np.flatnonzero(keep))


@numba.njit(cache=True, nogil=True, inline="always")
def _first_grid_after(t: int, step: int) -> int:
    return (t // step + 1) * step


@numba.njit(cache=True, nogil=True)
def _count_kernel(t, seg, starts, ends, after, upto, step, max_interp):  # type: ignore[no-untyped-def]
    counts = np.zeros(starts.size, np.int64)
    for v in range(starts.size):
        c = 0
        for i in range(starts[v], ends[v]):
            ti = t[i]
            if ti % step == 0 and after < ti <= upto and (i == starts[v] or t[i - 1] != ti):
                c += 1
            if i + 1 < ends[v] and seg[i + 1] == seg[i] and t[i + 1] - ti <= max_interp:
                g0 = _first_grid_after(max(ti, after), step)
                g1 = min(t[i + 1] - 1, upto)  # strictly before the next position
                if g1 >= g0:
                    c += (g1 - g0) // step + 1
        counts[v] = c
    return counts


@numba.njit(cache=True, nogil=True)
def _fill_kernel(t, seg, starts, ends, after, upto, step, max_interp,  # type: ignore[no-untyped-def]
                 lon, lat, sog, cog, port, offsets, vessel, out_t, cols):
    for v in range(starts.size):
        k = offsets[v]
        for i in range(starts[v], ends[v]):
            ti = t[i]
            if ti % step == 0 and after < ti <= upto and (i == starts[v] or t[i - 1] != ti):
                vessel[k] = v
                out_t[k] = ti
                cols[0, k] = lon[i]
                cols[1, k] = lat[i]
                cols[2, k] = sog[i]
                cols[3, k] = cog[i]
                cols[4, k] = port[i]
                k += 1
            j = i + 1
            if j < ends[v] and seg[j] == seg[i] and t[j] - ti <= max_interp:
                g = _first_grid_after(max(ti, after), step)
                g1 = min(t[j] - 1, upto)
                span = t[j] - ti
                dlon = lon[j] - lon[i]
                # the short way round across the antimeridian
                if dlon > 180.0:
                    dlon -= 360.0
                elif dlon < -180.0:
                    dlon += 360.0
                while g <= g1:
                    s = (g - ti) / span
                    x = lon[i] + s * dlon
                    if x > 180.0:
                        x -= 360.0
                    elif x < -180.0:
                        x += 360.0
                    near = i if g - ti <= t[j] - g else j
                    vessel[k] = v
                    out_t[k] = g
                    cols[0, k] = x
                    cols[1, k] = lat[i] + s * (lat[j] - lat[i])
                    cols[2, k] = sog[near]
                    cols[3, k] = cog[near]
                    cols[4, k] = port[near]
                    k += 1
                    g += step

