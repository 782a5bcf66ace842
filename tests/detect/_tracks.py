"""Tracks built from legs (duration, speed, course) for the pair detectors' tests, and a
runner of the pair stage plus one detector over batches cut at given times."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from pantau.detect.base import Batch, Context, Detector, State, Vessels
from pantau.detect.events import Event, sort_events
from pantau.detect.frame import Frame
from pantau.detect.pairs import PairParams, PairSamples, PairStage
from pantau.geo import KN_PER_MS, M_PER_DEG
from pantau.zones import Zone
from tests.detect._frames import HOUR, MIN, T0, context, frame

__all__ = ["HOUR", "MIN", "T0", "as_rows", "batches", "context", "frame", "offset",
           "pair_context", "platform", "run_pairs", "track", "vessels"]

#: a place in the Sarawak EEZ, far from land, ports and the test zones
LON0, LAT0 = 113.0, 5.5


def offset(lon: float, lat: float, east_m: float, north_m: float) -> tuple[float, float]:
    """The point ``east_m``/``north_m`` metres away (flat Earth: fine over a few km)."""
    return (lon + east_m / (M_PER_DEG * math.cos(math.radians(lat))),
            lat + north_m / M_PER_DEG)


def track(mmsi: int, t0_us: int, lon: float, lat: float,
          legs: Sequence[tuple[float, float, float]], every_s: float = 60.0,
          **extra: float) -> list[dict[str, float]]:
    """Positions every ``every_s`` from ``t0_us``, and one at the end of the last leg, of a vessel
    sailing ``legs`` of (minutes, sog_kn, cog_deg) from (lon, lat); each position reports
    the speed and course of the leg it is on."""
    total_s = sum(m for m, _, _ in legs) * 60.0
    rows: list[dict[str, float]] = []
    times = np.arange(0.0, total_s + 1e-6, every_s)
    if total_s - times[-1] > 1e-6:
        times = np.append(times, total_s)
    for t in times:
        x, y, start = lon, lat, 0.0
        sog, cog = legs[-1][1], legs[-1][2]
        for minutes, leg_sog, leg_cog in legs:
            d = leg_sog / KN_PER_MS * (min(t, start + minutes * 60.0) - start)
            x, y = offset(x, y, d * math.sin(math.radians(leg_cog)),
                          d * math.cos(math.radians(leg_cog)))
            if t < start + minutes * 60.0:
                sog, cog = leg_sog, leg_cog
                break
            start += minutes * 60.0
        rows.append(dict(mmsi=mmsi, t_us=t0_us + round(t * 1e6), lon=x, lat=y, sog_kn=sog,
                         cog_deg=cog, **extra))
    return rows


def vessels(known: dict[int, tuple[str, float | None]]) -> Vessels:
    """A registry: MMSI -> (category, length in metres or None)."""
    items = sorted(known.items())
    return Vessels.from_table(pa.table({
        "mmsi": pa.array([m for m, _ in items], pa.int64()),
        "category": pa.array([c for _, (c, _) in items], pa.string()),
        "length_m": pa.array([ln for _, (_, ln) in items], pa.float64()),
    }))


def platform(name: str, lon: float, lat: float, radius_m: float) -> Zone:
    return Zone(name, "asset", point=(lon, lat), radius_m=radius_m)


def pair_context(known: dict[int, tuple[str, float | None]] | None = None,
                 zones: list[Zone] | None = None) -> Context:
    return context(zones, vessels(known or {}))


def run_pairs(f: Frame, ctx: Context, watermark_us: int | None = None, final: bool = True,
              state: State | None = None, params: PairParams | None = None
              ) -> tuple[PairSamples, State]:
    wm = watermark_us if watermark_us is not None else (int(f.t_us.max()) if f.n else 0)
    return PairStage(params).run(Batch(f, wm, final), ctx, state or {})


def as_rows(events: list[Event]) -> list[str]:
    """Events in their output order as JSON lines, with the exact position too (the
    JSON rounds it): equal lists mean equal events."""
    return [json.dumps({**e.to_json(), "lat": e.lat, "lon": e.lon}, sort_keys=True)
            for e in sort_events(events)]


def batches(detector: Detector, f: Frame, ctx: Context, cuts: Sequence[int] = (),
            params: PairParams | None = None) -> tuple[list[Event], State]:
    """Events of the pair stage plus ``detector`` over ``f`` cut at the times ``cuts``
    (each batch up to and including its cut, the watermark at the cut)."""
    stage = PairStage(params)
    stage_state: State = {}
    det_state: State = {}
    events: list[Event] = []
    bounds = sorted(cuts)
    last = int(f.t_us.max()) if f.n else 0
    lo = None
    for k in range(len(bounds) + 1):
        final = k == len(bounds)
        hi = bounds[k] if not final else None
        sel = np.ones(f.n, np.bool_)
        if lo is not None:
            sel &= f.t_us > lo
        if hi is not None:
            sel &= f.t_us <= hi
        wm = hi if hi is not None else max(last, lo if lo is not None else last)
        batch = Batch(f.take(np.flatnonzero(sel)), wm, final)
        pairs, stage_state = stage.run(batch, ctx, stage_state)
        batch = Batch(batch.frame, wm, final, shared={"pairs": pairs})
        found, det_state = detector.run(batch, ctx, det_state)
        events += found
        lo = hi
    return events, det_state
