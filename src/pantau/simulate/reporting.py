"""When vessels transmit, what they report, and which receivers hear it.

Reporting intervals follow ITU-R M.1371-5 (Annex 1, tables 1 and 2): a class A station
at anchor or moored and slower than 3 kn reports every 3 min, otherwise every 10 s up to
14 kn, 6 s up to 23 kn and 2 s above; a class B "CS" station every 30 s above 2 kn and
every 3 min at or below. Static and voyage data (type 5; type 24 parts A and B for
class B) go out every 6 min. Reported values carry the noise of a real GNSS and log.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pantau.simulate import bulk
from pantau.simulate.fleet import Vessel
from pantau.simulate.motion import AT_ANCHOR, MOORED, TRUTH_STEP_S, Sample
from pantau.simulate.paths import F64, I64, distance_m
from pantau.simulate.scenario import Receiver

STATIC_INTERVAL_S = 360.0
CLASS_A_SLOW_S = 180.0  # anchored or moored, under 3 kn
CLASS_A_ANCHOR_MAX_KN = 3.0
CLASS_A_STEPS = ((14.0, 10.0), (23.0, 6.0))  # (up to kn, interval s); faster: 2 s
CLASS_A_FAST_S = 2.0
CLASS_B_S = 30.0
CLASS_B_SLOW_S = 180.0
CLASS_B_SLOW_KN = 2.0
#: spread of a report's time around its nominal slot (SOTDMA slot jitter), s
SLOT_JITTER_S = 0.3
POSITION_NOISE_M = 7.0  # per axis: about 10 m off the true position
SOG_NOISE_KN = 0.1
COG_NOISE_DEG = 2.0
HEADING_NOISE_DEG = 0.7
#: below this speed over ground a GNSS course is noise
COG_UNDEFINED_KN = 0.5

POSITION = 0
STATIC_5 = 1
STATIC_24A = 2
STATIC_24B = 3


def report_interval(ais_class: str, sog_kn: F64, status: npt.NDArray[np.int8]) -> F64:
    """Nominal reporting interval (s) for each state."""
    if ais_class == "B":
        return np.where(sog_kn > CLASS_B_SLOW_KN, CLASS_B_S, CLASS_B_SLOW_S)
    still = ((status == AT_ANCHOR) | (status == MOORED)) & (sog_kn < CLASS_A_ANCHOR_MAX_KN)
    out = np.full(len(sog_kn), CLASS_A_FAST_S)
    for top, step in reversed(CLASS_A_STEPS):
        out = np.where(sog_kn <= top, step, out)
    return np.asarray(np.where(still, CLASS_A_SLOW_S, out), dtype=np.float64)


def schedule(grid_t: F64, interval: F64, t_end: float, first: float) -> F64:
    """Report times from ``first`` to ``t_end``: a report every ``interval`` (given per
    grid sample), the next one brought forward when the rate goes up."""
    if len(grid_t) == 0:
        return np.zeros(0)
    change = np.flatnonzero(np.diff(interval)) + 1
    bounds = np.concatenate([[0], change, [len(interval)]])
    out: list[F64] = []
    t = first
    for a, b in itertools.pairwise(bounds):
        step = float(interval[a])
        end = float(grid_t[b]) if b < len(grid_t) else t_end
        t = min(t, float(grid_t[a]) + step) if a else t
        if t < end:
            times = np.arange(t, end, step)
            out.append(times)
            t = float(times[-1]) + step
    return np.concatenate(out) if out else np.zeros(0)


def in_range(receivers: list[Receiver], lon: F64, lat: F64) -> npt.NDArray[np.bool_]:
    """(n, receivers) whether each position is within each receiver's range."""
    out = np.zeros((len(lon), len(receivers)), np.bool_)
    if len(lon) == 0:
        return out
    lo_lon, hi_lon = float(lon.min()), float(lon.max())
    lo_lat, hi_lat = float(lat.min()), float(lat.max())
    for k, r in enumerate(receivers):
        reach = r.range_m / 111_000.0 * 1.2
        if (r.lat + reach < lo_lat or r.lat - reach > hi_lat
                or r.lon + reach / math.cos(math.radians(r.lat)) < lo_lon
                or r.lon - reach / math.cos(math.radians(r.lat)) > hi_lon):
            continue
        out[:, k] = distance_m(lon, lat, r.lon, r.lat) <= r.range_m
    return out


def receivers_up(receivers: list[Receiver], t: F64) -> npt.NDArray[np.bool_]:
    """(n, receivers) whether each receiver is working at each time."""
    up = np.ones((len(t), len(receivers)), np.bool_)
    for k, r in enumerate(receivers):
        for a, b in r.outages:
            up[(t >= a) & (t < b), k] = False
    return up


def silent_mask(vessel: Vessel, t: F64) -> npt.NDArray[np.bool_]:
    off = np.zeros(len(t), np.bool_)
    for a, b in vessel.silent:
        off |= (t >= a) & (t < b)
    return off


@dataclass
class Life:
    """The part of a vessel's track inside the run and inside receiver coverage, on the
    truth grid. ``holes`` counts grid samples inside the life that no receiver covers
    (a scenario design error; the tests require none)."""

    t0: float
    t1: float
    truth: Sample
    holes: int


def life_of(vessel: Vessel, receivers: list[Receiver], duration_s: float) -> Life | None:
    t0 = max(math.ceil(vessel.track.t0 / TRUTH_STEP_S) * TRUTH_STEP_S, 0)
    t1 = min(vessel.track.t1, duration_s)
    if t1 <= t0:
        return None
    grid = np.arange(t0, t1, TRUTH_STEP_S, dtype=np.float64)
    sample = vessel.track.sample(grid)
    covered = np.asarray(in_range(receivers, sample.lon, sample.lat).any(axis=1), np.bool_)
    hit = np.flatnonzero(covered)
    if hit.size == 0:
        return None
    a, b = int(hit[0]), int(hit[-1]) + 1
    keep = np.arange(a, b)
    trimmed = Sample(*(getattr(sample, f)[keep] for f in
                       ("t", "lon", "lat", "sog_kn", "cog_deg", "heading_deg", "rot_deg_min",
                        "status")))
    holes = int((~covered[a:b]).sum())
    # reports stop at the last covered sample: between samples a ship may leave range
    return Life(float(grid[a]), float(grid[b - 1]) + 1e-3, trimmed, holes)


@dataclass
class Transmissions:
    """One vessel's messages in time order: positions with their raw field values, and
    statics with the identity (index into the vessel's identities) they carry."""

    t: F64
    kind: npt.NDArray[np.int8]
    raw: I64  # (n, columns) raw position values; zero rows for statics
    identity: npt.NDArray[np.int16]
    lon: F64  # true position (where the message was sent from)
    lat: F64
    silent: npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Habits:
    """Per-vessel constants of how its transponder reports."""

    msg_type: int
    accuracy: int
    reports_turn: bool
    has_heading: bool
    static_phase_s: float
    report_phase_s: float


def habits(vessel: Vessel, rng: np.random.Generator) -> Habits:
    return Habits(
        msg_type=vessel.msg_type,
        accuracy=int(rng.random() < 0.6),
        reports_turn=bool(rng.random() < 0.7) and vessel.ais_class == "A",
        has_heading=vessel.ais_class == "A" or bool(rng.random() < 0.3),
        static_phase_s=float(rng.uniform(5.0, STATIC_INTERVAL_S)),
        report_phase_s=float(rng.uniform(0.0, 10.0)),
    )


def transmit(vessel: Vessel, life: Life, start_unix: float, rng: np.random.Generator,
             h: Habits) -> Transmissions:
    """The messages ``vessel`` sends over its life (including those it would send while
    silent, flagged, so the caller can drop them and keep the times)."""
    grid = life.truth.t
    interval = report_interval(vessel.ais_class, life.truth.sog_kn, life.truth.status)
    first = life.t0 + min(h.report_phase_s, float(interval[0]))
    t_pos = schedule(grid, interval, life.t1, first)
    t_pos = t_pos + rng.uniform(-SLOT_JITTER_S, SLOT_JITTER_S, len(t_pos))
    t_pos = np.clip(t_pos, life.t0, life.t1)
    # the first message is a position report (the truth of "first report" relies on it)
    static_first = life.t0 + h.static_phase_s
    if len(t_pos):
        static_first = max(static_first, float(t_pos[0]) + 1.0)
    t_static = np.arange(static_first, life.t1, STATIC_INTERVAL_S)
    if vessel.ais_class == "A":
        s_t = t_static
        s_kind = np.full(len(s_t), STATIC_5, np.int8)
    else:
        b_t = t_static + rng.uniform(1.0, 4.0, len(t_static))
        s_t = np.concatenate([t_static, b_t])
        s_kind = np.concatenate([np.full(len(t_static), STATIC_24A, np.int8),
                                 np.full(len(b_t), STATIC_24B, np.int8)])
    s_ok = s_t < life.t1
    s_t, s_kind = s_t[s_ok], s_kind[s_ok]
    pos = vessel.track.sample(t_pos)
    raw = position_raw(vessel, h, pos, start_unix, rng)
    where = vessel.track.sample(s_t)
    idents = np.zeros(len(s_t), np.int16)
    for k, (when, _) in enumerate(vessel.renames, 1):
        idents[s_t >= when] = k
    t = np.concatenate([t_pos, s_t])
    order = np.argsort(t, kind="stable")
    raw_all = np.zeros((len(t), raw.shape[1]), np.int64)
    raw_all[: len(t_pos)] = raw
    return Transmissions(
        t=t[order],
        kind=np.concatenate([np.zeros(len(t_pos), np.int8), s_kind])[order],
        raw=raw_all[order],
        identity=np.concatenate([np.zeros(len(t_pos), np.int16), idents])[order],
        lon=np.concatenate([pos.lon, where.lon])[order],
        lat=np.concatenate([pos.lat, where.lat])[order],
        silent=silent_mask(vessel, t[order]),
    )


def position_raw(vessel: Vessel, h: Habits, s: Sample, start_unix: float,
                 rng: np.random.Generator) -> I64:
    """Raw field values of position reports, noise included, in the column order of
    :data:`bulk.POSITION_A_COLUMNS` or :data:`bulk.POSITION_B_COLUMNS`."""
    n = len(s.t)
    coslat = np.cos(np.radians(s.lat))
    lat = s.lat + rng.normal(0.0, POSITION_NOISE_M, n) / 111_195.0
    lon = s.lon + rng.normal(0.0, POSITION_NOISE_M, n) / (111_195.0 * coslat)
    sog = np.clip(s.sog_kn + rng.uniform(-SOG_NOISE_KN, SOG_NOISE_KN, n), 0.0, 102.2)
    cog = (s.cog_deg + rng.uniform(-COG_NOISE_DEG, COG_NOISE_DEG, n)) % 360.0
    cog = np.where(sog < COG_UNDEFINED_KN, rng.uniform(0.0, 360.0, n), cog)
    heading = np.rint(s.heading_deg + rng.normal(0.0, HEADING_NOISE_DEG, n)).astype(np.int64)
    heading %= 360
    if not h.has_heading:
        heading[:] = 511
    second = (np.floor(start_unix + s.t).astype(np.int64)) % 60
    cols: dict[str, I64 | int] = {
        "repeat": 0, "mmsi": vessel.mmsi,
        "speed": np.rint(sog * 10).astype(np.int64),
        "accuracy": h.accuracy,
        "lon": bulk.raw_lonlat(lon), "lat": bulk.raw_lonlat(lat),
        "course": np.rint(cog * 10).astype(np.int64) % 3600,
        "heading": heading, "second": second, "raim": 0,
    }
    if vessel.ais_class == "A":
        turn = bulk.raw_turn(np.where(np.abs(s.rot_deg_min) < 0.5, 0.0, s.rot_deg_min))
        cols.update({
            "msg_type": h.msg_type, "status": s.status.astype(np.int64),
            "turn": turn if h.reports_turn else -128, "maneuver": 0,
            "radio": rng.integers(0, 1 << 19, n),
        })
        columns: tuple[str, ...] = bulk.POSITION_A_COLUMNS
    else:
        cols.update({"msg_type": 18, "cs": 1, "display": 0, "dsc": 1, "band": 1, "msg22": 1,
                     "assigned": 0, "radio": rng.integers(0, 1 << 20, n) | (1 << 19)})
        columns = bulk.POSITION_B_COLUMNS
    out = np.zeros((n, len(columns)), np.int64)
    for k, c in enumerate(columns):
        out[:, k] = cols[c]
    return out
