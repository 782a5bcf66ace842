"""The pair stage: which vessels are near each other, minute by minute.

Encounters, escorts and close approaches all ask the same question of different pairs:
how far apart were these two vessels at each instant, and how were they moving. The
stage answers it once per batch for every detector: tracks are resampled onto one UTC
grid (:mod:`pantau.detect.resample`), and at each grid time the vessels near each other
are found through spatial buckets (a hash of square cells, so a query looks at a handful
of cells, never at every vessel). Only pairs with an *anchor* are kept: a vessel of a
category some pair detector watches, within ``max_distance_m``, or else a slow vessel
(an encounter needs both slow), within ``unwatched_max_distance_m``. Two merchant ships
passing at speed in a strait matter to no detector, and they are most of the traffic.

The stage's product, :class:`PairSamples`, goes into ``batch.shared["pairs"]``; its
``horizon_us`` is the watermark pair detectors give :func:`pantau.detect.runs.find_runs`
(pair samples lag the batch watermark by up to ``max_interp_s``, see
:func:`pantau.detect.resample.horizon`). :mod:`pantau.detect.pair_runs` turns them into
the episodes of each pair detector.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

import numba
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from pantau.detect.base import WATCHED, Batch, Context, State, category_codes
from pantau.detect.errors import DetectError
from pantau.detect.frame import F64, I64, Frame
from pantau.detect.resample import NEVER_US, Samples, carry, grid_floor, horizon, resample
from pantau.geo import EARTH_RADIUS_M, M_PER_DEG, haversine_m

I8 = npt.NDArray[np.int8]


@dataclass(frozen=True)
class PairParams:
    #: one sample a minute: the shortest threshold of a pair detector (4 min of close
    #: approach, MarineTraffic) still spans several samples (ours)
    step_s: float = 60.0
    #: interpolate across silences up to 30 min (ours: ten intervals of a class A vessel
    #: at anchor, which reports every 3 min; the AIS-gap detector starts at 1 h)
    max_interp_s: float = 1800.0
    #: the largest distance any pair detector needs (shadowing an own asset within 3 km)
    max_distance_m: float = 3000.0
    #: a vessel this slow anchors pairs: an encounter needs both under 2 kn (GFW)
    anchor_max_sog_kn: float = 2.0
    #: vessels of these categories anchor pairs whatever their speed (escort, close
    #: approach, shadowing watch them)
    anchor_categories: tuple[str, ...] = (*WATCHED, "own_asset")
    #: pairs with no vessel of those categories only matter to encounters (500 m, GFW),
    #: so they are kept this close only (ours: twice that, for the encounter's tolerance
    #: of a drift apart; at an anchorage off Singapore hundreds of ships lie within 3 km
    #: of each other, and all their pairs every minute would outnumber the positions)
    unwatched_max_distance_m: float = 1000.0

    def __post_init__(self) -> None:
        if not (self.step_s > 0 and self.max_interp_s >= 0 and self.max_distance_m > 0
                and self.unwatched_max_distance_m > 0):
            raise DetectError(f"pair stage: step_s and the distances must be positive and "
                              f"max_interp_s not negative, got {self}")


_INT_COLS = ("mmsi_a", "mmsi_b", "t_us")
_CAT_COLS = ("cat_a", "cat_b")


@dataclass(frozen=True)
class PairSamples:
    """Vessels near each other at grid times, one row per (pair, time), ``mmsi_a <
    mmsi_b``, sorted by (mmsi_a, mmsi_b, t_us). ``lat``/``lon`` is the midpoint."""

    mmsi_a: I64
    mmsi_b: I64
    t_us: I64
    distance_m: F64
    lat: F64
    lon: F64
    sog_a_kn: F64
    sog_b_kn: F64
    cog_a_deg: F64
    cog_b_deg: F64
    port_a_m: F64
    port_b_m: F64
    cat_a: I8  # index into pantau.registry.schema.CATEGORIES
    cat_b: I8
    length_a_m: F64  # NaN: unknown
    length_b_m: F64
    #: every pair sample of a later batch is after this time
    horizon_us: int = NEVER_US
    params: PairParams = PairParams()

    @property
    def n(self) -> int:
        return int(self.t_us.size)

    def take(self, idx: npt.ArrayLike) -> PairSamples:
        i = np.asarray(idx)
        cols = {name: getattr(self, name)[i] for name in COLUMNS}
        return PairSamples(**cols, horizon_us=self.horizon_us, params=self.params)

    def to_table(self) -> pa.Table:
        return pa.table({name: getattr(self, name) for name in COLUMNS})

    @staticmethod
    def from_table(table: pa.Table | None, horizon_us: int = NEVER_US,
                   params: PairParams | None = None) -> PairSamples:
        if table is None or table.num_rows == 0:
            return PairSamples.empty(horizon_us, params)
        cols: dict[str, Any] = {
            name: np.asarray(table[name].to_numpy(), _dtype(name)) for name in COLUMNS}
        return PairSamples(**cols, horizon_us=horizon_us, params=params or PairParams())

    @staticmethod
    def concat(parts: list[PairSamples]) -> PairSamples:
        """Rows of the parts one after the other (their order is the caller's to keep)."""
        cols = {name: np.concatenate([getattr(p, name) for p in parts]) for name in COLUMNS}
        return PairSamples(**cols, horizon_us=parts[0].horizon_us, params=parts[0].params)

    @staticmethod
    def empty(horizon_us: int = NEVER_US, params: PairParams | None = None) -> PairSamples:
        cols: dict[str, Any] = {
            name: np.zeros(0, _dtype(name)) for name in COLUMNS}
        return PairSamples(**cols, horizon_us=horizon_us, params=params or PairParams())


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(PairSamples)
                                 if f.name not in ("horizon_us", "params"))


def _dtype(name: str) -> type:
    return np.int64 if name in _INT_COLS else np.int8 if name in _CAT_COLS else np.float64


class PairStage:
    """Resample, then find the nearby pairs; state: the rows still needed to continue
    each track (``rows``) and the last grid time produced (``done``)."""

    name = "pairs"

    def __init__(self, params: PairParams | None = None) -> None:
        self.params = params or PairParams()

    def run(self, batch: Batch, ctx: Context, state: State) -> tuple[PairSamples, State]:
        p = self.params
        step_us = round(p.step_s * 1e6)
        interp_us = round(p.max_interp_s * 1e6)
        done_us = int(state["done"]["done_us"][0].as_py()) if "done" in state else NEVER_US
        rows = Frame.concat([Frame.from_state(state.get("rows")), batch.frame])
        if batch.final:
            upto_us = int(rows.t_us.max()) if rows.n else done_us
        else:
            upto_us = horizon(rows, batch.watermark_us, interp_us)
        upto_us = max(done_us, grid_floor(upto_us, step_us))
        found = PairSamples.empty(upto_us, p)
        if upto_us > done_us and rows.n:
            samples = resample(rows, done_us, upto_us, step_us, interp_us)
            found = self._pairs(samples, rows, ctx, step_us, upto_us)
        kept = Frame.empty() if batch.final else carry(rows, upto_us, batch.watermark_us,
                                                      interp_us)
        return found, {"rows": kept.to_table(),
                       "done": pa.table({"done_us": pa.array([upto_us], pa.int64())})}

    def _pairs(self, s: Samples, rows: Frame, ctx: Context, step_us: int,
               upto_us: int) -> PairSamples:
        p = self.params
        if s.n < 2:
            return PairSamples.empty(upto_us, p)
        starts, _ = rows.vessels()
        vessel_mmsi = rows.mmsi[starts]
        cat = ctx.vessels.category_of(vessel_mmsi)
        watched = np.isin(cat, category_codes(p.anchor_categories))[s.vessel]
        kind = np.where(watched, WATCH, np.where(s.sog_kn < p.anchor_max_sog_kn, SLOW, OTHER))
        i, j, dist = nearby(s, kind.astype(np.int8), step_us, p.max_distance_m,
                            p.unwatched_max_distance_m)
        swap = s.mmsi[i] > s.mmsi[j]
        a = np.where(swap, j, i)
        b = np.where(swap, i, j)
        a, b, dist = _sort_pairs(a, b, dist, s.mmsi, s.t_us)
        ints, floats, cats = _assemble(a, b, dist, s.vessel, s.mmsi, s.t_us, s.lat, s.lon,
                                       s.sog_kn, s.cog_deg, s.port_m, cat,
                                       ctx.vessels.length_of(vessel_mmsi))
        names = (*_INT_COLS, *(c for c in COLUMNS if _dtype(c) is np.float64), *_CAT_COLS)
        cols = dict(zip(names, (*ints, *floats, *cats), strict=True))
        return PairSamples(**cols, horizon_us=upto_us, params=p)


@numba.njit(cache=True, nogil=True)
def _assemble(a, b, dist, vessel, mmsi, t, lat, lon, sog, cog, port, cat, length):  # type: ignore[no-untyped-def]
    """The columns of :class:`PairSamples`: integers, floats, categories (each in the
    order of :data:`COLUMNS`)."""
    n = a.size
    ints = np.empty((3, n), np.int64)
    floats = np.empty((11, n), np.float64)
    cats = np.empty((2, n), np.int8)
    for k in range(n):
        x, y = a[k], b[k]
        ints[0, k], ints[1, k], ints[2, k] = mmsi[x], mmsi[y], t[x]
        dlon = lon[y] - lon[x]
        if dlon > 180.0:
            dlon -= 360.0
        elif dlon < -180.0:
            dlon += 360.0
        mid = lon[x] + 0.5 * dlon  # the midpoint the short way round
        if mid > 180.0:
            mid -= 360.0
        elif mid < -180.0:
            mid += 360.0
        floats[0, k], floats[1, k], floats[2, k] = dist[k], 0.5 * (lat[x] + lat[y]), mid
        floats[3, k], floats[4, k] = sog[x], sog[y]
        floats[5, k], floats[6, k] = cog[x], cog[y]
        floats[7, k], floats[8, k] = port[x], port[y]
        floats[9, k], floats[10, k] = length[vessel[x]], length[vessel[y]]
        cats[0, k], cats[1, k] = cat[vessel[x]], cat[vessel[y]]
    return ints, floats, cats


def _sort_pairs(a: I64, b: I64, dist: F64, mmsi: I64, t_us: I64) -> tuple[I64, I64, F64]:
    """Pairs of samples (in time order) in (mmsi_a, mmsi_b, t_us) order."""
    ma, mb = mmsi[a], mmsi[b]
    if ma.size and int(ma.min()) >= 0 and int(max(ma.max(), mb.max())) < (1 << 30):
        # AIS MMSIs are 30-bit: one 60-bit key, sorted stably (so in time) in linear time
        return _radix_sort((ma << 30) | mb, a, b, dist)  # type: ignore[no-any-return]
    order = pair_order(ma, mb, t_us[a])
    return a[order], b[order], dist[order]


def pair_order(mmsi_a: I64, mmsi_b: I64, t_us: I64) -> I64:
    """The (mmsi_a, mmsi_b, t_us) order of pair samples."""
    return np.lexsort((t_us, mmsi_b, mmsi_a))


@numba.njit(cache=True, nogil=True)
def _radix_sort(key, a, b, d):  # type: ignore[no-untyped-def]
    """``a``, ``b``, ``d`` stably sorted by a non-negative 60-bit key: four passes of 15
    bits, the values moved along (reading them in a final random order costs more)."""
    n = key.size
    k, a, b, d = key.copy(), a.copy(), b.copy(), d.copy()
    k2, a2, b2, d2 = np.empty_like(k), np.empty_like(a), np.empty_like(b), np.empty_like(d)
    for shift in range(0, 60, 15):
        count = np.zeros((1 << 15) + 1, np.int64)
        for i in range(n):
            count[((k[i] >> shift) & 0x7FFF) + 1] += 1
        if count.max() == n:
            continue  # one digit for all: the order stands
        for x in range(1 << 15):
            count[x + 1] += count[x]
        for i in range(n):
            x = (k[i] >> shift) & 0x7FFF
            j = count[x]
            count[x] = j + 1
            k2[j], a2[j], b2[j], d2[j] = k[i], a[i], b[i], d[i]
        k, k2 = k2, k
        a, a2 = a2, a
        b, b2 = b2, b
        d, d2 = d2, d
    return a, b, d


#: sample kinds of :func:`nearby`: not an anchor, slow only, of a watched category
OTHER, SLOW, WATCH = 0, 1, 2


def nearby(s: Samples, kind: npt.NDArray[np.int8], step_us: int, max_distance_m: float,
           unwatched_max_distance_m: float) -> tuple[I64, I64, F64]:
    """Sample pairs (i, j) at one grid time, each once, with their distances: within
    ``max_distance_m`` when either is ``WATCH``, within ``unwatched_max_distance_m`` when
    neither is but one is ``SLOW``. Order: by grid time."""
    if s.n == 0:
        z = np.zeros(0, np.int64)
        return z, z, np.zeros(0)
    t0 = int(s.t_us.min())
    slot = (s.t_us - t0) // step_us
    n_groups = int(slot.max()) + 1
    if n_groups <= 4 * s.n + 1024:
        order, bounds = _group_kernel(slot, n_groups)
    else:  # a sparse, very long span: sort instead of counting
        order = np.argsort(slot, kind="stable")
        bounds = np.searchsorted(slot[order], np.arange(n_groups + 1))
    largest = int(np.diff(bounds).max())
    bits = 4
    while (1 << bits) < 2 * largest:
        bits += 1
    radii = np.array([0.0, unwatched_max_distance_m, max_distance_m])
    # cells as wide as the shorter reach: a slow vessel looks at 3 x 3 of them, a
    # watched one at a few more
    cell_deg = min(max_distance_m, unwatched_max_distance_m) / M_PER_DEG
    cap = max(1024, s.n)
    head = np.full(1 << bits, -1, np.int64)
    keys = np.zeros(1 << bits, np.int64)
    nxt = np.full(s.n, -1, np.int64)
    slot_of = np.zeros(s.n, np.int64)
    # in grid-time order, so one time's samples lie together in memory
    lat, lon, knd, mmsi = s.lat[order], s.lon[order], kind[order], s.mmsi[order]
    parts: list[tuple[I64, I64, F64]] = []
    group = 0
    while group < n_groups:
        out_i = np.empty(cap, np.int64)
        out_j = np.empty(cap, np.int64)
        out_d = np.empty(cap, np.float64)
        group, k = _nearby_kernel(bounds, group, lat, lon, knd, mmsi, cell_deg, radii, keys,
                                  head, 64 - bits, nxt, slot_of, out_i, out_j, out_d)
        parts.append((out_i[:k], out_j[:k], out_d[:k]))
        cap *= 2  # more pairs than samples: a dense anchorage, likely to go on
    return (order[np.concatenate([q[0] for q in parts])],
            order[np.concatenate([q[1] for q in parts])], np.concatenate([q[2] for q in parts]))


@numba.njit(cache=True, nogil=True)
def _group_kernel(slot, n_groups):  # type: ignore[no-untyped-def]
    bounds = np.zeros(n_groups + 1, np.int64)
    for i in range(slot.size):
        bounds[slot[i] + 1] += 1
    for g in range(n_groups):
        bounds[g + 1] += bounds[g]
    fill = bounds[:n_groups].copy()
    order = np.empty(slot.size, np.int64)
    for i in range(slot.size):
        order[fill[slot[i]]] = i
        fill[slot[i]] += 1
    return order, bounds


#: 2**64 / golden ratio (Fibonacci hashing), as a wrapping signed integer
_GOLDEN = 11400714819323198485 - (1 << 64)


@numba.njit(cache=True, nogil=True, inline="always")
def _cell_key(row: int, col: int) -> int:
    return ((row + (1 << 30)) << 32) | (col + (1 << 31))


@numba.njit(cache=True, nogil=True, inline="always")
def _find(keys, head, key, shift, mask):  # type: ignore[no-untyped-def]
    h = ((key * _GOLDEN) >> shift) & mask
    while head[h] != -1 and keys[h] != key:
        h = (h + 1) & mask
    return h


@numba.njit(cache=True, nogil=True, inline="always")
def _surely_beyond(lat_i, lon_i, lat_j, lon_j, cos_max, reach2):  # type: ignore[no-untyped-def]
    """A cheap test that the haversine distance exceeds the reach: flat-Earth distance with
    the smallest cosine either latitude can have, which is below the haversine one by far
    less than the 1e-4 allowed here while the longitudes are within a degree."""
    dy = lat_j - lat_i
    dx = abs(lon_j - lon_i)
    if dx > 180.0:
        dx = 360.0 - dx
    flat2 = dy * dy if dx > 1.0 else dy * dy + cos_max * cos_max * dx * dx
    return flat2 * (M_PER_DEG * M_PER_DEG) * (1.0 - 1e-4) > reach2


@numba.njit(cache=True, nogil=True)
def _scan(i, row, c_lo, c_hi, lat, lon, kind, mmsi, max_d, cos_max, keys, head, shift,  # type: ignore[no-untyped-def]
          nxt, out_i, out_j, out_d, k):
    """Sample i against the samples in cells (row, c_lo..c_hi); -1 when the output is
    full. A watched i takes everyone, a slow i everyone but the watched (who find it
    themselves); between two of a kind, the lower MMSI takes the pair."""
    mask = keys.size - 1
    reach2 = max_d * max_d
    for c in range(c_lo, c_hi + 1):
        j = head[_find(keys, head, _cell_key(row, c), shift, mask)]
        while j != -1:
            if kind[j] <= kind[i] and (kind[j] != kind[i] or mmsi[i] < mmsi[j]) and \
                    not _surely_beyond(lat[i], lon[i], lat[j], lon[j], cos_max, reach2):
                d = haversine_m(lon[i], lat[i], lon[j], lat[j])
                if d <= max_d:
                    if k == out_i.size:
                        return -1
                    out_i[k] = i
                    out_j[k] = j
                    out_d[k] = d
                    k += 1
            j = nxt[j]
    return k


@numba.njit(cache=True, nogil=True)
def _nearby_kernel(bounds, group, lat, lon, kind, mmsi, cell_deg, radii, keys, head,  # type: ignore[no-untyped-def]
                   shift, nxt, slot_of, out_i, out_j, out_d):
    """Groups (rows ``bounds[g]:bounds[g + 1]``, one grid time each) from ``group`` on,
    until the output is full; returns (next group, pairs written). A group that does not
    fit is left whole for the next call."""
    mask = keys.size - 1
    k = 0
    n_groups = bounds.size - 1
    col_lo_all = math.floor(-180.0 / cell_deg)
    col_hi_all = math.floor(180.0 / cell_deg)
    while group < n_groups:
        a, b = bounds[group], bounds[group + 1]
        if b - a < 2:
            group += 1
            continue
        for i in range(a, b):
            key = _cell_key(math.floor(lat[i] / cell_deg), math.floor(lon[i] / cell_deg))
            h = _find(keys, head, key, shift, mask)
            keys[h] = key
            nxt[i] = head[h]
            head[h] = i
            slot_of[i] = h
        k_group = k
        for i in range(a, b):
            if kind[i] == 0 or k < 0:
                continue
            reach = radii[kind[i]]
            # a point within reach is at most reach_deg away in latitude (the meridian
            # arc is the shortest way north), and at most span away in longitude (from
            # the haversine formula, at the latitude nearest a pole it can have)
            reach_deg = reach / M_PER_DEG * (1.0 + 1e-9)
            sin_half = math.sin(0.5 * reach / EARTH_RADIUS_M)
            cos_max = math.cos(math.radians(min(abs(lat[i]) + reach_deg, 90.0)))
            if cos_max <= sin_half:
                span = 360.0
            else:
                span = math.degrees(2.0 * math.asin(sin_half / cos_max)) * (1.0 + 1e-9)
            whole = 2.0 * span + cell_deg >= 360.0
            lo = math.floor((lon[i] - span) / cell_deg)
            hi = math.floor((lon[i] + span) / cell_deg)
            for r in range(math.floor((lat[i] - reach_deg) / cell_deg),
                           math.floor((lat[i] + reach_deg) / cell_deg) + 1):
                if whole:
                    k = _scan(i, r, col_lo_all, col_hi_all, lat, lon, kind, mmsi, reach,
                              cos_max, keys, head, shift, nxt, out_i, out_j, out_d, k)
                else:
                    k = _scan(i, r, max(lo, col_lo_all), min(hi, col_hi_all), lat, lon, kind,
                              mmsi, reach, cos_max, keys, head, shift, nxt, out_i, out_j,
                              out_d, k)
                    if k >= 0 and lon[i] - span < -180.0:  # across the antimeridian
                        k = _scan(i, r, math.floor((lon[i] - span + 360.0) / cell_deg),
                                  col_hi_all, lat, lon, kind, mmsi, reach, cos_max, keys,
                                  head, shift, nxt, out_i, out_j, out_d, k)
                    if k >= 0 and lon[i] + span > 180.0:
                        k = _scan(i, r, col_lo_all,
                                  math.floor((lon[i] + span - 360.0) / cell_deg), lat, lon,
                                  kind, mmsi, reach, cos_max, keys, head, shift, nxt, out_i,
                                  out_j, out_d, k)
                if k < 0:
                    break
        for i in range(a, b):
            head[slot_of[i]] = -1
        if k < 0:
            return group, k_group
        group += 1
    return group, k
