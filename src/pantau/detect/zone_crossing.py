"""`zone_entry` and `zone_exit`: a vessel crossing a zone's border.

An entry is observed between two consecutive positions of one segment, the first outside
and the second inside; the event is at the first position inside. An exit closes the
visit: it starts at the entry (or at the first position of a segment that began inside,
``details.entered = "first_seen_inside"``) and ends at the first position outside, so its
duration is the dwell time. Exercise areas count only while active: a vessel inside when
an area goes live has entered it. Ports are left to port visits.

State: the last position of each open segment with its zone bits, and the open visits.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass

import numpy as np
import pyarrow as pa

from pantau.detect.base import Batch, Context, State
from pantau.detect.events import Event, iso_us
from pantau.detect.frame import I64, Frame
from pantau.zones import zone_indices

_DAY_US = 86_400 * 1_000_000


@dataclass(frozen=True)
class Params:
    #: zone kinds that produce events; ports belong to port visits (GFW's port events)
    kinds: tuple[str, ...] = ("eez", "territorial_sea", "aoi", "asset", "exercise")
    #: forget a segment's last position after this silence: pantau.tracks closes
    #: segments after 7 days (GFW gpsdio-segment max_hours), so nothing continues it
    forget_after_s: float = 7 * 86_400.0


def _words(indices: list[int], n_words: int) -> np.ndarray:
    out = np.zeros(n_words, np.uint64)
    for k in indices:
        out[k // 64] |= np.uint64(1) << np.uint64(k % 64)
    return out


def zones_digest(ctx: Context) -> str:
    return hashlib.sha256("|".join(z.digest() for z in ctx.zones).encode()).hexdigest()[:16]


class ZoneCrossing:
    name = "zone_crossing"
    kinds: tuple[str, ...] = ("zone_entry", "zone_exit")

    def __init__(self, params: Params | None = None) -> None:
        self.params = params or Params()

    def _inside(self, frame: Frame, ctx: Context) -> np.ndarray:
        """(n, n_words) label words of the zones that count, where and when they count."""
        words = ctx.index.label(frame.lon, frame.lat) & ctx.zones.active_words(frame.t_us)
        keep = _words([k for k, z in enumerate(ctx.zones) if z.kind in self.params.kinds],
                      words.shape[1])
        words &= keep
        return words

    def run(self, batch: Batch, ctx: Context, state: State) -> tuple[list[Event], State]:
        names = [z.name for z in ctx.zones]
        digest = zones_digest(ctx)
        last, visits = _load(state, names, digest)
        f = batch.frame
        events: list[Event] = []
        if f.n:
            inside = self._inside(f, ctx)
            order = f.by_segment
            events = self._walk(f, inside, order, last, visits, ctx)
        horizon = batch.watermark_us - int(self.params.forget_after_s * 1e6)
        stale = [k for k, row in last.items() if row[0] < horizon]
        for key in stale:
            del last[key]
        visits = {k: v for k, v in visits.items() if (k[0], k[1]) in last}
        return events, _save(last, visits, names, digest)

    def _walk(self, f: Frame, inside: np.ndarray, order: I64,
              last: dict[tuple[int, int], tuple[int, float, float, np.ndarray]],
              visits: dict[tuple[int, int, int], tuple[int, float, float, bool]],
              ctx: Context) -> list[Event]:
        events: list[Event] = []
        zones = ctx.zones.zones
        params = asdict(self.params)
        mmsi, seg, t = f.mmsi[order], f.segment[order], f.t_us[order]
        ins = inside[order]
        new_key = np.ones(order.size, np.bool_)
        new_key[1:] = (mmsi[1:] != mmsi[:-1]) | (seg[1:] != seg[:-1])
        # rows where something may change: a key's first row, or a row whose bits differ
        change = new_key.copy()
        change[1:] |= (ins[1:] != ins[:-1]).any(axis=1)  # words, not bits: n x 8 bytes
        for i in np.flatnonzero(change):
            key = (int(mmsi[i]), int(seg[i]))
            if new_key[i]:
                prev = last.get(key)
                if prev is None:  # a new segment: what it starts inside, it did not enter
                    for k in zone_indices(ins[i]):
                        visits[(*key, int(k))] = (int(t[i]), float(f.lat[order[i]]),
                                                  float(f.lon[order[i]]), False)
                    continue
                prev_t, prev_in = prev[0], prev[3]
            else:
                prev_t, prev_in = int(t[i - 1]), ins[i - 1]
            row = int(order[i])
            lat, lon = float(f.lat[row]), float(f.lon[row])
            ti = int(t[i])
            for k in zone_indices(ins[i] & ~prev_in):
                zone = zones[k]
                visits[(*key, int(k))] = (ti, lat, lon, True)
                events.append(Event(
                    "zone_entry", key[0], ti, ti, lat, lon, zone=zone.name, details={
                        "zone_kind": zone.kind, "segment_id": key[1],
                        "last_outside_at": iso_us(prev_t), "gap_s": (ti - prev_t) / 1e6,
                        "params": params}))
            for k in zone_indices(prev_in & ~ins[i]):
                zone = zones[k]
                start, _, _, observed = visits.pop((*key, int(k)), (prev_t, lat, lon, False))
                events.append(Event(
                    "zone_exit", key[0], start, ti, lat, lon, zone=zone.name, details={
                        "zone_kind": zone.kind, "segment_id": key[1],
                        "entered": "observed" if observed else "first_seen_inside",
                        "dwell_s": (ti - start) / 1e6, "last_inside_at": iso_us(prev_t),
                        "params": params}))
        # the last row of each key becomes its state
        last_row = np.ones(order.size, np.bool_)
        last_row[:-1] = new_key[1:]
        for i in np.flatnonzero(last_row):
            row = int(order[i])
            last[(int(mmsi[i]), int(seg[i]))] = (int(t[i]), float(f.lat[row]),
                                                 float(f.lon[row]), ins[i].copy())
        return events


def _load(state: State, names: list[str], digest: str
          ) -> tuple[dict[tuple[int, int], tuple[int, float, float, np.ndarray]],
                     dict[tuple[int, int, int], tuple[int, float, float, bool]]]:
    last: dict[tuple[int, int], tuple[int, float, float, np.ndarray]] = {}
    visits: dict[tuple[int, int, int], tuple[int, float, float, bool]] = {}
    meta = state.get("meta")
    if meta is None or meta.num_rows == 0 or meta["digest"][0].as_py() != digest:
        return last, visits  # other zones: their bits mean other things; start afresh
    lt = state["last"].to_pydict()
    index = {n: k for k, n in enumerate(names)}
    n_words = max(1, (len(names) + 63) // 64)
    for m, s, t, lat, lon, zs in zip(lt["mmsi"], lt["segment"], lt["t_us"], lt["lat"],
                                     lt["lon"], lt["zones"], strict=True):
        last[(m, s)] = (t, lat, lon, _words([index[z] for z in zs], n_words))
    vt = state["visits"].to_pydict()
    for m, s, z, t, lat, lon, obs in zip(vt["mmsi"], vt["segment"], vt["zone"], vt["start_us"],
                                         vt["lat"], vt["lon"], vt["observed"], strict=True):
        visits[(m, s, index[z])] = (t, lat, lon, obs)
    return last, visits


def _save(last: dict[tuple[int, int], tuple[int, float, float, np.ndarray]],
          visits: dict[tuple[int, int, int], tuple[int, float, float, bool]],
          names: list[str], digest: str) -> State:
    keys = sorted(last)
    vkeys = sorted(visits)
    return {
        "meta": pa.table({"digest": pa.array([digest], pa.string())}),
        "last": pa.table({
            "mmsi": pa.array([k[0] for k in keys], pa.int64()),
            "segment": pa.array([k[1] for k in keys], pa.int64()),
            "t_us": pa.array([last[k][0] for k in keys], pa.int64()),
            "lat": pa.array([last[k][1] for k in keys], pa.float64()),
            "lon": pa.array([last[k][2] for k in keys], pa.float64()),
            "zones": pa.array([[names[j] for j in zone_indices(last[k][3])] for k in keys],
                              pa.list_(pa.string())),
        }),
        "visits": pa.table({
            "mmsi": pa.array([k[0] for k in vkeys], pa.int64()),
            "segment": pa.array([k[1] for k in vkeys], pa.int64()),
            "zone": pa.array([names[k[2]] for k in vkeys], pa.string()),
            "start_us": pa.array([visits[k][0] for k in vkeys], pa.int64()),
            "lat": pa.array([visits[k][1] for k in vkeys], pa.float64()),
            "lon": pa.array([visits[k][2] for k in vkeys], pa.float64()),
            "observed": pa.array([visits[k][3] for k in vkeys], pa.bool_()),
        }),
    }
