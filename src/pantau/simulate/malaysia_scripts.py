"""The scripted behaviours of the Malaysia scenario, each at a known time and place.

Times are hours from the scenario start (:data:`SPANS`, :data:`AT`). Every script adds
its vessels to the world and, for behaviours no generic rule finds (escort, close
approach, AIS gap, identity anomalies), a :class:`~pantau.simulate.scenario.Scripted`
truth record; for the others (loitering, encounter, zone entry) it labels the vessels so
the generic truth names the behaviour.
"""

from __future__ import annotations

import math

import numpy as np

from pantau.simulate import malaysia_places as P
from pantau.simulate.fleet import Vessel, renamed
from pantau.simulate.malaysia_traffic import (
    H,
    World,
    anchorage_slots,
    lane_path,
    merchant,
    through_voyage,
    trawl,
    trawler_start,
)
from pantau.simulate.motion import RESTRICTED, Track, Voyage
from pantau.simulate.paths import Path, Point, bearing_deg, distance_m, move, split_near
from pantau.simulate.scenario import Scripted

#: when each behaviour happens, hours from the start: intervals ...
SPANS: dict[str, tuple[float, float]] = {
    "cg1_drift": (10.0, 16.0), "cg2_drift": (28.0, 34.0), "escort": (0.0, 14.0),
    "shadow": (12.55, 16.3), "encounter": (20.0, 23.0), "dark": (14.0, 26.0),
}
#: ... and instants
AT: dict[str, float] = {
    "cg3_leaves_luconia": 2.5, "supply1_departs": 3.0, "supply1_leaves_platform": 11.5,
    "dark_enters": 6.0, "shared_departs": 26.0, "rename": 24.0, "rename_enters": 2.0,
    "stray_leaves_lane": 5.5,
}
CG_MID = 413
#: survey lines this far apart, joined by half circles: a 16 min turn at 5 kn, during
#: which the escort 1.1 km astern is still on the previous heading
SURVEY_LINE_SPACING_M = 1600.0
COAST_GUARD = "coast_guard"
KLANG_SLOT_SHARED = 5  # the Port Klang anchorage slot the shared-MMSI tanker lies at


def _watched(world: World, key: str, kind: str, track: Track, category: str, name: str,
             length_m: float, mid: int = CG_MID, ship_type: int | None = None) -> Vessel:
    ident = world.reg.identity(kind, mid=mid, name=name, length_m=length_m,
                               ship_type=ship_type, destination="")
    return Vessel(key, kind, ident, track, "A", 1, watch=(category, name))


def _label_luconia(v: Vessel) -> None:
    for kind in ("zone_entry", "zone_exit"):
        v.labels[(kind, "Luconia Shoals")] = "coast_guard_presence"


def _disc_point(centre: Point, radius_m: float, rng: np.random.Generator) -> Point:
    x, y = move(centre[0], centre[1], rng.uniform(0, 360), radius_m * math.sqrt(rng.random()))
    return float(x), float(y)


def patrol(v: Voyage, centre: Point, radius_m: float, until: float,
           rng: np.random.Generator, v_out: float | None = None) -> Voyage:
    """Patrol legs of 2-8 km at 3-8 kn inside a disc until ``until`` (one leg past it)."""
    while v.t < until:
        nxt = _disc_point(centre, radius_m, rng)
        if not 2000.0 <= float(distance_m(v.pos[0], v.pos[1], nxt[0], nxt[1])) <= 8000.0:
            continue
        last = v.t + 8000.0 / (3.0 * 0.514) >= until
        v.sail_legs([nxt], [round(float(rng.uniform(3.0, 8.0)), 1)], radius_m=400.0,
                    v_out=v_out if last else None)
    return v


def luconia_patrols(world: World) -> None:
    """Two coast-guard vessels holding the north-east and south-west of Luconia Shoals
    all run, each drifting (under 2 kn) for six hours once: loitering."""
    for n, (sector, drift) in enumerate((("north_east", "cg1_drift"),
                                         ("south_west", "cg2_drift")), 1):
        rng = world.child()
        centre, radius = P.LUCONIA_SECTORS[sector]
        v = Voyage(-H, _disc_point(centre, radius, rng), speed_kn=5.0)
        a, b = SPANS[drift]
        patrol(v, centre, radius, a * H - 1.2 * H, rng)
        v.sail([centre], 5.0, radius_m=400.0, v_out=1.0, ramp_m=1500.0)
        v.drift(b * H, 0.6, rng)
        patrol(v, centre, radius, world.duration_s + H, rng)
        vessel = _watched(world, f"cg-luconia-{n}", "coast_guard", v.track(), COAST_GUARD,
                          f"COAST GUARD 330{n}", rng.uniform(110, 128))
        vessel.labels[("loitering", None)] = "coast_guard_presence"
        _label_luconia(vessel)
        world.add(vessel)


def _survey_lines(t_end: float, speed_kn: float) -> list[Point]:
    """North-south lines :data:`SURVEY_LINE_SPACING_M` apart across the survey box, back
    and forth (the return pass halfway between the first one's lines), enough to last
    until ``t_end``."""
    lon0, lat0, lon1, lat1 = P.SURVEY_BOX
    dx = SURVEY_LINE_SPACING_M / (111_195.0 * math.cos(math.radians(0.5 * (lat0 + lat1))))
    xs = np.arange(lon0 + 0.01, lon1 - 0.005, dx)
    span = (lat0 + 0.01, lat1 - 0.01)
    line_s = (span[1] - span[0]) * 111_195.0 / (speed_kn * 1852 / 3600)
    n_lines = math.ceil((t_end + 3 * H) / line_s) + 2
    pts: list[Point] = []
    passes = [xs, xs[::-1] + dx / 2]
    k = 0
    while len(pts) < 2 * n_lines:
        for x in passes[k % 2]:
            a, b = span if len(pts) // 2 % 2 == 0 else span[::-1]
            pts += [(float(x), a), (float(x), b)]
        k += 1
    return pts[:2 * n_lines]


def survey_with_escort(world: World) -> tuple[int, int]:
    """A survey ship running north-south lines at 5 kn, escorted 1.1 km astern by a
    coast-guard vessel for the first 14 hours; the escort then leaves for Luconia."""
    rng = world.child()
    speed = 5.0
    lines = _survey_lines(world.duration_s, speed)
    sv = Voyage(-2 * H, lines[0], 0.0, speed).sail(
        lines[1:], speed, radius_m=SURVEY_LINE_SPACING_M / 2, v_in=speed, status=RESTRICTED)
    survey_track = sv.track()
    lag_s = 1100.0 / (speed * 1852 / 3600)
    a, b = SPANS["escort"]
    start = survey_track.sample(np.array([-H - lag_s]))
    start_pos = move(start.lon, start.lat, start.cog_deg + 90.0, 250.0)
    ev = Voyage(-H, (float(start_pos[0][0]), float(start_pos[1][0])))
    ev.follow(survey_track, b * H, lag_s, right_m=250.0)
    # break away west, over lines already surveyed, then north clear of the box and
    # inside the platform receivers' coverage
    west = ev.pos[0] - 4000.0 / (111_195.0 * math.cos(math.radians(ev.pos[1])))
    centre, radius = P.LUCONIA_SECTORS["west"]
    ev.sail([(west, ev.pos[1]), (west, P.SURVEY_BOX[3] + 0.07), (112.30, 4.85), (112.20, 5.20),
             centre], 14.0, radius_m=800.0, v_in=speed)
    patrol(ev, centre, radius, world.duration_s + H, rng)
    survey = _watched(world, "survey", "survey", survey_track, "survey", "OCEAN SURVEY 7",
                      98.0, ship_type=90)
    escort = _watched(world, "cg-escort", "coast_guard", ev.track(), COAST_GUARD,
                      "COAST GUARD 3304", 110.0)
    _label_luconia(escort)
    i, j = world.add(survey), world.add(escort)
    world.scripted.append(Scripted("escort", "survey_escort", "interval", i, j, a * H, b * H,
                                   details={"mode": "astern", "lag_s": round(lag_s, 1)}))
    return i, j


def _supply(world: World, key: str, name: str, base: Point, station: Point,
            trips: list[tuple[float, float]], rng: np.random.Generator) -> Vessel:
    """A supply vessel sailing base -> platform station -> base: each trip leaves at the
    first time and leaves the platform at the second (hours)."""
    v = Voyage(-H, base, float(bearing_deg(base[0], base[1], station[0], station[1])))
    for dep, leave in trips:
        v.moor(dep * H)
        v.sail([station], 11.0, radius_m=500.0, v_in=0.5, v_out=0.4, ramp_m=2000.0)
        v.anchor(leave * H, swing_m=25.0, amplitude_deg=40.0, status=RESTRICTED)
        v.sail([base], 11.0, radius_m=500.0, v_in=0.4, v_out=0.4, ramp_m=2000.0)
    v.moor(world.duration_s + H)
    ident = world.reg.identity("supply", name=name, length_m=float(rng.uniform(62, 80)))
    return Vessel(key, "supply", ident, v.track(), "A", 1, watch=("own_asset", name))


def supply_and_close_approach(world: World) -> list[Point]:
    """Supply runs to the Sarawak platforms; a coast-guard vessel leaves Luconia, passes
    350 m from Platform SK-A, waits off the supply route and shadows a supply vessel 1.5 km
    astern for almost four hours. Returns points (every 2 km) fishing must keep clear of."""
    rng = world.child()
    s1 = _supply(world, "supply-1", "PETRA SUPPLY 1", P.BINTULU_BASE, P.SK_A_STATION,
                 [(AT["supply1_departs"], AT["supply1_leaves_platform"]), (30.0, 38.5)],
                 rng)
    s2 = _supply(world, "supply-2", "PETRA SUPPLY 2", P.MIRI_BASE, P.SK_B_STATION,
                 [(1.0, 8.0), (24.0, 31.0)], rng)
    s3 = _supply(world, "supply-3", "PETRA SUPPLY 3", P.BINTULU_BASE_2, P.SK_B_STATION_2,
                 [(14.0, 23.5), (36.0, 45.5)], rng)
    i1 = world.add(s1)
    world.add(s2)
    world.add(s3)

    # CG3: from the south-east sector down to SK-A, passing 350 m west of it, southbound
    centre, radius = P.LUCONIA_SECTORS["south_east"]
    v = Voyage(-H, _disc_point(centre, radius, rng), speed_kn=5.0)
    patrol(v, centre, radius, AT["cg3_leaves_luconia"] * H, rng)
    pass_lon = P.PLATFORM_SK_A[0] - 350.0 / (111_195.0 * math.cos(math.radians(4.3)))
    v.sail([(pass_lon, 4.40), (pass_lon, 4.22)], 12.0, radius_m=1000.0)
    t_pass = v.t
    # wait 3 km to the side of the supply route, 10 km from the platform, until the
    # supply vessel is well past, then close in from astern
    route = Path.of([P.SK_A_STATION, P.BINTULU_BASE])
    rl, rb, rc, _ = route.at(np.array([10_000.0]))
    wait = move(rl[0], rb[0], rc[0] + 90.0, 3000.0)
    wait_pt = (float(wait[0]), float(wait[1]))
    a, b = SPANS["shadow"]
    v.sail([wait_pt], 8.0, radius_m=600.0, v_out=4.0)
    while v.t < a * H - 0.45 * H:
        nxt = move(wait_pt[0], wait_pt[1], (v.course + 60.0) % 360.0, 800.0)
        v.sail_legs([(float(nxt[0]), float(nxt[1]))], [4.0], radius_m=300.0)
    lag_s = 1500.0 / (11.0 * 1852 / 3600)
    v.join(s1.track, a * H, b * H, lag_s)
    away = move(v.pos[0], v.pos[1], (v.course + 240.0) % 360.0, 8000.0)
    v.sail([(float(away[0]), float(away[1])), (112.95, 4.45), centre], 12.0, radius_m=800.0)
    patrol(v, centre, radius, world.duration_s + H, rng)
    cg3 = _watched(world, "cg-platform", "coast_guard", v.track(), COAST_GUARD,
                   "COAST GUARD 3303", float(rng.uniform(110, 125)))
    _label_luconia(cg3)
    cg3.labels[("zone_entry", "Platform SK-A")] = "platform_approach"
    cg3.labels[("zone_exit", "Platform SK-A")] = "platform_approach"
    k = world.add(cg3)
    world.scripted.append(Scripted("close_approach", "platform_approach", "platform", k,
                                   t0=t_pass - 2 * H, t1=t_pass, zone="Platform SK-A",
                                   details={"mode": "asset"}))
    world.scripted.append(Scripted("close_approach", "shadowing", "interval", k, i1, a * H,
                                   b * H, details={"mode": "shadowing", "lag_s": round(lag_s)}))
    avoid: list[Point] = []
    for track in (s1.track, s3.track, cg3.track):
        t = np.arange(max(track.t0, 0.0), min(track.t1, world.duration_s), 300.0)
        s = track.sample(t)
        avoid += list(zip(s.lon.tolist(), s.lat.tolist(), strict=True))
    return avoid


def encounter(world: World, fisher_cell: Point) -> None:
    """A tanker and a fishing boat lie together, 150 m apart and under 2 kn, for three
    hours ~80 km off Terengganu (a ship-to-ship transfer), then part."""
    rng = world.child()
    a, b = SPANS["encounter"]
    v = Voyage(0.0, P.ENCOUNTER_TANKER_IN[0], speed_kn=12.0)
    v.sail([*P.ENCOUNTER_TANKER_IN[1:], P.ENCOUNTER_POINT], 12.0, radius_m=1500.0,
           v_out=0.8, ramp_m=2500.0)
    v.shift(a * H - v.t)
    v.drift(b * H, 0.7, rng, heading_offset_deg=20.0)
    v.sail(list(P.ENCOUNTER_TANKER_OUT), 12.5, radius_m=1500.0, v_in=0.7, ramp_m=3000.0)
    tanker = merchant(world, "sts-tanker", "tanker", v.track(), rng, destination="VNSGN")
    tanker.labels[("encounter", None)] = "transshipment"
    ti = world.add(tanker)

    station = world.vessels[ti].track.sample(np.array([a * H]))
    st = move(station.lon, station.lat, station.cog_deg + 90.0, 150.0)
    st_pt = (float(st[0][0]), float(st[1][0]))
    before = move(st_pt[0], st_pt[1],
                  float(bearing_deg(st_pt[0], st_pt[1], fisher_cell[0], fisher_cell[1])), 600.0)
    transit_m = float(distance_m(fisher_cell[0], fisher_cell[1], st_pt[0], st_pt[1]))
    f = trawler_start(-600.0, fisher_cell, rng)
    trawl(f, a * H - 0.35 * H - transit_m / (7.0 * 0.514) - 0.5 * H, fisher_cell, rng)
    f.sail_until([(float(before[0]), float(before[1]))], a * H - 0.35 * H, radius_m=300.0)
    f.sail_until([st_pt], a * H, radius_m=100.0)
    f.follow(world.vessels[ti].track, b * H, 0.0, right_m=150.0, heading_offset_deg=15.0)
    f.sail([fisher_cell], 7.0, radius_m=300.0, v_in=0.8, ramp_m=1500.0)
    trawl(f, world.duration_s + 600.0, fisher_cell, rng)
    boat = Vessel("sts-fishing", "fishing", world.reg.identity("fishing"), f.track(), "B")
    boat.labels[("encounter", None)] = "transshipment"
    world.add(boat)


def dark_vessel(world: World) -> None:
    """A bulk carrier in the north-west-bound lane switches its AIS off for twelve hours
    while other ships around it keep being heard, then on again."""
    rng = world.child()
    path = lane_path(world, "nw", rng)
    track = through_voyage(path, AT["dark_enters"] * H, 12.0, rng).track()
    vessel = merchant(world, "dark-bulk", "bulk", track, rng, destination="EGSUZ")
    a, b = SPANS["dark"]
    vessel.silent.append((a * H, b * H))
    i = world.add(vessel)
    world.scripted.append(Scripted("ais_gap", "going_dark", "gap", i, t0=a * H, t1=b * H))


def shared_mmsi(world: World) -> None:
    """One MMSI sent by two ships 1,600 km apart: a tanker at the Port Klang anchorage
    (then leaving north-west) and a coaster working off Sabah."""
    rng = world.child()
    port = P.PORTS[0]
    slot = anchorage_slots(port)[KLANG_SLOT_SHARED]
    _, out = split_near(lane_path(world, "nw", rng), port.junction)
    v = Voyage(-H, slot, float(rng.uniform(0, 360))).anchor(AT["shared_departs"] * H)
    v.sail([port.junction], 8.0, radius_m=600.0, v_in=0.5)
    v.sail(out, 12.0, radius_m=P.LANE_TURN_M, wobble=0.03, rng=rng)
    x = merchant(world, "shared-straits", "tanker", v.track(), rng)
    i = world.add(x)
    y = Voyage(-H, P.SABAH_ROUTE[0], 230.0).anchor(3 * H)
    while y.t < world.duration_s:
        y.sail(list(P.SABAH_ROUTE[1:]), 9.5, radius_m=800.0, v_in=0.5, v_out=0.5)
        y.anchor(y.t + 4 * H)
        y.sail(list(P.SABAH_ROUTE[-2::-1]), 9.5, radius_m=800.0, v_in=0.5, v_out=0.5)
        y.anchor(y.t + 3 * H)
    ident = world.reg.identity("cargo", mmsi=x.mmsi, destination="MYBKI")
    j = world.add(Vessel("shared-sabah", "cargo", ident, y.track(), "A", 1))
    world.scripted.append(Scripted("identity_anomaly", "shared_mmsi", "shared", i, j,
                                   details={"reason": "shared_mmsi"}))


def identity_change(world: World) -> None:
    """A cargo ship in the south-east-bound lane starts calling itself a tanker under
    another name, mid-voyage."""
    rng = world.child()
    track = through_voyage(lane_path(world, "se", rng), AT["rename_enters"] * H, 11.0,
                           rng).track()
    vessel = merchant(world, "renamed-cargo", "cargo", track, rng, ship_type=70,
                      name="TELUK PIONEER")
    new = renamed(vessel.identity, "OCEAN STAR 8", 80)
    vessel.renames.append((AT["rename"] * H, new))
    i = world.add(vessel)
    world.scripted.append(Scripted(
        "identity_anomaly", "identity_change", "rename", i, t0=AT["rename"] * H,
        details={"reason": "identity_change", "old_name": vessel.identity.name,
                 "new_name": new.name, "old_ship_type": vessel.identity.ship_type,
                 "new_ship_type": new.ship_type}))


def stray(world: World) -> None:
    """A coaster bound for Sumatra leaves the south-east-bound lane and crosses Exercise
    Area Alpha while it is active."""
    rng = world.child()
    before, _ = split_near(lane_path(world, "se", rng), P.STRAY_ROUTE[0])
    v = Voyage(0.0, before[0], speed_kn=10.5)
    v.sail(before[1:], 10.5, radius_m=P.LANE_TURN_M)
    v.shift(AT["stray_leaves_lane"] * H - v.t)
    v.sail(list(P.STRAY_ROUTE), 10.5, radius_m=1500.0)
    vessel = merchant(world, "stray-cargo", "cargo", v.track(), rng, destination="IDDUM")
    for kind in ("zone_entry", "zone_exit"):
        vessel.labels[(kind, "Exercise Area Alpha")] = "exercise_area_incursion"
    world.add(vessel)


def invalid_mmsi(world: World, index: int) -> None:
    """The boat at ``index`` transmits an MMSI whose MID is not allocated."""
    v = world.vessels[index]
    v.identity = world.reg.identity("fishing", mmsi=P.INVALID_MMSI, name=v.identity.name)
    world.scripted.append(Scripted("identity_anomaly", "invalid_mmsi", "first_report", index,
                                   details={"reason": "invalid_mmsi"}))

