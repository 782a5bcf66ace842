"""True vessel tracks: continuous functions of time built from legs.

A :class:`Track` is a chain of segments, each able to say where its vessel is at any time:
sailing along a path with a speed profile, lying at anchor (swinging round the anchor),
moored, or following another track at a lag. Because every segment is a function of time,
the truth (sampled every :data:`TRUTH_STEP_S`) and the reports (sampled at their own
times) come from the same motion, without interpolating one from the other.

Times are float seconds since the scenario start; speeds in knots; courses and headings in
degrees clockwise from north.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from pantau.simulate.paths import F64, Path, Point, distance_m, move, round_corners

MS_PER_KN = 1852.0 / 3600.0
TRUTH_STEP_S = 10
#: slowest speed a sailing leg is integrated at (a stop is a separate segment)
MIN_SAIL_KN = 0.3
#: spacing of the distance grid a speed profile is integrated on
_PROFILE_STEP_M = 50.0

# navigational status codes (ITU-R M.1371 table 45)
UNDER_WAY = 0
AT_ANCHOR = 1
RESTRICTED = 3
MOORED = 5
FISHING = 7


@dataclass(frozen=True)
class Sample:
    """A track evaluated at ``t``: true position, motion and status."""

    t: F64
    lon: F64
    lat: F64
    sog_kn: F64
    cog_deg: F64
    heading_deg: F64
    rot_deg_min: F64
    status: np.ndarray  # int8

    @staticmethod
    def empty(n: int, t: F64) -> Sample:
        z = np.zeros(n)
        return Sample(t, z.copy(), z.copy(), z.copy(), z.copy(), z.copy(), z.copy(),
                      np.zeros(n, np.int8))

    def put(self, idx: np.ndarray, other: Sample) -> None:
        for name in ("lon", "lat", "sog_kn", "cog_deg", "heading_deg", "rot_deg_min",
                     "status"):
            getattr(self, name)[idx] = getattr(other, name)


class Segment:
    """One leg of a track, over [t0, t1]."""

    t0: float
    t1: float

    def sample(self, t: F64) -> Sample:
        raise NotImplementedError

    def end(self) -> Sample:
        return self.sample(np.array([self.t1]))


@dataclass
class Sail(Segment):
    path: Path
    t0: float
    s_grid: F64
    t_grid: F64  # absolute time at each s_grid distance
    v_s: F64  # speed profile knots: distance along ...
    v_kn: F64  # ... and speed there
    status: int = UNDER_WAY
    heading_offset_deg: float = 0.0
    t1: float = field(init=False)

    def __post_init__(self) -> None:
        self.t1 = float(self.t_grid[-1])

    @staticmethod
    def build(path: Path, t0: float, v_s: F64, v_kn: F64, status: int = UNDER_WAY,
              heading_offset_deg: float = 0.0, t_end: float | None = None) -> Sail:
        n = max(2, math.ceil(path.length_m / _PROFILE_STEP_M) + 1)
        s = np.linspace(0.0, path.length_m, n)
        v = np.maximum(np.interp(s, v_s, v_kn), MIN_SAIL_KN) * MS_PER_KN
        dt = np.diff(s) * 0.5 * (1.0 / v[:-1] + 1.0 / v[1:])
        t = t0 + np.concatenate([[0.0], np.cumsum(dt)])
        if t_end is not None:  # land exactly on time (the sum above is off by rounding)
            t = t0 + (t - t0) * ((t_end - t0) / (t[-1] - t0))
            t[-1] = t_end
        return Sail(path, t0, s, t, np.asarray(v_s, np.float64), np.asarray(v_kn, np.float64),
                    status, heading_offset_deg)

    def sample(self, t: F64) -> Sample:
        s = np.interp(t, self.t_grid, self.s_grid)
        lon, lat, cog, turn = self.path.at(s)
        sog = np.maximum(np.interp(s, self.v_s, self.v_kn), MIN_SAIL_KN)
        rot = turn * sog * MS_PER_KN * 60.0
        heading = (cog + self.heading_offset_deg) % 360.0
        return Sample(t, lon, lat, sog, cog, heading, rot,
                      np.full(len(t), self.status, np.int8))


@dataclass
class Anchor(Segment):
    """At anchor (swinging round it with the tide) or, with no swing, moored."""

    anchor_lon: float
    anchor_lat: float
    t0: float
    t1: float
    swing_m: float
    bearing0_deg: float  # bearing from the anchor to the ship at t0
    amplitude_deg: float = 60.0
    period_s: float = 6.2 * 3600  # half a semi-diurnal tide: the stream reverses
    status: int = AT_ANCHOR

    def sample(self, t: F64) -> Sample:
        phase = 2 * math.pi * (t - self.t0) / self.period_s
        theta = self.bearing0_deg + self.amplitude_deg * np.sin(phase)
        lon, lat = move(self.anchor_lon, self.anchor_lat, theta, self.swing_m)
        dtheta = math.radians(self.amplitude_deg) * 2 * math.pi / self.period_s * np.cos(phase)
        sog = self.swing_m * np.abs(dtheta) / MS_PER_KN
        cog = (theta + np.where(dtheta >= 0, 90.0, -90.0)) % 360.0
        heading = (theta + 180.0) % 360.0
        n = len(t)
        return Sample(t, np.broadcast_to(lon, (n,)).copy(), np.broadcast_to(lat, (n,)).copy(),
                      sog, cog, heading, np.zeros(n), np.full(n, self.status, np.int8))


@dataclass
class Follow(Segment):
    """Keeping station on another track: where it was ``lag_s`` ago, ``right_m`` to the
    right of its course."""

    leader: Track
    t0: float
    t1: float
    lag_s: float
    right_m: float = 0.0
    heading_offset_deg: float = 0.0

    def sample(self, t: F64) -> Sample:
        lead = self.leader.sample(t - self.lag_s)
        lon, lat = move(lead.lon, lead.lat, lead.cog_deg + 90.0, self.right_m)
        return Sample(t, lon, lat, lead.sog_kn, lead.cog_deg,
                      (lead.heading_deg + self.heading_offset_deg) % 360.0, lead.rot_deg_min,
                      np.full(len(t), UNDER_WAY, np.int8))


@dataclass
class Track:
    segments: list[Segment]

    @property
    def t0(self) -> float:
        return self.segments[0].t0

    @property
    def t1(self) -> float:
        return self.segments[-1].t1

    def sample(self, t: F64) -> Sample:
        t = np.asarray(t, dtype=np.float64)
        out = Sample.empty(len(t), t)
        starts = np.array([s.t0 for s in self.segments])
        which = np.clip(np.searchsorted(starts, t, side="right") - 1, 0, len(starts) - 1)
        for k in np.unique(which):
            idx = np.flatnonzero(which == k)
            out.put(idx, self.segments[int(k)].sample(t[idx]))
        return out


def speed_profile(length_m: float, cruise_kn: float, v_in: float, v_out: float,
                  ramp_m: float, wobble: float, rng: np.random.Generator | None,
                  wobble_every_m: float = 15_000.0) -> tuple[F64, F64]:
    """Speed knots along a path: ramp from ``v_in`` to ``cruise_kn``, cruise with a
    relative ``wobble`` (sd) every ``wobble_every_m``, ramp down to ``v_out``."""
    r_in = min(ramp_m * abs(cruise_kn - v_in) / max(cruise_kn, 1.0) + 1.0, 0.45 * length_m)
    r_out = min(ramp_m * abs(cruise_kn - v_out) / max(cruise_kn, 1.0) + 1.0, 0.45 * length_m)
    s = [0.0, r_in]
    v = [v_in, cruise_kn]
    if wobble > 0 and rng is not None:
        for x in np.arange(r_in + wobble_every_m, length_m - r_out, wobble_every_m):
            s.append(float(x))
            v.append(cruise_kn * float(1.0 + np.clip(rng.normal(0.0, wobble), -0.15, 0.15)))
    s += [length_m - r_out, length_m]
    v += [cruise_kn, v_out]
    return np.asarray(s), np.asarray(v)


class Voyage:
    """Builds a :class:`Track` leg by leg, each leg starting where the last one ended."""

    def __init__(self, t0: float, start: Point, course_deg: float = 0.0,
                 speed_kn: float = 0.0) -> None:
        self.t = float(t0)
        self.pos: Point = (float(start[0]), float(start[1]))
        self.course = float(course_deg)
        self.speed = float(speed_kn)
        self.segments: list[Segment] = []

    def _push(self, seg: Segment) -> Voyage:
        self.segments.append(seg)
        end = seg.end()
        self.t = seg.t1
        self.pos = (float(end.lon[0]), float(end.lat[0]))
        self.course = float(end.cog_deg[0])
        self.speed = float(end.sog_kn[0])
        return self

    def sail(self, waypoints: Sequence[Point], speed_kn: float, *, radius_m: float = 1500.0,
             v_in: float | None = None, v_out: float | None = None, ramp_m: float = 3000.0,
             wobble: float = 0.0, rng: np.random.Generator | None = None,
             status: int = UNDER_WAY, heading_offset_deg: float = 0.0) -> Voyage:
        path = Path.of(round_corners([self.pos, *waypoints], radius_m))
        start = self.speed if v_in is None else v_in
        end = speed_kn if v_out is None else v_out
        vs, vk = speed_profile(path.length_m, speed_kn, max(start, MIN_SAIL_KN),
                               max(end, MIN_SAIL_KN), ramp_m, wobble, rng)
        return self._push(Sail.build(path, self.t, vs, vk, status, heading_offset_deg))

    def sail_legs(self, waypoints: Sequence[Point], speeds_kn: Sequence[float], *,
                  radius_m: float = 200.0, change_m: float = 300.0, v_out: float | None = None,
                  status: int = UNDER_WAY) -> Voyage:
        """Sail through ``waypoints`` at ``speeds_kn[k]`` on leg k (speed changes spread
        over ``change_m`` around each waypoint), ending at ``v_out`` if given."""
        pts = [self.pos, *waypoints]
        path = Path.of(round_corners(pts, radius_m))
        legs = np.concatenate([[0.0], np.cumsum(distance_m(
            np.array([p[0] for p in pts[:-1]]), np.array([p[1] for p in pts[:-1]]),
            np.array([p[0] for p in pts[1:]]), np.array([p[1] for p in pts[1:]])))])
        legs *= path.length_m / max(float(legs[-1]), 1e-9)  # rounding shortens the path
        s: list[float] = [0.0]
        v: list[float] = [max(self.speed, MIN_SAIL_KN)]
        for k, speed in enumerate(speeds_kn):
            a, b = float(legs[k]), float(legs[k + 1])
            half = min(change_m, 0.25 * (b - a))
            s += [a + half, b - half]
            v += [speed, speed]
        s.append(path.length_m)
        v.append(v[-1] if v_out is None else max(v_out, MIN_SAIL_KN))
        return self._push(Sail.build(path, self.t, np.maximum.accumulate(np.asarray(s)),
                                     np.asarray(v), status))

    def shift(self, dt: float) -> Voyage:
        """Move everything built so far ``dt`` seconds later (to time an arrival)."""
        for seg in self.segments:
            if isinstance(seg, Sail):
                seg.t0 += dt
                seg.t_grid = seg.t_grid + dt
                seg.t1 += dt
            elif isinstance(seg, Anchor):
                seg.t0 += dt
                seg.t1 += dt
            else:
                raise ValueError("only sailing and anchoring legs can be shifted")
        self.t += dt
        return self

    def sail_until(self, waypoints: Sequence[Point], t_arrive: float, *,
                   radius_m: float = 1500.0, status: int = UNDER_WAY) -> Voyage:
        """Sail at the one steady speed that arrives at ``t_arrive``."""
        path = Path.of(round_corners([self.pos, *waypoints], radius_m))
        if t_arrive <= self.t:
            raise ValueError(f"cannot arrive at {t_arrive} from {self.t}")
        v = path.length_m / (t_arrive - self.t) / MS_PER_KN
        if v < MIN_SAIL_KN:
            raise ValueError(f"arriving at {t_arrive} needs {v:.2f} kn, below {MIN_SAIL_KN}")
        vs = np.array([0.0, path.length_m])
        return self._push(Sail.build(path, self.t, vs, np.array([v, v]), status,
                                     t_end=t_arrive))

    def anchor(self, until: float, *, swing_m: float = 90.0, amplitude_deg: float = 60.0,
               status: int = AT_ANCHOR) -> Voyage:
        """Let go ahead of the ship and lie to it until ``until``."""
        a_lon, a_lat = move(self.pos[0], self.pos[1], self.course, swing_m)
        seg = Anchor(float(a_lon), float(a_lat), self.t, float(until), swing_m,
                     (self.course + 180.0) % 360.0, amplitude_deg, status=status)
        return self._push(seg)

    def moor(self, until: float) -> Voyage:
        seg = Anchor(self.pos[0], self.pos[1], self.t, float(until), 0.0,
                     (self.course + 180.0) % 360.0, 0.0, status=MOORED)
        return self._push(seg)

    def drift(self, until: float, speed_kn: float, rng: np.random.Generator,
              heading_offset_deg: float = 70.0, step_m: float = 300.0) -> Voyage:
        """Drift with wind and current: slow, wandering course, lying across it."""
        length = max(speed_kn * MS_PER_KN * (until - self.t), 2 * step_m)
        n = max(2, math.ceil(length / step_m))
        course = (rng.uniform(0, 360) + np.cumsum(rng.normal(0.0, 6.0, n))) % 360.0
        lon = [self.pos[0]]
        lat = [self.pos[1]]
        for c in course:
            x, y = move(lon[-1], lat[-1], c, length / n)
            lon.append(float(x))
            lat.append(float(y))
        path = Path.of(list(zip(lon, lat, strict=True)))
        vs = np.array([0.0, path.length_m])
        v = path.length_m / (until - self.t) / MS_PER_KN
        return self._push(Sail.build(path, self.t, vs, np.array([v, v]), UNDER_WAY,
                                     heading_offset_deg))

    def follow(self, leader: Track, until: float, lag_s: float, right_m: float = 0.0,
               heading_offset_deg: float = 0.0) -> Voyage:
        return self._push(Follow(leader, self.t, float(until), lag_s, right_m,
                                 heading_offset_deg))

    def join(self, leader: Track, t_join: float, until: float, lag_s: float,
             right_m: float = 0.0, via: Sequence[Point] = (), radius_m: float = 500.0) -> Voyage:
        """Sail (via ``via``) to arrive at the station on ``leader`` at ``t_join``, then
        keep it until ``until``."""
        lead = leader.sample(np.array([t_join - lag_s]))
        lon, lat = move(lead.lon, lead.lat, lead.cog_deg + 90.0, right_m)
        self.sail_until([*via, (float(lon[0]), float(lat[0]))], t_join, radius_m=radius_m)
        return self.follow(leader, until, lag_s, right_m)

    def track(self) -> Track:
        if not self.segments:
            raise ValueError("a voyage needs at least one leg")
        return Track(list(self.segments))
