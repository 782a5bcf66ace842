"""`identity_anomaly`: an identity that cannot be one vessel, or that changed at sea.

Three reasons, in ``details.reason``:

* ``shared_mmsi``: one MMSI in two places at once. pantau.tracks splits such a feed into
  segments that alternate; a jump between two established segments faster than any ship
  is a conflict, and conflicts less than ``rearm_s`` apart are one event.
* ``invalid_mmsi``: positions from an MMSI that is no ship's (ITU-R M.585 format), once
  per MMSI.
* ``identity_change``: the name or ship type changed in a static report while the vessel
  was away from port (a change in port is routine; at sea it is a known disguise).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pantau.detect.base import Batch, Context, State
from pantau.detect.events import Event, iso_us
from pantau.detect.frame import Frame
from pantau.detect.runs import RunRules, Runs, find_runs
from pantau.geo import EARTH_RADIUS_M, KN_PER_MS
from pantau.registry import mmsi_kind

_US = 1_000_000


@dataclass(frozen=True)
class Params:
    #: faster than this between two segments is two vessels (twice the 25 kn limit of
    #: GFW's segmenter: a fast ferry can reach 25, nothing on AIS sails at 50)
    max_speed_kn: float = 50.0
    #: and farther apart than this (GPS noise and multipath stay well below)
    min_distance_m: float = 10_000.0
    #: both segments must have this many positions: one stray fix is noise, not a twin
    min_segment_positions: int = 3
    #: conflicts closer than this in time are one event
    rearm_s: float = 6 * 3600.0
    #: identity fields whose change at sea is reported
    fields: tuple[str, ...] = ("shipname", "ship_type")
    #: "away from port": as far as GFW's encounter rule keeps from ports
    min_port_m: float = 10_000.0
    #: the position that says where the change happened may be this old
    max_position_age_s: float = 3600.0
    #: a change counts once it held this long without being undone or shown to be two
    #: transmitters taking turns (ours: static reports come every 6 min, ten of them)
    confirm_s: float = 3600.0
    #: an MMSI silent this long is forgotten (the segment limit of pantau.tracks)
    forget_after_s: float = 7 * 86_400.0


class IdentityAnomaly:
    name = "identity_anomaly"
    kinds: tuple[str, ...] = ("identity_anomaly",)

    def __init__(self, params: Params | None = None) -> None:
        self.params = params or Params()

    def run(self, batch: Batch, ctx: Context, state: State) -> tuple[list[Event], State]:
        f = batch.frame
        events = self._invalid(f, state)
        shared, open_runs, last, counts, first_conflict = self._shared(batch, state)
        events += shared
        twins = _pairs_dict(state.get("twins"))
        for m, t in first_conflict.items():
            twins.setdefault(m, t)
        seen = _values(state.get("values"))
        found, reverts = self._changes(batch, state.get("last"), seen)
        confirmed, pending = self._confirm(_pending(state.get("pending")) + found, reverts,
                                           twins, batch)
        events += confirmed
        flagged = state.get("flagged")
        new_flags = pa.table({"mmsi": pa.array([e.mmsi for e in events
                                                if e.details["reason"] == "invalid_mmsi"],
                                               pa.int64())})
        flagged = new_flags if flagged is None else pa.concat_tables([flagged, new_flags])
        return events, {"flagged": flagged, "open": open_runs, "last": last,
                        "counts": counts, "twins": _twins_table(twins),
                        "values": _values_table(seen), "pending": _pending_table(pending)}

    def _invalid(self, f: Frame, state: State) -> list[Event]:
        if not f.n:
            return []
        starts, _ = f.vessels()
        kinds = np.asarray(mmsi_kind(f.mmsi[starts]).to_numpy(zero_copy_only=False))
        flagged = state.get("flagged")
        seen = set(flagged["mmsi"].to_pylist()) if flagged is not None else set()
        out = []
        for r in starts[kinds == "invalid"].tolist():
            m = int(f.mmsi[r])
            if m in seen:
                continue
            out.append(Event("identity_anomaly", m, int(f.t_us[r]), int(f.t_us[r]),
                             float(f.lat[r]), float(f.lon[r]), discriminator="invalid_mmsi",
                             details={"reason": "invalid_mmsi", "mmsi_kind": "invalid",
                                      "params": asdict(self.params)}))
        return out

    def _shared(self, batch: Batch, state: State
                ) -> tuple[list[Event], pa.Table, pa.Table, pa.Table, dict[int, int]]:
        p = self.params
        f = batch.frame
        last = state.get("last")
        counts = state.get("counts")
        # positions per segment so far, this batch's rows included one by one
        seg_n = _running_counts(f, counts)
        lm = last["mmsi"].to_numpy() if last is not None else np.zeros(0, np.int64)
        prev = {}
        if last is not None:
            d = last.to_pydict()
            prev = {m: (t, la, lo, s, n) for m, t, la, lo, s, n in zip(
                d["mmsi"], d["t_us"], d["lat"], d["lon"], d["segment"], d["segment_n"],
                strict=True)}
        del lm
        # the previous position of the same MMSI, whatever its segment
        first = np.r_[True, f.mmsi[1:] != f.mmsi[:-1]] if f.n else np.zeros(0, np.bool_)
        p_t = np.r_[0, f.t_us[:-1]] if f.n else np.zeros(0, np.int64)
        p_lat, p_lon = np.r_[np.nan, f.lat[:-1]], np.r_[np.nan, f.lon[:-1]]
        p_seg = np.r_[0, f.segment[:-1]]
        p_n = np.r_[0, seg_n[:-1]]
        for r in np.flatnonzero(first).tolist():
            got = prev.get(int(f.mmsi[r]))
            if got is None:
                p_t[r], p_lat[r], p_lon[r], p_seg[r], p_n[r] = 0, np.nan, np.nan, f.segment[r], 0
            else:
                p_t[r], p_lat[r], p_lon[r], p_seg[r], p_n[r] = got
        # only a change of segment can be a jump between two vessels
        cand = np.flatnonzero((p_seg[: f.n] != f.segment) & (p_n[: f.n] >= p.min_segment_positions)
                              & (seg_n >= p.min_segment_positions))
        dist = _haversine(p_lat[cand], p_lon[cand], f.lat[cand], f.lon[cand])
        dt_s = np.maximum((f.t_us[cand] - p_t[cand]) / _US, 1.0)
        speed_c = dist / dt_s * KN_PER_MS
        hit = (dist > p.min_distance_m) & (speed_c > p.max_speed_kn)
        rows = cand[hit]
        speed = np.zeros(f.n)
        speed[rows] = speed_c[hit]
        rules = RunRules(p.rearm_s, 0.0, 0.0)
        closed, still_open = find_runs(
            f.mmsi[rows], np.zeros(rows.size, np.int64), f.t_us[rows],
            np.zeros(rows.size, np.int64), np.ones(rows.size, np.bool_), -speed[rows],
            f.lat[rows], f.lon[rows], Runs.from_table(state.get("open")), rules,
            batch.watermark_us, batch.final)
        events = [Event("identity_anomaly", int(closed.ints[r, 0]), int(closed.ints[r, 2]),
                        int(closed.ints[r, 3]), float(closed.col("lat0")[r]),
                        float(closed.col("lon0")[r]), discriminator="shared_mmsi",
                        details={"reason": "shared_mmsi", "conflicts": int(closed.ints[r, 6]),
                                 "max_implied_speed_kn": -float(closed.col("min_v")[r]),
                                 "fastest_at": iso_us(int(closed.col("t_min_us")[r])),
                                 "fastest_lat": float(closed.col("lat_min")[r]),
                                 "fastest_lon": float(closed.col("lon_min")[r]),
                                 "params": asdict(p)})
                  for r in range(len(closed))]
        horizon = batch.watermark_us - int(p.forget_after_s * _US)
        first_conflict: dict[int, int] = {}
        for r in rows.tolist():
            first_conflict.setdefault(int(f.mmsi[r]), int(f.t_us[r]))
        return (events, still_open.to_table(), _last_rows(f, seg_n, last, horizon),
                _segment_counts(f, counts, horizon), first_conflict)

    def _confirm(self, pending: list[Event], reverts: list[tuple[int, str, str, int]],
                 twins: dict[int, int], batch: Batch) -> tuple[list[Event], list[Event]]:
        """A change counts once it has held ``confirm_s`` with no conflict of two
        transmitters on its MMSI in that time: alternating names are twins, a name put
        back at once is a correction."""
        window = int(self.params.confirm_s * _US)
        keep, done = [], []
        for e in pending:
            old = {str(c["field"]): str(c["old"]) for c in e.details["changes"]}
            undone = any(m == e.mmsi and old.get(name) == value and
                         e.start_us < t <= e.start_us + window
                         for m, name, value, t in reverts)
            twin = e.mmsi in twins and twins[e.mmsi] <= e.start_us + window
            if undone or twin:
                continue
            if batch.final or batch.watermark_us >= e.start_us + window:
                done.append(e)
            else:
                keep.append(e)
        return done, keep

    def _changes(self, batch: Batch, last_before: pa.Table | None,
                 seen: set[tuple[int, str, str]]
                 ) -> tuple[list[Event], list[tuple[int, str, str, int]]]:
        """Candidate changes at sea, and every change as (mmsi, field, new value, time).
        Not a candidate: a value this MMSI had before (two transmitters, a correction)."""
        p = self.params
        h = batch.history
        reverts: list[tuple[int, str, str, int]] = []
        if h.num_rows == 0:
            return [], reverts
        h = h.filter(pc.is_in(h["field"], pa.array(list(p.fields))))
        h = h.filter(pc.and_(pc.is_valid(h["changed_at"]), pc.is_valid(h["old_value"])))
        f = batch.frame
        before: dict[int, tuple[int, float, float, float]] = {}
        if last_before is not None:
            d = last_before.to_pydict()
            before = {m: (t, la, lo, pm) for m, t, la, lo, pm in zip(
                d["mmsi"], d["t_us"], d["lat"], d["lon"], d["port_m"], strict=True)}
        groups: dict[tuple[int, int], list[dict[str, object]]] = {}
        h = h.append_column("t_us", pc.cast(h["changed_at"], pa.int64()))
        for row in h.sort_by([("t_us", "ascending")]).to_pylist():
            m, t, name = int(row["mmsi"]), int(row["t_us"]), str(row["field"])
            seen.add((m, name, str(row["old_value"])))
            again = (m, name, str(row["new_value"])) in seen
            seen.add((m, name, str(row["new_value"])))
            reverts.append((m, name, str(row["new_value"]), t))
            if again:
                continue
            groups.setdefault((m, t), []).append(
                {"field": name, "old": row["old_value"], "new": row["new_value"]})
        out = []
        for (m, t), changes in sorted(groups.items()):
            a, b = np.searchsorted(f.mmsi, m), np.searchsorted(f.mmsi, m, side="right")
            k = a + np.searchsorted(f.t_us[a:b], t, side="right") - 1
            if k >= a:
                at, lat, lon, port_m = int(f.t_us[k]), float(f.lat[k]), float(f.lon[k]), \
                    float(f.port_m[k])
            elif m in before:
                at, lat, lon, port_m = before[m]
            else:
                continue  # where it happened is not known: not reported as at sea
            if t - at > p.max_position_age_s * _US or not port_m >= p.min_port_m:
                continue
            out.append(Event("identity_anomaly", m, t, t, lat, lon,
                             discriminator="identity_change",
                             details={"reason": "identity_change", "changes": changes,
                                      "port_distance_m": port_m, "position_at": iso_us(at),
                                      "params": asdict(p)}))
        return out, reverts


def _pending(table: pa.Table | None) -> list[Event]:
    if table is None or table.num_rows == 0:
        return []
    return [Event("identity_anomaly", m, t, t, la, lo, discriminator="identity_change",
                  details=json.loads(d))
            for m, t, la, lo, d in zip(*(table[c].to_pylist() for c in (
                "mmsi", "t_us", "lat", "lon", "details")), strict=True)]


def _pending_table(events: list[Event]) -> pa.Table:
    return pa.table({"mmsi": pa.array([e.mmsi for e in events], pa.int64()),
                     "t_us": pa.array([e.start_us for e in events], pa.int64()),
                     "lat": pa.array([e.lat for e in events], pa.float64()),
                     "lon": pa.array([e.lon for e in events], pa.float64()),
                     "details": pa.array([json.dumps(e.details) for e in events],
                                         pa.string())})


def _pairs_dict(table: pa.Table | None) -> dict[int, int]:
    if table is None or table.num_rows == 0:
        return {}
    return dict(zip(table["mmsi"].to_pylist(), table["t_us"].to_pylist(), strict=True))


def _twins_table(twins: dict[int, int]) -> pa.Table:
    keys = sorted(twins)
    return pa.table({"mmsi": pa.array(keys, pa.int64()),
                     "t_us": pa.array([twins[k] for k in keys], pa.int64())})


def _values(table: pa.Table | None) -> set[tuple[int, str, str]]:
    if table is None or table.num_rows == 0:
        return set()
    return set(zip(table["mmsi"].to_pylist(), table["field"].to_pylist(),
                   table["value"].to_pylist(), strict=True))


def _values_table(seen: set[tuple[int, str, str]]) -> pa.Table:
    rows = sorted(seen)
    return pa.table({"mmsi": pa.array([r[0] for r in rows], pa.int64()),
                     "field": pa.array([r[1] for r in rows], pa.string()),
                     "value": pa.array([r[2] for r in rows], pa.string())})


def _haversine(lat0: np.ndarray, lon0: np.ndarray, lat1: np.ndarray, lon1: np.ndarray
               ) -> np.ndarray:
    """Metres between arrays of points (NaN where the first point is unknown)."""
    p0, p1 = np.radians(lat0), np.radians(lat1)
    a = np.sin((p1 - p0) / 2) ** 2 + np.cos(p0) * np.cos(p1) * np.sin(
        np.radians(lon1 - lon0) / 2) ** 2
    out: np.ndarray = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return out


def _counts_dict(counts: pa.Table | None) -> dict[tuple[int, int], tuple[int, int]]:
    if counts is None or counts.num_rows == 0:
        return {}
    d = counts.to_pydict()
    return {(m, s): (n, t) for m, s, n, t in zip(d["mmsi"], d["segment"], d["n"], d["t_us"],
                                                  strict=True)}


def _running_counts(f: Frame, counts: pa.Table | None) -> np.ndarray:
    """Per row: positions of its segment up to and including it, earlier batches too."""
    out = np.zeros(f.n, np.int64)
    if not f.n:
        return out
    known = _counts_dict(counts)
    order = f.by_segment
    m, s = f.mmsi[order], f.segment[order]
    starts = f.segment_starts[:-1]
    sizes = np.diff(f.segment_starts)
    rank = np.arange(f.n) - np.repeat(starts, sizes) + 1
    if known:
        base = np.array([known.get((int(m[a]), int(s[a])), (0, 0))[0]
                         for a in starts.tolist()], np.int64)
        rank += np.repeat(base, sizes)
    out[order] = rank
    return out


def _segment_counts(f: Frame, counts: pa.Table | None, horizon_us: int) -> pa.Table:
    known = _counts_dict(counts)
    if f.n:
        order = f.by_segment
        m, s, t = f.mmsi[order], f.segment[order], f.t_us[order]
        starts, ends = f.segment_starts[:-1], f.segment_starts[1:] - 1
        for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
            key = (int(m[a]), int(s[a]))
            known[key] = (known.get(key, (0, 0))[0] + b - a + 1, int(t[b]))
    keys = sorted(k for k, v in known.items() if v[1] >= horizon_us)
    return pa.table({"mmsi": pa.array([k[0] for k in keys], pa.int64()),
                     "segment": pa.array([k[1] for k in keys], pa.int64()),
                     "n": pa.array([known[k][0] for k in keys], pa.int64()),
                     "t_us": pa.array([known[k][1] for k in keys], pa.int64())})


def _last_rows(f: Frame, seg_n: np.ndarray, last: pa.Table | None, horizon_us: int
               ) -> pa.Table:
    """Each MMSI's latest position (any segment), with its segment's count so far."""
    rows: dict[int, tuple[int, float, float, int, int, float]] = {}
    if last is not None:
        d = last.to_pydict()
        for m, t, la, lo, s, n, pm in zip(d["mmsi"], d["t_us"], d["lat"], d["lon"],
                                          d["segment"], d["segment_n"], d["port_m"],
                                          strict=True):
            rows[m] = (t, la, lo, s, n, pm)
    if f.n:
        ends = np.flatnonzero(np.r_[f.mmsi[1:] != f.mmsi[:-1], True])
        for r in ends.tolist():
            rows[int(f.mmsi[r])] = (int(f.t_us[r]), float(f.lat[r]), float(f.lon[r]),
                                    int(f.segment[r]), int(seg_n[r]), float(f.port_m[r]))
    keys = sorted(k for k, v in rows.items() if v[0] >= horizon_us)
    cols = list(zip(*(rows[k] for k in keys), strict=True)) if keys else [()] * 6
    return pa.table({
        "mmsi": pa.array(keys, pa.int64()), "t_us": pa.array(cols[0], pa.int64()),
        "lat": pa.array(cols[1], pa.float64()), "lon": pa.array(cols[2], pa.float64()),
        "segment": pa.array(cols[3], pa.int64()), "segment_n": pa.array(cols[4], pa.int64()),
        "port_m": pa.array(cols[5], pa.float64())})
