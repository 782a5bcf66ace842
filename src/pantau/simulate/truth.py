"""The truth file: what really happened, as events in the detectors' format.

Generic events (zone entries and exits, loitering, encounters) are computed from every
vessel's TRUE track, sampled every :data:`~pantau.simulate.motion.TRUTH_STEP_S` seconds,
with the detectors' definitions and thresholds (DESIGN.md, "Thresholds"):

- ``zone_entry``: the first sample inside a zone of kind eez, territorial_sea, aoi, asset
  or exercise (an exercise zone only while active) after a sample outside; start = end =
  that sample. ``zone_exit``: the first sample outside after one inside; start = the entry
  (or the vessel's first sample, when it began inside), end = the exit, dwell in
  ``details.dwell_s``. A vessel whose life ends inside has no exit.
- ``loitering``: a run of samples with true speed < :data:`LOITER_MAX_KN`, each at least
  :data:`LOITER_MIN_SHORE_M` from shore and :data:`MIN_PORT_M` from any port, lasting at
  least :data:`LOITER_MIN_S` (last sample minus first).
- ``encounter``: a run of common samples where two vessels are within
  :data:`ENCOUNTER_MAX_M`, both under :data:`ENCOUNTER_MAX_KN` and at least
  :data:`MIN_PORT_M` from any port, lasting at least :data:`ENCOUNTER_MIN_S`; ``mmsi`` is
  the lower MMSI.

Positions of episode events are the mean true position over the episode; of zone events,
the crossing sample. Escort, close approach, AIS gap and identity anomalies exist only as
scripted behaviours (see :class:`~pantau.simulate.scenario.Scripted`); their times come from
the script, or from the reports actually written to the feed where the detectors can
only see those (a gap runs from the last report before to the first report after).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from pantau.simulate.fleet import Vessel
from pantau.simulate.paths import F64, I64, distance_m
from pantau.simulate.reporting import Life
from pantau.simulate.scenario import Scenario, Scripted
from pantau.zones import DistanceGrid, PortIndex, ZoneIndex, in_zone

LOITER_MAX_KN = 2.0
LOITER_MIN_S = 4 * 3600.0
LOITER_MIN_SHORE_M = 20 * 1852.0  # 37,040 m
ENCOUNTER_MAX_M = 500.0
ENCOUNTER_MAX_KN = 2.0
ENCOUNTER_MIN_S = 2 * 3600.0
MIN_PORT_M = 10_000.0
ZONE_KINDS = ("eez", "territorial_sea", "aoi", "asset", "exercise")
GENERIC = "generic"


@dataclass
class Reports:
    """What the feed carries for one vessel, as a decoder sees it (receive seconds)."""

    position_s: I64  # decodable position reports, time order
    static_s: I64  # decodable static messages ...
    static_identity: npt.NDArray[np.int16]  # ... and the identity each carries


@dataclass(frozen=True)
class Geography:
    zones: ZoneIndex
    grid: DistanceGrid
    ports: PortIndex


def _iso(start_unix: float, t: float) -> str:
    return datetime.fromtimestamp(int(np.floor(start_unix + t)), UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


class _Rows:
    def __init__(self, start_unix: float) -> None:
        self.start_unix = start_unix
        self.rows: list[tuple[float, dict[str, Any]]] = []

    def add(self, kind: str, v: Vessel, t0: float, t1: float, lon: float, lat: float, *,
            other: Vessel | None = None, other_mmsi: int | None = None,
            zone: str | None = None, details: dict[str, Any]) -> None:
        a, b = int(np.floor(self.start_unix + t0)), int(np.floor(self.start_unix + t1))
        if other is not None:
            other_mmsi = other.mmsi
        row = {
            "event_id": "", "kind": kind, "mmsi": int(v.mmsi),
            "other_mmsi": None if other_mmsi is None else int(other_mmsi),
            "start": _iso(self.start_unix, t0), "end": _iso(self.start_unix, t1),
            "lat": round(float(lat), 6), "lon": round(float(lon), 6), "zone": zone,
            "duration_s": float(b - a),
            "details": {"vessel": v.key, **({"other_vessel": other.key} if other else {}),
                        **details},
        }
        self.rows.append((t0, row))

    def sorted(self) -> list[dict[str, Any]]:
        rows = sorted(self.rows, key=lambda r: (r[0], r[1]["kind"], r[1]["mmsi"],
                                                r[1]["other_mmsi"] or 0, r[1]["zone"] or "",
                                                r[1]["details"].get("vessel", "")))
        out = []
        for k, (_, row) in enumerate(rows):
            row["event_id"] = f"truth-{k:06d}"
            out.append(row)
        return out


def _label(v: Vessel, kind: str, zone: str | None) -> str:
    return v.labels.get((kind, zone)) or v.labels.get((kind, None)) or GENERIC


def _runs(mask: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """(first, last) index of each run of True."""
    if not mask.any():
        return []
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    starts = np.flatnonzero(d == 1)
    ends = np.flatnonzero(d == -1) - 1
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def zone_events(rows: _Rows, vessels: list[Vessel], lives: list[Life | None],
                geo: Geography, start_unix: float) -> None:
    zones = geo.zones.zones
    wanted = [k for k, z in enumerate(zones) if z.kind in ZONE_KINDS]
    idx = [i for i, life in enumerate(lives) if life is not None]
    if not idx:
        return
    lon = np.concatenate([lives[i].truth.lon for i in idx])  # type: ignore[union-attr]
    lat = np.concatenate([lives[i].truth.lat for i in idx])  # type: ignore[union-attr]
    t = np.concatenate([lives[i].truth.t for i in idx])  # type: ignore[union-attr]
    sizes = [len(lives[i].truth.t) for i in idx]  # type: ignore[union-attr]
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    mask = geo.zones.label(lon, lat)
    t_us = ((start_unix + t) * 1e6).astype(np.int64)
    for k in wanted:
        zone = zones[k]
        inside = in_zone(mask, k)
        if zone.active is not None:
            inside &= zone.active_mask(t_us)
        if not inside.any():
            continue
        for j, i in enumerate(idx):
            seg = inside[bounds[j]:bounds[j + 1]]
            if not seg.any():
                continue
            v, tt = vessels[i], t[bounds[j]:bounds[j + 1]]
            x, y = lon[bounds[j]:bounds[j + 1]], lat[bounds[j]:bounds[j + 1]]
            entered = float(tt[0]) if seg[0] else None
            change = np.flatnonzero(seg[1:] != seg[:-1]) + 1
            for c in change:
                if seg[c]:
                    entered = float(tt[c])
                    rows.add("zone_entry", v, entered, entered, x[c], y[c], zone=zone.name,
                             details={"behaviour": _label(v, "zone_entry", zone.name)})
                else:
                    t_in = float(tt[0]) if entered is None else entered
                    dwell = float(tt[c]) - t_in
                    rows.add("zone_exit", v, t_in, float(tt[c]), x[c], y[c], zone=zone.name,
                             details={"behaviour": _label(v, "zone_exit", zone.name),
                                      "dwell_s": dwell})
                    entered = None


@dataclass
class _Slow:
    k: I64  # grid step index (t / step)
    lon: F64
    lat: F64
    sog: F64
    far_port: npt.NDArray[np.bool_]
    far_shore: npt.NDArray[np.bool_]


def _slow_samples(lives: list[Life | None], geo: Geography) -> dict[int, _Slow]:
    out: dict[int, _Slow] = {}
    for i, life in enumerate(lives):
        if life is None:
            continue
        s = life.truth
        sel = np.flatnonzero(s.sog_kn < max(LOITER_MAX_KN, ENCOUNTER_MAX_KN))
        if sel.size == 0:
            continue
        lon, lat = s.lon[sel], s.lat[sel]
        port_m, _ = geo.ports.nearest(lon, lat)
        shore_m = geo.grid.distance_m(lon, lat)
        out[i] = _Slow(np.rint(s.t[sel] / 10.0).astype(np.int64), lon, lat, s.sog_kn[sel],
                       port_m >= MIN_PORT_M, shore_m >= LOITER_MIN_SHORE_M)
    return out


def loitering_events(rows: _Rows, vessels: list[Vessel], slow: dict[int, _Slow],
                     step_s: float) -> None:
    for i, s in slow.items():
        cond = (s.sog < LOITER_MAX_KN) & s.far_port & s.far_shore
        # a run is unbroken only over consecutive grid samples
        for a, b in _runs(cond):
            for a2, b2 in _consecutive(s.k, a, b):
                if (s.k[b2] - s.k[a2]) * step_s < LOITER_MIN_S:
                    continue
                v = vessels[i]
                rows.add("loitering", v, s.k[a2] * step_s, s.k[b2] * step_s,
                         float(s.lon[a2:b2 + 1].mean()), float(s.lat[a2:b2 + 1].mean()),
                         details={"behaviour": _label(v, "loitering", None),
                                  "max_sog_kn": round(float(s.sog[a2:b2 + 1].max()), 2),
                                  "mean_sog_kn": round(float(s.sog[a2:b2 + 1].mean()), 2)})


def _consecutive(k: I64, a: int, b: int) -> list[tuple[int, int]]:
    """Split index range [a, b] where the grid steps are not consecutive."""
    breaks = np.flatnonzero(np.diff(k[a:b + 1]) != 1)
    starts = [a, *(a + int(x) + 1 for x in breaks)]
    ends = [*(a + int(x) for x in breaks), b]
    return list(zip(starts, ends, strict=True))


def encounter_events(rows: _Rows, vessels: list[Vessel], slow: dict[int, _Slow],
                     step_s: float) -> None:
    cand = {}
    for i, s in slow.items():
        ok = (s.sog < ENCOUNTER_MAX_KN) & s.far_port
        if ok.sum() * step_s >= ENCOUNTER_MIN_S:
            cand[i] = np.flatnonzero(ok)
    keys = sorted(cand)
    pad = ENCOUNTER_MAX_M / 111_000.0 * 1.5
    box = {i: (slow[i].lon[cand[i]].min() - pad, slow[i].lon[cand[i]].max() + pad,
               slow[i].lat[cand[i]].min() - pad, slow[i].lat[cand[i]].max() + pad)
           for i in keys}
    for x, i in enumerate(keys):
        for j in keys[x + 1:]:
            bi, bj = box[i], box[j]
            if bi[1] < bj[0] or bj[1] < bi[0] or bi[3] < bj[2] or bj[3] < bi[2]:
                continue
            si, sj = slow[i], slow[j]
            common, ia, ja = np.intersect1d(si.k[cand[i]], sj.k[cand[j]], return_indices=True)
            if common.size == 0:
                continue
            ia, ja = cand[i][ia], cand[j][ja]
            d = distance_m(si.lon[ia], si.lat[ia], sj.lon[ja], sj.lat[ja])
            close = d <= ENCOUNTER_MAX_M
            for a, b in _runs(close):
                for a2, b2 in _consecutive(common, a, b):
                    if (common[b2] - common[a2]) * step_s < ENCOUNTER_MIN_S:
                        continue
                    vi, vj = vessels[i], vessels[j]
                    first, second = (vi, vj) if vi.mmsi <= vj.mmsi else (vj, vi)
                    behaviour = _label(first, "encounter", None)
                    if behaviour == GENERIC:
                        behaviour = _label(second, "encounter", None)
                    sl = slice(a2, b2 + 1)
                    rows.add("encounter", first, common[a2] * step_s, common[b2] * step_s,
                             float((si.lon[ia][sl].mean() + sj.lon[ja][sl].mean()) / 2),
                             float((si.lat[ia][sl].mean() + sj.lat[ja][sl].mean()) / 2),
                             other=second,
                             details={"behaviour": behaviour,
                                      "min_distance_m": round(float(d[sl].min()), 1),
                                      "mean_distance_m": round(float(d[sl].mean()), 1)})


def scripted_events(rows: _Rows, scenario: Scenario, lives: list[Life | None],
                    reports: list[Reports | None], geo: Geography) -> None:
    for s in scenario.scripted:
        _resolve(rows, scenario, s, lives, reports, geo)


def _within(life: Life | None, t0: float, t1: float) -> bool:
    return life is not None and life.t0 <= t0 and t1 <= life.t1


def _resolve(rows: _Rows, sc: Scenario, s: Scripted, lives: list[Life | None],
             reports: list[Reports | None], geo: Geography) -> None:
    v = sc.vessels[s.vessel]
    o = sc.vessels[s.other] if s.other is not None else None
    base = {"behaviour": s.behaviour, **s.details}
    rep = reports[s.vessel]
    if s.resolve == "interval":
        if not _within(lives[s.vessel], s.t0, s.t1) or (
                s.other is not None and not _within(lives[s.other], s.t0, s.t1)):
            return
        t = np.arange(s.t0, s.t1 + 1e-9, 10.0)
        a = v.track.sample(t)
        extra: dict[str, Any] = {}
        if o is not None:
            b = o.track.sample(t)
            d = distance_m(a.lon, a.lat, b.lon, b.lat)
            extra = {"min_distance_m": round(float(d.min()), 1),
                     "max_distance_m": round(float(d.max()), 1),
                     "mean_distance_m": round(float(d.mean()), 1),
                     "mean_sog_kn": round(float(a.sog_kn.mean()), 2)}
        rows.add(s.kind, v, s.t0, s.t1, float(a.lon.mean()), float(a.lat.mean()), other=o,
                 zone=s.zone, details={**base, **extra})
    elif s.resolve == "platform":
        zone = geo.zones.zones[s.zone or ""]
        assert zone.point is not None and zone.radius_m is not None
        t = np.arange(np.floor(s.t0), np.ceil(s.t1) + 1.0, 1.0)
        if not _within(lives[s.vessel], float(t[0]), float(t[-1])):
            return
        a = v.track.sample(t)
        d = distance_m(a.lon, a.lat, zone.point[0], zone.point[1])
        inside = np.flatnonzero(d <= zone.radius_m)
        if inside.size == 0:
            return
        c = int(np.argmin(d))
        rows.add(s.kind, v, float(t[inside[0]]), float(t[inside[-1]]), a.lon[c], a.lat[c],
                 zone=zone.name,
                 details={**base, "cpa_m": round(float(d[c]), 1), "radius_m": zone.radius_m,
                          "cpa_time": _iso(rows.start_unix, float(t[c]))})
    elif s.resolve == "gap" and rep is not None:
        before = rep.position_s[rep.position_s < np.floor(rows.start_unix + s.t0)]
        after = rep.position_s[rep.position_s >= np.floor(rows.start_unix + s.t1)]
        if before.size == 0 or after.size == 0:
            return
        t0, t1 = float(before[-1] - rows.start_unix), float(after[0] - rows.start_unix)
        p = v.track.sample(np.array([t0, t1]))
        rows.add(s.kind, v, t0, t1, p.lon[0], p.lat[0],
                 details={**base, "gap_s": t1 - t0,
                          "distance_m": round(float(distance_m(p.lon[0], p.lat[0], p.lon[1],
                                                               p.lat[1])), 1)})
    elif s.resolve == "first_report" and rep is not None and rep.position_s.size:
        t0 = float(rep.position_s[0] - rows.start_unix)
        p = v.track.sample(np.array([t0]))
        rows.add(s.kind, v, t0, t0, p.lon[0], p.lat[0], details=base)
    elif s.resolve == "rename" and rep is not None:
        new = rep.static_s[rep.static_identity >= 1]
        if new.size == 0 or not (rep.static_identity == 0).any():
            return
        t0 = float(new[0] - rows.start_unix)
        p = v.track.sample(np.array([t0]))
        rows.add(s.kind, v, t0, t0, p.lon[0], p.lat[0], details=base)
    elif s.resolve == "shared" and rep is not None and s.other is not None:
        rep2 = reports[s.other]
        if rep2 is None or not rep.position_s.size or not rep2.position_s.size:
            return
        t0 = float(max(rep.position_s[0], rep2.position_s[0]) - rows.start_unix)
        t1 = float(min(rep.position_s[-1], rep2.position_s[-1]) - rows.start_unix)
        if t1 <= t0:
            return
        p = v.track.sample(np.array([t0]))
        q = sc.vessels[s.other].track.sample(np.array([t0]))
        rows.add(s.kind, v, t0, t1, p.lon[0], p.lat[0],
                 details={**base, "other_vessel": sc.vessels[s.other].key,
                          "separation_km": round(float(distance_m(
                              p.lon[0], p.lat[0], q.lon[0], q.lat[0])) / 1000, 1)})


def build_truth(scenario: Scenario, lives: list[Life | None], reports: list[Reports | None],
                geo: Geography, start_unix: float, step_s: float = 10.0) -> list[dict[str, Any]]:
    rows = _Rows(start_unix)
    zone_events(rows, scenario.vessels, lives, geo, start_unix)
    slow = _slow_samples(lives, geo)
    loitering_events(rows, scenario.vessels, slow, step_s)
    encounter_events(rows, scenario.vessels, slow, step_s)
    scripted_events(rows, scenario, lives, reports, geo)
    return rows.sorted()


def dumps_truth(rows: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in rows)


def write_truth(rows: Iterable[dict[str, Any]], path: str | Path) -> None:
    Path(path).write_text(dumps_truth(rows), encoding="utf-8")
