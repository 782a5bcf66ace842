"""The default scenario (48 h): each scripted behaviour is in the truth at its place and
time, and nothing else looks like one."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely

from pantau.simulate import Simulation
from pantau.simulate.malaysia_places import INVALID_MMSI, OUTAGE_H, OUTAGE_RECEIVER, PORTS
from pantau.simulate.malaysia_traffic import anchorage_slots
from pantau.simulate.paths import distance_m
from pantau.simulate.truth import ENCOUNTER_MAX_KN, LOITER_MIN_SHORE_M, MIN_PORT_M, ZONE_KINDS
from pantau.zones.defaults import distance_grid, land_geometry, port_index, reference_zones
from pantau.zones.geojson import to_shapely_polygons

T0 = datetime(2025, 9, 15, tzinfo=UTC).timestamp()
MERCHANT = ("container", "tanker", "bulk", "cargo", "car_carrier")
WATCHED = ("coast_guard", "survey")


def _h(iso: str) -> float:
    return (datetime.fromisoformat(iso).timestamp() - T0) / 3600


def _one(sim: Simulation, **match: Any) -> dict[str, Any]:
    rows = [r for r in sim.truth if all(r.get(k) == v or r["details"].get(k) == v
                                        for k, v in match.items())]
    assert len(rows) == 1, (match, rows)
    return rows[0]


def _vessel(sim: Simulation, key: str) -> int:
    return next(i for i, v in enumerate(sim.scenario.vessels) if v.key == key)


def test_traffic_is_realistic(full: Simulation) -> None:
    s = full.stats
    assert sum(s.vessels_by_kind[k] for k in MERCHANT) >= 300
    assert s.vessels_by_kind["fishing"] >= 60
    assert s.uncovered_reports == 0 and s.coverage_holes == 0
    assert 0.0005 < s.corrupt_lines / s.lines < 0.0015
    for v, life in zip(full.scenario.vessels, full.lives, strict=True):
        if life is None:
            continue
        length = v.identity.length_m
        if v.kind in ("container", "tanker", "bulk"):
            assert 150 <= length <= 400 and v.ais_class == "A"
        if v.kind == "fishing":
            assert v.ais_class == "B" and length < 40


def test_tracks_stay_off_land(full: Simulation) -> None:
    land = land_geometry()
    for v, life in zip(full.scenario.vessels, full.lives, strict=True):
        if life is not None:  # every minute of every track
            on = shapely.contains_xy(land, life.truth.lon[::6], life.truth.lat[::6])
            assert not on.any(), v.key


def test_coast_guard_presence_at_luconia(full: Simulation) -> None:
    rows = [r for r in full.truth if r["kind"] == "loitering"]
    assert len(rows) == 2  # the two drifting coast-guard vessels, nothing else
    luconia = reference_zones()["Luconia Shoals"]
    cg = {w.mmsi for w in full.watchlist if w.category == "coast_guard"}
    for r in rows:
        assert r["mmsi"] in cg and r["details"]["behaviour"] == "coast_guard_presence"
        assert 5.5 * 3600 <= r["duration_s"] <= 7.5 * 3600
        x0, y0, x1, y1 = luconia.bounds()
        assert x0 < r["lon"] < x1 and y0 < r["lat"] < y1
    # present across both days: every hour some coast-guard vessel is inside the aoi
    keys = [v.key for v in full.scenario.vessels if v.key.startswith("cg-luconia")]
    for key in keys:
        life = full.lives[_vessel(full, key)]
        assert life is not None and life.t1 >= 47.9 * 3600
        assert 3.0 <= float(np.percentile(life.truth.sog_kn, 90)) <= 8.1


def test_survey_escort(full: Simulation) -> None:
    r = _one(full, kind="escort")
    survey = full.scenario.vessels[_vessel(full, "survey")]
    escort = full.scenario.vessels[_vessel(full, "cg-escort")]
    assert (r["mmsi"], r["other_mmsi"]) == (survey.mmsi, escort.mmsi)
    assert r["duration_s"] >= 8 * 3600
    assert r["details"]["min_distance_m"] >= 700
    assert r["details"]["max_distance_m"] <= 1500
    assert survey.identity.length_m <= 110 and escort.identity.length_m <= 120
    assert abs(r["details"]["mean_sog_kn"] - 5.0) < 0.3
    categories = {w.mmsi: w.category for w in full.watchlist}
    assert categories[survey.mmsi] == "survey" and categories[escort.mmsi] == "coast_guard"


def test_platform_approach_and_shadowing(full: Simulation) -> None:
    plat = _one(full, kind="close_approach", mode="asset")
    assert plat["zone"] == "Platform SK-A" and plat["other_mmsi"] is None
    assert 300 <= plat["details"]["cpa_m"] <= 400
    entry = _one(full, kind="zone_entry", zone="Platform SK-A")
    assert entry["mmsi"] == plat["mmsi"]
    shadow = _one(full, kind="close_approach", mode="shadowing")
    assert shadow["mmsi"] == plat["mmsi"]
    assert 3 * 3600 <= shadow["duration_s"] <= 5 * 3600
    d = shadow["details"]
    assert 1000 <= d["min_distance_m"] <= d["max_distance_m"] <= 2000
    own = {w.mmsi for w in full.watchlist if w.category == "own_asset"}
    assert shadow["other_mmsi"] in own


def test_encounter(full: Simulation, cache_dir: Path) -> None:
    rows = [r for r in full.truth if r["kind"] == "encounter"]
    assert len(rows) == 1
    r = rows[0]
    assert r["details"]["behaviour"] == "transshipment"
    assert 2 * 3600 <= r["duration_s"] <= 4 * 3600
    assert 100 <= r["details"]["min_distance_m"] <= 300
    tanker = full.scenario.vessels[_vessel(full, "sts-tanker")]
    boat = full.scenario.vessels[_vessel(full, "sts-fishing")]
    assert {r["mmsi"], r["other_mmsi"]} == {tanker.mmsi, boat.mmsi}
    assert 80 <= tanker.identity.ship_type <= 89 and boat.identity.ship_type == 30
    for v in (tanker, boat):  # slow for less than the 4 h that would make it loitering
        life = full.lives[_vessel(full, v.key)]
        assert life is not None
        assert (life.truth.sog_kn < ENCOUNTER_MAX_KN).sum() * 10 < 4 * 3600
    assert port_index().nearest([r["lon"]], [r["lat"]])[0][0] > MIN_PORT_M
    assert distance_grid(cache_dir).distance_m([r["lon"]], [r["lat"]])[0] > LOITER_MIN_SHORE_M


def _lines_of(sim: Simulation, vessel: int) -> np.ndarray:
    return np.flatnonzero(sim.messages.vessel[sim.feed.line_message] == vessel)


def test_going_dark(full: Simulation) -> None:
    r = _one(full, kind="ais_gap")
    assert r["details"]["behaviour"] == "going_dark"
    assert 12 * 3600 <= r["duration_s"] <= 12 * 3600 + 60
    dark = _vessel(full, "dark-bulk")
    lines = full.feed.lines
    mine = _lines_of(full, dark)
    t_last = int(T0 + _h(r["start"]) * 3600)
    rx = set(lines.rx[mine][lines.c_s[mine] == t_last].tolist())
    assert rx
    during = (lines.c_s > t_last + 600) & (lines.c_s < t_last + 11 * 3600)
    assert not np.isin(np.flatnonzero(during), mine).any()
    others = during & np.isin(lines.rx, list(rx))
    assert others.sum() > 1000  # the same stations keep hearing other ships


def test_receiver_outage_is_not_a_gap(full: Simulation) -> None:
    k = [r.id for r in full.scenario.receivers].index(OUTAGE_RECEIVER)
    a, b = (T0 + h * 3600 for h in OUTAGE_H)
    lines = full.feed.lines
    assert not ((lines.rx == k) & (lines.c_s >= a) & (lines.c_s < b)).any()
    # the ships only that station hears fall silent together, and come back
    msg_vessel = full.messages.vessel[full.feed.line_message]
    before = (lines.c_s >= a - 1800) & (lines.c_s < a)
    heard_by: dict[int, set[int]] = {}
    for v, r in zip(msg_vessel[before], lines.rx[before], strict=True):
        heard_by.setdefault(int(v), set()).add(int(r))
    only = [v for v, rxs in heard_by.items() if rxs == {k}]
    silent = []
    for v in only:  # (a boat drifting into another station's range is heard there)
        t = lines.c_s[msg_vessel == v]
        if not ((t >= a) & (t < b)).any():
            assert (t >= b).any()
            silent.append(v)
    assert len(silent) >= 5
    gap_mmsi = {r["mmsi"] for r in full.truth if r["kind"] == "ais_gap"}
    assert not gap_mmsi & {full.scenario.vessels[v].mmsi for v in silent}


def test_identity_anomalies(full: Simulation) -> None:
    reasons = Counter(r["details"]["reason"] for r in full.truth
                      if r["kind"] == "identity_anomaly")
    assert reasons == {"shared_mmsi": 1, "invalid_mmsi": 1, "identity_change": 1}
    shared = _one(full, kind="identity_anomaly", reason="shared_mmsi")
    assert shared["duration_s"] >= 24 * 3600 and shared["details"]["separation_km"] > 1000
    invalid = _one(full, kind="identity_anomaly", reason="invalid_mmsi")
    assert invalid["mmsi"] == INVALID_MMSI and _h(invalid["start"]) < 0.01
    change = _one(full, kind="identity_anomaly", reason="identity_change")
    assert 24 <= _h(change["start"]) <= 24.1
    assert change["details"]["old_name"] != change["details"]["new_name"]


def test_exercise_area_incursion_only(full: Simulation) -> None:
    rows = [r for r in full.truth if r["zone"] == "Exercise Area Alpha"]
    assert [r["kind"] for r in rows] == ["zone_entry", "zone_exit"]
    assert {r["details"]["behaviour"] for r in rows} == {"exercise_area_incursion"}
    assert {r["details"]["vessel"] for r in rows} == {"stray-cargo"}


def _grid(sim: Simulation, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    life = sim.lives[i]
    assert life is not None
    return np.rint(life.truth.t / 10).astype(np.int64), life.truth.lon, life.truth.lat


def test_no_unscripted_close_quarters(full: Simulation) -> None:
    vs = full.scenario.vessels
    live = [i for i, life in enumerate(full.lives) if life is not None]
    boxes = {i: (full.lives[i].truth.lon.min(), full.lives[i].truth.lon.max(),  # type: ignore[union-attr]
                 full.lives[i].truth.lat.min(), full.lives[i].truth.lat.max())  # type: ignore[union-attr]
             for i in live}
    allowed = {(s.vessel, s.other): (s.t0, s.t1) for s in full.scenario.scripted
               if s.other is not None and s.kind in ("escort", "close_approach")}
    allowed |= {(b, a): t for (a, b), t in allowed.items()}
    pad = 0.01
    for i in live:
        v = vs[i]
        if v.watch is None or v.watch[0] not in WATCHED:
            continue
        k, x, y = _grid(full, i)
        for j in live:
            bi, bj = boxes[i], boxes[j]
            if j == i or bi[1] + pad < bj[0] or bj[1] + pad < bi[0] or \
                    bi[3] + pad < bj[2] or bj[3] + pad < bi[2]:
                continue
            k2, x2, y2 = _grid(full, j)
            common, a, b = np.intersect1d(k, k2, return_indices=True)
            d = distance_m(x[a], y[a], x2[b], y2[b])
            close = common[d < 1000] * 10.0
            if (i, j) in allowed:
                t0, t1 = allowed[(i, j)]
                close = close[(close < t0 - 60) | (close > t1 + 60)]
            assert close.size == 0, (v.key, vs[j].key, close[:3] / 3600)
        for z in reference_zones():
            if z.kind == "asset" and z.point is not None:
                d = distance_m(x, y, z.point[0], z.point[1])
                if v.key == "cg-platform" and z.name == "Platform SK-A":
                    assert (d < 1000).sum() * 10 < 600  # one pass, not a loiter
                else:
                    assert d.min() > 1000, (v.key, z.name)


def test_fishing_is_spread_out_and_trawling(full: Simulation) -> None:
    boats = [i for i, v in enumerate(full.scenario.vessels)
             if v.kind == "fishing" and full.lives[i] is not None]
    grids = {i: _grid(full, i) for i in boats}
    for n, i in enumerate(boats):
        if full.scenario.vessels[i].key != "sts-fishing":
            assert full.lives[i].truth.sog_kn.min() >= 2.5  # type: ignore[union-attr]
        for j in boats[n + 1:]:
            (k, x, y), (k2, x2, y2) = grids[i], grids[j]
            if abs(x[0] - x2[0]) > 0.2 or abs(y[0] - y2[0]) > 0.2:
                continue
            _, a, b = np.intersect1d(k[::6], k2, return_indices=True)
            assert distance_m(x[::6][a], y[::6][a], x2[b], y2[b]).min() > 1500


@pytest.mark.parametrize("kind", ["loitering", "encounter"])
def test_no_generic_behaviour_events(full: Simulation, kind: str) -> None:
    assert all(r["details"]["behaviour"] != "generic" for r in full.truth
               if r["kind"] == kind)


def test_berths_and_anchorages_keep_clear_of_zone_borders() -> None:
    borders = [to_shapely_polygons(z.polygons).boundary for z in reference_zones()
               if z.kind in ZONE_KINDS and z.point is None]
    for port in PORTS:
        for pt in [*port.berths, *anchorage_slots(port)]:
            d = min(shapely.distance(b, shapely.Point(pt)) for b in borders) * 111_000
            assert d > 450, (port.name, pt)
