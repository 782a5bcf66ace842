"""Background traffic of the Malaysia scenario: through traffic in both lanes of the
Straits of Malacca, port calls at Port Klang, Tanjung Pelepas and Penang (anchored,
moored, arriving, departing, shifting), and fishing fleets off the east coast of the
Peninsula and off Sarawak.

Nothing here is meant to trigger a behaviour detector: moving ships are fast, anchored
ones lie more than a kilometre apart, and fishing boats trawl at 2.5-5 kn, each within
its own cell, cells 7 km apart.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from pantau.simulate import malaysia_places as P
from pantau.simulate.fleet import Registry, Vessel, cruise_speed
from pantau.simulate.motion import Track, Voyage
from pantau.simulate.paths import Point, distance_m, move, offset, split_near
from pantau.simulate.reporting import in_range
from pantau.simulate.scenario import Receiver, Scripted
from pantau.zones import DistanceGrid
from pantau.zones.defaults import reference_index

H = 3600.0
#: ships entering each lane per hour (Poisson)
LANE_ARRIVALS_PER_H = 2.0
THROUGH_MIX = (("container", 0.30), ("tanker", 0.25), ("bulk", 0.25), ("cargo", 0.15),
               ("car_carrier", 0.05))
APPROACH_KN = 8.0
HARBOUR_KN = 5.0
EAST_COAST_BOATS = 40
SARAWAK_BOATS = 25


@dataclass
class World:
    """The scenario under construction."""

    start: datetime
    duration_s: float
    rng: np.random.Generator
    reg: Registry
    receivers: list[Receiver]
    grid: DistanceGrid
    vessels: list[Vessel] = field(default_factory=list)
    scripted: list[Scripted] = field(default_factory=list)
    lanes: dict[str, list[Point]] = field(default_factory=dict)

    def add(self, vessel: Vessel) -> int:
        self.vessels.append(vessel)
        return len(self.vessels) - 1

    def child(self) -> np.random.Generator:
        return np.random.default_rng(int(self.rng.integers(0, 2**63)))


def build_lanes(world: World) -> None:
    centre = list(P.STRAIT_CENTRE)
    world.lanes["se"] = offset(centre, P.LANE_OFFSET_M)
    world.lanes["nw"] = offset(centre[::-1], P.LANE_OFFSET_M)


def lane_path(world: World, direction: str, rng: np.random.Generator) -> list[Point]:
    """A ship's own track down a lane: the lane moved sideways by its habit."""
    shift = float(np.clip(rng.normal(0.0, P.LANE_SPREAD_M), -900.0, 900.0))
    return offset(world.lanes[direction], shift)


def pick_kind(rng: np.random.Generator, mix: Sequence[tuple[str, float]] = THROUGH_MIX) -> str:
    kinds, weights = zip(*mix, strict=True)
    return str(rng.choice(kinds, p=np.array(weights) / sum(weights)))


def merchant(world: World, key: str, kind: str, track: Track, rng: np.random.Generator,
             **identity: object) -> Vessel:
    ident = world.reg.identity(kind, **identity)  # type: ignore[arg-type]
    # most transponders send type 1; some report type 3 (ITDMA), a few type 2
    msg_type = int(rng.choice([1, 3, 2], p=[0.75, 0.22, 0.03]))
    return Vessel(key, kind, ident, track, "A", msg_type)


def through_voyage(path: list[Point], t_enter: float, speed: float,
                   rng: np.random.Generator) -> Voyage:
    return Voyage(t_enter, path[0], speed_kn=speed).sail(
        path[1:], speed, radius_m=P.LANE_TURN_M, wobble=0.03, rng=rng)


def through_traffic(world: World) -> None:
    """Ships transiting the Straits end to end, in both lanes, from before the start
    (already under way at the start) to the end of the run."""
    for direction in ("nw", "se"):
        rng = world.child()
        lane = world.lanes[direction]
        lane_km = sum(float(distance_m(a[0], a[1], b[0], b[1]))
                      for a, b in itertools.pairwise(lane)) / 1000
        earliest = -lane_km / (9.0 * 1.852) * H
        t = earliest
        n = 0
        while True:
            t += rng.exponential(H / LANE_ARRIVALS_PER_H)
            if t >= world.duration_s:
                break
            kind = pick_kind(rng)
            speed = cruise_speed(kind, rng)
            if t + lane_km / (speed * 1.852) * H <= 0:
                continue  # through before the run starts
            path = lane_path(world, direction, rng)
            track = through_voyage(path, t, speed, rng).track()
            world.add(merchant(world, f"{direction}-{n:03d}", kind, track, rng))
            n += 1


def anchorage_slots(port: P.Port) -> list[Point]:
    lon0, lat0 = port.to_anchorage[-1]
    out = []
    for r in range(port.anchorage_rows):
        for c in range(port.anchorage_cols):
            along = (c - (port.anchorage_cols - 1) / 2) * port.anchorage_spacing_m
            across = (r - (port.anchorage_rows - 1) / 2) * port.anchorage_spacing_m
            x, y = move(lon0, lat0, port.anchorage_axis_deg, along)
            x, y = move(x, y, port.anchorage_axis_deg + 90.0, across)
            out.append((float(x), float(y)))
    return out


def _to_lane_end(world: World, port: P.Port, direction: str,
                 rng: np.random.Generator) -> list[Point]:
    """From the port's junction along a lane to its end."""
    _, after = split_near(lane_path(world, direction, rng), port.junction)
    return after


def _from_lane_start(world: World, port: P.Port, direction: str,
                     rng: np.random.Generator) -> list[Point]:
    before, _ = split_near(lane_path(world, direction, rng), port.junction)
    return before


def port_traffic(world: World, *, skip_slots: dict[str, set[int]] | None = None) -> None:
    """Anchored, moored, shifting, arriving and departing ships at each port.
    ``skip_slots``: anchorage slots (by port) a script uses."""
    end = world.duration_s + H
    for port in P.PORTS:
        rng = world.child()
        slots = anchorage_slots(port)
        taken = set((skip_slots or {}).get(port.name, set()))
        free_at = {k: 0.0 for k in range(len(slots)) if k not in taken}
        shifted: set[int] = set()  # slots whose ship moves to a berth
        berths = list(port.berths)
        name = port.name.split()[-1].lower()
        for b, berth in enumerate(berths):
            t_dep = rng.uniform(2.0, 40.0) * H
            kind = pick_kind(rng)
            direction = str(rng.choice(["nw", "se"]))
            out = [*port.to_berths[::-1], *port.to_anchorage[::-1], port.junction,
                   *_to_lane_end(world, port, direction, rng)]
            course = float(rng.uniform(0, 360))
            v = Voyage(-H, berth, course).moor(t_dep)
            v.sail([out[0]], HARBOUR_KN, radius_m=300.0, v_in=0.5, ramp_m=800.0)
            v.sail(out[1:len(port.to_berths) + len(port.to_anchorage) + 1], APPROACH_KN,
                   radius_m=600.0)
            v.sail(out[len(port.to_berths) + len(port.to_anchorage) + 1:],
                   cruise_speed(kind, rng), radius_m=P.LANE_TURN_M, wobble=0.03, rng=rng)
            world.add(merchant(world, f"{name}-dep-{b}", kind, v.track(), rng))
            # a ship from the anchorage takes the berth after it
            idle = sorted(k for k, t in free_at.items() if t == 0.0 and k not in shifted)
            if not idle:
                continue
            slot = int(rng.choice(idle))
            shifted.add(slot)
            t_shift = t_dep + rng.uniform(1.0, 3.0) * H
            if t_shift >= world.duration_s:
                t_shift = end  # still waiting when the run ends
            kind = pick_kind(rng)
            v = Voyage(-H, slots[slot], float(rng.uniform(0, 360))).anchor(t_shift)
            if t_shift < end:
                v.sail([*port.to_berths, berth], HARBOUR_KN, radius_m=300.0, v_in=0.5,
                       v_out=0.4, ramp_m=800.0)
                v.moor(max(end, v.t + 60.0))
                free_at[slot] = v.segments[0].t1 + 2 * H
            else:
                del free_at[slot]
            world.add(merchant(world, f"{name}-shift-{b}", kind, v.track(), rng))
        for slot in sorted(free_at):
            kind = pick_kind(rng)
            if slot in shifted and free_at[slot] == 0.0:
                continue  # its ship is still there at the end
            if free_at[slot] == 0.0 and rng.random() < 0.6:
                v = Voyage(-H, slots[slot], float(rng.uniform(0, 360))).anchor(end)
                world.add(merchant(world, f"{name}-anch-{slot}", kind, v.track(), rng))
                continue
            t_arrive = max(free_at[slot], 0.0) + rng.uniform(1.0, 30.0) * H
            if t_arrive >= world.duration_s:
                continue
            direction = str(rng.choice(["nw", "se"]))
            inbound = [*_from_lane_start(world, port, direction, rng), *port.to_anchorage,
                       slots[slot]]
            speed = cruise_speed(kind, rng)
            split = len(inbound) - len(port.to_anchorage) - 1
            v = Voyage(0.0, inbound[0], speed_kn=speed)
            v.sail(inbound[1:split], speed, radius_m=P.LANE_TURN_M, wobble=0.03, rng=rng)
            v.sail(inbound[split:], APPROACH_KN, radius_m=600.0, v_out=0.4, ramp_m=2500.0)
            v.shift(t_arrive - v.t)
            v.anchor(end)
            world.add(merchant(world, f"{name}-arr-{slot}", kind, v.track(), rng))


# ---- fishing ------------------------------------------------------------------------

def fishing_cells(world: World, box: tuple[float, float, float, float], n: int,
                  avoid: Sequence[Point], avoid_m: float, rng: np.random.Generator
                  ) -> list[Point]:
    """Up to ``n`` cell centres in ``box``: at sea, within the shore-distance band,
    covered by a receiver with room for the cell, away from ``avoid``."""
    lon0, lat0, lon1, lat1 = box
    dlat = P.FISHING_CELL_M / 111_195.0
    dlon = dlat / math.cos(math.radians(0.5 * (lat0 + lat1)))
    gx, gy = np.meshgrid(np.arange(lon0, lon1, dlon), np.arange(lat0, lat1, dlat))
    x, y = gx.ravel() + rng.uniform(0, 0.3 * dlon), gy.ravel() + rng.uniform(0, 0.3 * dlat)
    shore = world.grid.distance_m(x, y)
    ok = (shore >= P.FISHING_SHORE_M[0]) & (shore <= P.FISHING_SHORE_M[1])
    ok &= ~world.grid.on_land(x, y)
    inner = [r.__class__(r.id, r.lon, r.lat, r.range_m - 2 * P.FISHING_RADIUS_M)
             for r in world.receivers]
    ok &= in_range(inner, x, y).any(axis=1)
    for ax, ay in avoid:
        ok &= distance_m(x, y, ax, ay) > avoid_m
    # the whole cell in the same zones: trawling across a border would make a stream of
    # zone entries and exits that only measure noise
    index = reference_index()
    here = index.label(x, y)
    reach = P.FISHING_RADIUS_M + 800.0
    for dx in np.arange(-reach, reach + 1.0, 500.0):
        for dy in np.arange(-reach, reach + 1.0, 500.0):
            if math.hypot(dx, dy) > reach:
                continue
            rx, ry = move(x, y, math.degrees(math.atan2(dx, dy)), math.hypot(dx, dy))
            ok &= (index.label(rx, ry) == here).all(axis=1)
    cand = np.flatnonzero(ok)
    pick = rng.choice(cand, size=min(n, cand.size), replace=False)
    return [(float(x[k]), float(y[k])) for k in sorted(pick)]


def trawl(v: Voyage, t1: float, centre: Point, rng: np.random.Generator,
          radius_m: float = P.FISHING_RADIUS_M) -> Voyage:
    """Trawl to and fro inside a disc until ``t1`` (legs of 1.2-4 km at 2.6-4.9 kn); the
    last leg ends less than an hour after ``t1``."""
    def inside() -> Point:
        r = radius_m * math.sqrt(rng.random())
        x, y = move(centre[0], centre[1], rng.uniform(0, 360), r)
        return float(x), float(y)
    while v.t < t1:
        batch = 12 if t1 - v.t > 6 * H else 1
        pts: list[Point] = []
        cur = v.pos
        while len(pts) < batch:
            nxt = inside()
            if 1200.0 <= float(distance_m(cur[0], cur[1], nxt[0], nxt[1])) <= 4000.0:
                pts.append(nxt)
                cur = nxt
        v.sail_legs(pts, [round(float(rng.uniform(2.6, 4.9)), 1) for _ in pts],
                    radius_m=150.0)
    return v


def trawler_start(t0: float, centre: Point, rng: np.random.Generator) -> Voyage:
    r = P.FISHING_RADIUS_M * math.sqrt(rng.random())
    x, y = move(centre[0], centre[1], rng.uniform(0, 360), r)
    return Voyage(t0, (float(x), float(y)), speed_kn=3.5)


def fishing_fleet(world: World, box: tuple[float, float, float, float], n: int, tag: str,
                  avoid: Sequence[Point], avoid_m: float,
                  on_boat: Callable[[int, Vessel], None] | None = None) -> list[int]:
    rng = world.child()
    cells = fishing_cells(world, box, n, avoid, avoid_m, rng)
    out = []
    for k, centre in enumerate(cells):
        track = trawl(trawler_start(-600.0, centre, rng), world.duration_s + 600.0, centre,
                      rng).track()
        vessel = Vessel(f"fishing-{tag}-{k:02d}", "fishing", world.reg.identity("fishing"),
                        track, "B")
        if on_boat is not None:
            on_boat(k, vessel)
        out.append(world.add(vessel))
    return out
