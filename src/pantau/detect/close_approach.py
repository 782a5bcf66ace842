"""`close_approach`: too close to a watched vessel, an own asset, or a platform.

Three modes, each its own episode (``details.mode``, also the event's discriminator):

* ``vessel``: two vessels, one watched or an own asset, closer than three times the
  longer one's length (at most 1 km) for a few minutes (MarineTraffic's close-encounter
  rule). ``mmsi`` is the watched vessel, or the one that is not the own asset.
* ``shadowing``: a vessel keeping company with an own asset at speed, on a similar course,
  for an hour. ``mmsi`` is the shadower, ``other_mmsi`` the asset.
* ``asset``: a vessel passing within a platform's radius (point zones of kind ``asset``;
  patrol vessels came within 200 to 400 m of platforms at Kasawari in 2021). Judged on the
  positions themselves, not the pair grid: each straight leg between consecutive
  positions of a segment is tested for its closest point of approach, so a fast pass
  between two reports is caught. ``zone`` is the platform, ``other_mmsi`` null.

Every mode reports the closest point of approach (``cpa_m``, ``cpa_at``) and ``tcpa_s``,
the seconds from the start of the episode to it.

State: per pair mode, its open runs and their samples (``vessel_*``, ``shadow_*``); for
platforms, the last position of each vessel that a later one may continue
(``asset_last``) and the passes still inside a platform's radius (``asset_open``).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numba
import numpy as np
import pyarrow as pa

from pantau.detect.base import WATCHED, Batch, Context, State, category_codes
from pantau.detect.events import Event, iso_us
from pantau.detect.frame import F64, I64, Frame, Mask
from pantau.detect.pair_runs import Episodes, course_diff_deg, pair_runs, pairs_of
from pantau.detect.pairs import PairSamples
from pantau.detect.resample import NEVER_US
from pantau.detect.runs import RunRules
from pantau.geo import M_PER_DEG
from pantau.registry.schema import CATEGORIES

_US = 1_000_000


@dataclass(frozen=True)
class Params:
    #: vessels whose approaches are watched, and the operator's own (DESIGN.md watchlist)
    watched_categories: tuple[str, ...] = WATCHED
    own_category: str = "own_asset"
    #: "within 3 x the longer length, capped at 1000 m, for at least 4 min"
    #: (MarineTraffic close encounters), DESIGN.md
    length_factor: float = 3.0
    max_distance_m: float = 1000.0
    min_duration_s: float = 240.0
    #: a vessel of unknown length counts as this long (ours: a mid-size ship; so the
    #: threshold is 300 m)
    unknown_length_m: float = 100.0
    #: samples farther apart tolerated inside an approach (ours: two grid steps of noise)
    max_break_s: float = 120.0
    #: own assets near each other are the operator's own manoeuvres (ours)
    own_with_own: bool = False
    #: shadowing an own asset: within 3 km, course within 45 degrees, both at 2 kn or more,
    #: for at least 1 h (ours: a tail keeps visual range and the asset's course)
    shadow_distance_m: float = 3000.0
    shadow_max_cog_diff_deg: float = 45.0
    shadow_min_sog_kn: float = 2.0
    shadow_min_duration_s: float = 3600.0
    shadow_max_break_s: float = 600.0
    #: a platform's radius: the zone's own ``radius_m`` unless this overrides it (the
    #: Kasawari cases of 2021 were passes at 200 to 400 m), DESIGN.md
    asset_radius_m: float | None = None
    #: legs between positions this far apart are straight lines (as the pair stage's
    #: interpolation, 30 min); a longer silence is not a known track
    asset_max_leg_s: float = 1800.0
    #: every pass counts, however short: the fast pass is the one that matters (ours)
    asset_min_duration_s: float = 0.0


class CloseApproach:
    name = "close_approach"
    kinds: tuple[str, ...] = ("close_approach",)

    def __init__(self, params: Params | None = None) -> None:
        self.params = params or Params()

    def run(self, batch: Batch, ctx: Context, state: State) -> tuple[list[Event], State]:
        p = self.params
        pairs = pairs_of(batch, self.name, max(p.max_distance_m, p.shadow_distance_m))
        own = category_codes((p.own_category,))
        own_a, own_b = np.isin(pairs.cat_a, own), np.isin(pairs.cat_b, own)
        watched = category_codes(p.watched_categories)
        w_a, w_b = np.isin(pairs.cat_a, watched), np.isin(pairs.cat_b, watched)
        step_s = pairs.params.step_s
        # vessel: one side watched or own; threshold from the longer length
        keep = w_a | w_b | own_a | own_b
        if not p.own_with_own:
            keep &= ~(own_a & own_b)
        threshold = self._threshold(pairs)
        found, st_vessel = pair_runs(
            pairs, keep, pairs.distance_m <= threshold,
            RunRules(step_s, p.max_break_s, p.min_duration_s), _sub(state, "vessel_"),
            batch.final)
        events = self._pair_events(found, "vessel", pairs)
        # shadowing: one side own; the other keeps its course at speed
        keep = own_a ^ own_b
        cond = ((pairs.distance_m <= p.shadow_distance_m)
                & (course_diff_deg(pairs.cog_a_deg, pairs.cog_b_deg)
                   <= p.shadow_max_cog_diff_deg)
                & (pairs.sog_a_kn >= p.shadow_min_sog_kn)
                & (pairs.sog_b_kn >= p.shadow_min_sog_kn))
        found, st_shadow = pair_runs(
            pairs, keep, cond,
            RunRules(step_s, p.shadow_max_break_s, p.shadow_min_duration_s),
            _sub(state, "shadow_"), batch.final)
        events += self._pair_events(found, "shadowing", pairs)
        asset_events, st_asset = self._assets(batch, ctx, state)
        events += asset_events
        new_state = {f"vessel_{k}": v for k, v in st_vessel.items()}
        new_state.update({f"shadow_{k}": v for k, v in st_shadow.items()})
        new_state.update(st_asset)
        return events, new_state

    def _threshold(self, pairs: PairSamples) -> F64:
        p = self.params
        la = np.where(np.isnan(pairs.length_a_m), p.unknown_length_m, pairs.length_a_m)
        lb = np.where(np.isnan(pairs.length_b_m), p.unknown_length_m, pairs.length_b_m)
        return np.minimum(p.length_factor * np.maximum(la, lb), p.max_distance_m)

    def _pair_events(self, found: Episodes, mode: str, pairs: PairSamples) -> list[Event]:
        p = self.params
        own = set(category_codes((p.own_category,)).tolist())
        watched = set(category_codes(p.watched_categories).tolist())
        params = asdict(p)
        grid = {"step_s": pairs.params.step_s, "max_interp_s": pairs.params.max_interp_s}
        s = found.samples
        n = found.sizes().tolist()
        cat_a, cat_b = found.first(s.cat_a).tolist(), found.first(s.cat_b).tolist()
        len_a, len_b = found.first(s.length_a_m).tolist(), found.first(s.length_b_m).tolist()
        threshold = self._threshold(s)[found.cuts[:-1]].tolist() if len(found) else []
        sog_a, sog_b = found.median(s.sog_a_kn).tolist(), found.median(s.sog_b_kn).tolist()
        cog_diff = found.median(course_diff_deg(s.cog_a_deg, s.cog_b_deg)).tolist()
        events = []
        for r, run in enumerate(found.rows()):
            a, b, ca, cb = run["key1"], run["key2"], cat_a[r], cat_b[r]
            # the actor first: not the own asset; else the watched one
            flip = (ca in own and cb not in own) or (
                ca not in own and cb not in own and cb in watched and ca not in watched)
            start, t_cpa = run["start_us"], run["t_min_us"]
            details = {
                "mode": mode, "samples": n[r], "cpa_m": run["min_v"], "cpa_at": iso_us(t_cpa),
                "tcpa_s": (t_cpa - start) / _US, "cpa_lat": run["lat_min"],
                "cpa_lon": run["lon_min"], "mean_distance_m": run["sum_v"] / max(n[r], 1),
                "category": CATEGORIES[cb if flip else ca],
                "other_category": CATEGORIES[ca if flip else cb],
                "median_sog_kn": sog_b[r] if flip else sog_a[r],
                "other_median_sog_kn": sog_a[r] if flip else sog_b[r],
                "params": params, "pair_grid": grid}
            if mode == "vessel":
                details["length_m"] = len_b[r] if flip else len_a[r]
                details["other_length_m"] = len_a[r] if flip else len_b[r]
                details["threshold_m"] = threshold[r]
            else:
                details["median_cog_diff_deg"] = cog_diff[r]
            events.append(Event("close_approach", b if flip else a, start, run["end_us"],
                                run["lat0"], run["lon0"], other_mmsi=a if flip else b,
                                details=details, discriminator=mode))
        return events

    # -- platforms ----------------------------------------------------------------------
    def _assets(self, batch: Batch, ctx: Context, state: State) -> tuple[list[Event], State]:
        p = self.params
        zones = [z for z in ctx.zones if z.kind == "asset" and z.point is not None]
        names = [z.name for z in zones]
        plat = np.array([_platform(z.point, z.radius_m, p.asset_radius_m) for z in zones],
                        np.float64).reshape(-1, 3)
        by_lat = np.argsort(plat[:, 0], kind="stable")
        f = batch.frame
        last = Frame.from_state(state.get("asset_last"))
        carried = _episodes_from(state.get("asset_open"), names)
        leg_us = round(p.asset_max_leg_s * _US)
        starts, ends = f.vessels()
        vessel_mmsi = f.mmsi[starts]
        eligible = ~np.isin(ctx.vessels.category_of(vessel_mmsi),
                            category_codes((p.own_category,)))
        pieces = _pieces(f, last, starts, ends, _find(last.mmsi, vessel_mmsi), eligible,
                         plat[by_lat], by_lat, leg_us)
        merged = _merge(np.concatenate([carried, pieces]))
        # each vessel's last position: this batch's, else the carried one
        new_last = Frame.concat([last.take(np.flatnonzero(~np.isin(last.mmsi, vessel_mmsi))),
                                 f.take(ends - 1)])
        horizon = batch.watermark_us - leg_us
        if batch.final or len(merged) == 0:
            still = np.zeros(len(merged), np.bool_)
        else:
            # a pass goes on only while the vessel is inside at its last position and a
            # later position may still make a leg from it
            row = _find(new_last.mmsi, merged[:, 0].astype(np.int64))
            t_last = np.where(row >= 0, new_last.t_us[np.maximum(row, 0)], NEVER_US)
            still = (merged[:, _END] == t_last) & (t_last > horizon)
        done = merged[~still]
        done = done[done[:, _END] - done[:, _START] >= p.asset_min_duration_s * _US]
        params = asdict(p)
        events = [self._asset_event(row, names, plat, params) for row in done]
        alive = Frame.empty() if batch.final else new_last.take(
            np.flatnonzero(new_last.t_us > horizon))
        return events, {"asset_last": alive.to_table(),
                        "asset_open": _episodes_to(merged[still], names)}

    def _asset_event(self, row: F64, names: list[str], plat: F64,
                     params: dict[str, object]) -> Event:
        k = int(row[_PLAT])
        start, t_cpa = int(row[_START]), int(row[_TCPA])
        return Event("close_approach", int(row[0]), start, int(row[_END]), float(row[_LAT0]),
                     float(row[_LON0]), zone=names[k], discriminator="asset", details={
                         "mode": "asset", "cpa_m": float(row[_CPA]), "cpa_at": iso_us(t_cpa),
                         "tcpa_s": (t_cpa - start) / _US, "cpa_lat": float(row[_CLAT]),
                         "cpa_lon": float(row[_CLON]), "sog_kn": float(row[_SOG]),
                         "radius_m": float(plat[k, 2]), "platform_lat": float(plat[k, 0]),
                         "platform_lon": float(plat[k, 1]), "params": params})


# A pass is one row of float64: (mmsi, platform, start_us, end_us, cpa_us, cpa_m, cpa lat,
# cpa lon, entry lat, entry lon, sog at the CPA). Times and MMSIs are below 2**53: exact.
_PLAT, _START, _END, _TCPA, _CPA, _CLAT, _CLON, _LAT0, _LON0, _SOG = range(1, 11)
_WIDTH = 11
_EPISODE_COLS = ("mmsi", "platform", "start_us", "end_us", "cpa_us", "cpa_m", "cpa_lat",
                 "cpa_lon", "lat0", "lon0", "sog_kn")


def _sub(state: State, prefix: str) -> State:
    """One mode's part of the state, keys without the prefix."""
    return {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}


def _platform(point: tuple[float, float] | None, radius_m: float | None,
              override_m: float | None) -> tuple[float, float, float]:
    lon, lat = point if point is not None else (math.nan, math.nan)
    r = override_m if override_m is not None else radius_m
    return lat, lon, float(r) if r is not None else math.nan


def _find(sorted_mmsi: I64, mmsi: I64) -> I64:
    """Row of each MMSI in a sorted column, -1 where absent."""
    if sorted_mmsi.size == 0:
        return np.full(mmsi.size, -1, np.int64)
    pos = np.minimum(np.searchsorted(sorted_mmsi, mmsi), sorted_mmsi.size - 1)
    return np.where(sorted_mmsi[pos] == mmsi, pos, -1).astype(np.int64)


def _episodes_from(table: pa.Table | None, names: list[str]) -> F64:
    if table is None or table.num_rows == 0:
        return np.zeros((0, _WIDTH))
    where = {n: k for k, n in enumerate(names)}
    plat = [where.get(n, -1) for n in table["platform"].to_pylist()]
    rows = np.column_stack([table[c].to_numpy().astype(np.float64) if c != "platform"
                            else np.array(plat, np.float64) for c in _EPISODE_COLS])
    return rows[rows[:, _PLAT] >= 0]  # a platform no longer in the zones is forgotten


def _episodes_to(rows: F64, names: list[str]) -> pa.Table:
    cols: dict[str, pa.Array] = {}
    for k, c in enumerate(_EPISODE_COLS):
        if c == "platform":
            cols[c] = pa.array([names[int(v)] for v in rows[:, k]], pa.string())
        elif c in ("mmsi", "start_us", "end_us", "cpa_us"):
            cols[c] = pa.array(rows[:, k].astype(np.int64), pa.int64())
        else:
            cols[c] = pa.array(rows[:, k], pa.float64())
    return pa.table(cols)


def _pieces(f: Frame, last: Frame, starts: I64, ends: I64, prev: I64, eligible: Mask,
            plat: F64, plat_id: I64, leg_us: int) -> F64:
    """Stretches of each leg (and each position) inside a platform's radius, by vessel
    then time; a batch's first leg starts at the vessel's carried last position."""
    if f.n == 0 or plat.shape[0] == 0:
        return np.zeros((0, _WIDTH))
    cap = 1024
    while True:
        out = np.empty((cap, _WIDTH))
        k = _pieces_kernel(f.t_us, f.segment, f.lon, f.lat, f.sog_kn, last.t_us, last.segment,
                           last.lon, last.lat, last.sog_kn, starts, ends, prev, eligible,
                           np.ascontiguousarray(plat), plat_id, leg_us, f.mmsi, out)
        if k >= 0:
            return out[:k]
        cap *= 4


@numba.njit(cache=True, nogil=True)
def _leg(out, k, mmsi, t0, lon0, lat0, sog0, t1, lon1, lat1, sog1, plat, plat_lats,  # type: ignore[no-untyped-def]
         plat_id, max_r_deg):
    lat_lo = min(lat0, lat1) - max_r_deg
    lat_hi = max(lat0, lat1) + max_r_deg
    q = np.searchsorted(plat_lats, lat_lo)
    span = t1 - t0
    while q < plat.shape[0] and plat[q, 0] <= lat_hi:
        plat_lat, plat_lon, r = plat[q, 0], plat[q, 1], plat[q, 2]
        kx = M_PER_DEG * math.cos(math.radians(plat_lat))
        dl0 = lon0 - plat_lon
        dl1 = lon1 - plat_lon
        dl0 = dl0 - 360.0 if dl0 > 180.0 else dl0 + 360.0 if dl0 < -180.0 else dl0
        dl1 = dl1 - 360.0 if dl1 > 180.0 else dl1 + 360.0 if dl1 < -180.0 else dl1
        x0, y0 = dl0 * kx, (lat0 - plat_lat) * M_PER_DEG
        dx, dy = dl1 * kx - x0, (lat1 - plat_lat) * M_PER_DEG - y0
        dd = dx * dx + dy * dy
        b = x0 * dx + y0 * dy
        s = 0.0 if dd == 0.0 else min(1.0, max(0.0, -b / dd))
        cx, cy = x0 + s * dx, y0 + s * dy
        cpa = math.sqrt(cx * cx + cy * cy)
        if cpa <= r:
            if k >= out.shape[0]:
                return -1
            if dd == 0.0:
                s_in, s_out = 0.0, 1.0
            else:
                root = math.sqrt(max(0.0, b * b - dd * (x0 * x0 + y0 * y0 - r * r)))
                s_in = max(0.0, (-b - root) / dd)
                s_out = min(1.0, (-b + root) / dd)
            out[k, 0] = mmsi
            out[k, 1] = plat_id[q]
            out[k, 2] = t0 + math.floor(s_in * span + 0.5)
            out[k, 3] = t0 + math.floor(s_out * span + 0.5)
            out[k, 4] = t0 + math.floor(s * span + 0.5)
            out[k, 5] = cpa
            out[k, 6] = lat0 + s * (lat1 - lat0)
            out[k, 7] = plat_lon + (dl0 + s * (dl1 - dl0))
            out[k, 8] = lat0 + s_in * (lat1 - lat0)
            out[k, 9] = plat_lon + (dl0 + s_in * (dl1 - dl0))
            out[k, 10] = sog0 if s <= 0.5 else sog1
            k += 1
        q += 1
    return k


@numba.njit(cache=True, nogil=True)
def _pieces_kernel(t, seg, lon, lat, sog, lt, lseg, llon, llat, lsog, starts, ends,  # type: ignore[no-untyped-def]
                   prev, eligible, plat, plat_id, leg_us, mmsi, out):
    max_r_deg = plat[:, 2].max() / M_PER_DEG
    plat_lats = np.ascontiguousarray(plat[:, 0])
    k = 0
    for v in range(starts.size):
        if not eligible[v]:
            continue
        m = mmsi[starts[v]]
        for i in range(starts[v], ends[v]):
            led = False  # a leg ends here, and holds this position
            if i > starts[v]:
                if seg[i - 1] == seg[i] and t[i] - t[i - 1] <= leg_us:
                    led = True
                    k = _leg(out, k, m, t[i - 1], lon[i - 1], lat[i - 1], sog[i - 1], t[i],
                             lon[i], lat[i], sog[i], plat, plat_lats, plat_id, max_r_deg)
            elif prev[v] >= 0:
                j = prev[v]
                if lseg[j] == seg[i] and t[i] - lt[j] <= leg_us:
                    led = True
                    k = _leg(out, k, m, lt[j], llon[j], llat[j], lsog[j], t[i], lon[i],
                             lat[i], sog[i], plat, plat_lats, plat_id, max_r_deg)
            if not led:  # the position alone: the first of a segment, or after a silence
                k = _leg(out, k, m, t[i], lon[i], lat[i], sog[i], t[i], lon[i], lat[i],
                         sog[i], plat, plat_lats, plat_id, max_r_deg)
            if k < 0:
                return -1
    return k


def _merge(pieces: F64) -> F64:
    """Passes: pieces of one vessel and platform that touch, joined (carried ones first)."""
    if len(pieces) == 0:
        return pieces
    order = np.lexsort((pieces[:, _START], pieces[:, _PLAT], pieces[:, 0]))
    merged: F64 = _merge_kernel(np.ascontiguousarray(pieces[order]))
    return merged


@numba.njit(cache=True, nogil=True)
def _merge_kernel(p):  # type: ignore[no-untyped-def]
    out = np.empty_like(p)
    k = -1
    for i in range(p.shape[0]):
        if k >= 0 and p[i, 0] == out[k, 0] and p[i, 1] == out[k, 1] and p[i, 2] <= out[k, 3]:
            out[k, 3] = max(out[k, 3], p[i, 3])
            if p[i, 5] < out[k, 5]:
                out[k, 4:8] = p[i, 4:8]
                out[k, 10] = p[i, 10]
        else:
            k += 1
            out[k] = p[i]
    return out[:k + 1]
