"""Episodes as runs of a condition over time, carried across batches exactly.

Most behaviours are "a condition held, with short interruptions, for long enough": slow
and offshore (loitering), two vessels close and slow (encounter), and so on. A detector
turns its input into samples sorted by (key1, key2, time), each with the condition, a
value to summarise (speed, distance) and a position; :func:`find_runs` returns the runs
that are over and the runs still open. Open runs go into the detector's state and are
continued by the next batch, so splitting a time-ordered input into batches yields the
same runs as one batch: a run is only closed when no later sample could extend it.

A sample is *linked* to the previous sample of its key when it has the same link key
(a segment) and came at most ``max_link_s`` later; an unlinked sample ends the run. A
run survives a stretch of samples where the condition fails, as long as the stretch
(from its first failing sample to the next sample where the condition holds again) lasts
at most ``max_break_s``; the run ends at its last sample where the condition held.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt
import pyarrow as pa

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]

#: integer fields of a run, then float fields (column names of the state table)
INT_FIELDS = ("key1", "key2", "start_us", "end_us", "last_seen_us", "last_link", "n",
              "t_min_us", "false_since_us")
#: ``false_since_us`` when the condition has held since the run's last sample
NO_BREAK = -(1 << 62)
FLOAT_FIELDS = ("sum_v", "min_v", "lat_min", "lon_min", "lat0", "lon0", "lat1", "lon1")
STATE_SCHEMA = pa.schema([(f, pa.int64()) for f in INT_FIELDS]
                         + [(f, pa.float64()) for f in FLOAT_FIELDS])


@dataclass(frozen=True)
class RunRules:
    max_link_s: float
    max_break_s: float
    min_duration_s: float


@dataclass(frozen=True)
class Runs:
    """Runs, one row each: ``ints[:, INT_FIELDS.index(name)]`` and likewise ``floats``."""

    ints: npt.NDArray[np.int64]
    floats: F64

    def __len__(self) -> int:
        return int(self.ints.shape[0])

    def col(self, name: str) -> npt.NDArray[np.int64] | F64:
        if name in INT_FIELDS:
            return self.ints[:, INT_FIELDS.index(name)]
        return self.floats[:, FLOAT_FIELDS.index(name)]

    def to_table(self) -> pa.Table:
        cols: dict[str, np.ndarray] = {f: self.ints[:, k] for k, f in enumerate(INT_FIELDS)}
        cols.update({f: self.floats[:, k] for k, f in enumerate(FLOAT_FIELDS)})
        return pa.table(cols, schema=STATE_SCHEMA)

    @staticmethod
    def empty() -> Runs:
        return Runs(np.zeros((0, len(INT_FIELDS)), np.int64),
                    np.zeros((0, len(FLOAT_FIELDS)), np.float64))

    @staticmethod
    def from_table(table: pa.Table | None) -> Runs:
        if table is None or table.num_rows == 0:
            return Runs.empty()
        ints = np.column_stack([table[f].to_numpy() for f in INT_FIELDS]).astype(np.int64)
        floats = np.column_stack([table[f].to_numpy() for f in FLOAT_FIELDS]).astype(
            np.float64)
        order = np.lexsort((ints[:, 1], ints[:, 0]))
        return Runs(np.ascontiguousarray(ints[order]), np.ascontiguousarray(floats[order]))


def find_runs(key1: I64, key2: I64, t_us: I64, link: I64, cond: Mask, value: F64,
              lat: F64, lon: F64, open_runs: Runs, rules: RunRules, watermark_us: int,
              final: bool) -> tuple[Runs, Runs]:
    """(closed runs, open runs). Samples must be sorted by (key1, key2, t_us).

    ``watermark_us``: every later batch holds only samples after this time, so a run
    whose continuation would need an earlier sample is closed now. With ``final`` every
    run is closed.
    """
    n = t_us.size
    for a in (key1, key2, link, cond, value, lat, lon):
        if a.size != n:
            raise ValueError("find_runs: sample arrays differ in length")
    m = len(open_runs)
    cap = n + m
    out_i = np.zeros((cap, len(INT_FIELDS)), np.int64)
    out_f = np.zeros((cap, len(FLOAT_FIELDS)), np.float64)
    keep_i = np.zeros((cap, len(INT_FIELDS)), np.int64)
    keep_f = np.zeros((cap, len(FLOAT_FIELDS)), np.float64)
    nc, no = _runs_kernel(
        np.ascontiguousarray(key1, np.int64), np.ascontiguousarray(key2, np.int64),
        np.ascontiguousarray(t_us, np.int64), np.ascontiguousarray(link, np.int64),
        np.ascontiguousarray(cond, np.bool_), np.ascontiguousarray(value, np.float64),
        np.ascontiguousarray(lat, np.float64), np.ascontiguousarray(lon, np.float64),
        open_runs.ints, open_runs.floats,
        int(rules.max_link_s * 1e6), int(rules.max_break_s * 1e6),
        int(rules.min_duration_s * 1e6), int(watermark_us), bool(final),
        out_i, out_f, keep_i, keep_f)
    return Runs(out_i[:nc], out_f[:nc]), Runs(keep_i[:no], keep_f[:no])


@numba.njit(cache=True, nogil=True)
def _less(a1: int, a2: int, b1: int, b2: int) -> bool:
    return a1 < b1 or (a1 == b1 and a2 < b2)


@numba.njit(cache=True, nogil=True)
def _close(r_i, r_f, min_dur, out_i, out_f, nc):  # type: ignore[no-untyped-def]
    if r_i[3] - r_i[2] >= min_dur:
        out_i[nc] = r_i
        out_f[nc] = r_f
        return nc + 1
    return nc


@numba.njit(cache=True, nogil=True)
def _runs_kernel(  # type: ignore[no-untyped-def]
        k1, k2, t, link, cond, v, lat, lon, oi, of, max_link, max_break, min_dur,
        watermark, final, out_i, out_f, keep_i, keep_f):
    n = t.size
    m = oi.shape[0]
    i = 0
    j = 0
    nc = 0
    no = 0
    r_i = np.zeros(9, np.int64)  # the current run, in INT_FIELDS layout
    r_f = np.zeros(8, np.float64)
    no_break = -(1 << 62)
    while i < n or j < m:
        if i < n and (j >= m or _less(k1[i], k2[i], oi[j, 0], oi[j, 1])):
            g1, g2, have = k1[i], k2[i], False
        elif i >= n or _less(oi[j, 0], oi[j, 1], k1[i], k2[i]):
            g1, g2, have = oi[j, 0], oi[j, 1], True
        else:
            g1, g2, have = k1[i], k2[i], True
        if have:
            r_i[:] = oi[j]
            r_f[:] = of[j]
            j += 1
        while i < n and k1[i] == g1 and k2[i] == g2:
            ti = t[i]
            if have and (ti - r_i[4] > max_link or link[i] != r_i[5]):
                nc = _close(r_i, r_f, min_dur, out_i, out_f, nc)
                have = False
            if cond[i]:
                if have and r_i[8] != no_break and ti - r_i[8] > max_break:
                    nc = _close(r_i, r_f, min_dur, out_i, out_f, nc)
                    have = False
                if not have:
                    have = True
                    r_i[0], r_i[1], r_i[2], r_i[3] = g1, g2, ti, ti
                    r_i[6], r_i[7] = 0, ti
                    r_f[0], r_f[1] = 0.0, np.inf
                    r_f[2], r_f[3], r_f[4], r_f[5] = lat[i], lon[i], lat[i], lon[i]
                r_i[3] = ti
                r_i[6] += 1
                r_i[8] = no_break
                r_f[0] += v[i]
                if v[i] < r_f[1]:
                    r_f[1] = v[i]
                    r_i[7] = ti
                    r_f[2], r_f[3] = lat[i], lon[i]
                r_f[6], r_f[7] = lat[i], lon[i]
            elif have:
                if r_i[8] == no_break:
                    r_i[8] = ti
                if ti - r_i[8] > max_break:
                    nc = _close(r_i, r_f, min_dur, out_i, out_f, nc)
                    have = False
            if have:
                r_i[4] = ti
                r_i[5] = link[i]
            i += 1
        if have:
            if final or watermark - r_i[4] >= max_link or (
                    r_i[8] != no_break and watermark - r_i[8] >= max_break):
                nc = _close(r_i, r_f, min_dur, out_i, out_f, nc)
            else:
                keep_i[no] = r_i
                keep_f[no] = r_f
                no += 1
    return nc, no
