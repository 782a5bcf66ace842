"""Running a scenario: tracks -> transmissions -> receivers -> feed lines, plus the truth
and the watchlist. The one entry point is :func:`simulate`.

>>> sim = simulate("malaysia", hours=1, seed=7)            # doctest: +SKIP
>>> sim.write_feed("feed.nmea"); sim.write_truth("truth.jsonl")  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
import math
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from os import PathLike
from pathlib import Path
from typing import Any

import numba as nb
import numpy as np
import numpy.typing as npt

from pantau.errors import OutputError
from pantau.simulate import bulk
from pantau.simulate.feed import Feed, Heard, StaticPool, build_feed
from pantau.simulate.malaysia import DEFAULT_START
from pantau.simulate.reporting import (
    POSITION,
    STATIC_5,
    STATIC_24A,
    STATIC_24B,
    Life,
    habits,
    in_range,
    life_of,
    receivers_up,
    transmit,
)
from pantau.simulate.scenario import Scenario, ScenarioError, build_scenario
from pantau.simulate.truth import Geography, Reports, build_truth, dumps_truth
from pantau.zones import defaults as zone_defaults

DEFAULT_SCENARIO = "malaysia"
DEFAULT_HOURS = 48.0
DEFAULT_SEED = 1


def default_cache_dir() -> Path:
    """Where the distance-to-shore grid is cached: $XDG_CACHE_HOME/pantau."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pantau"


@dataclass(frozen=True)
class WatchlistRow:
    mmsi: int
    category: str
    name: str


@dataclass
class Stats:
    vessels_by_kind: dict[str, int]
    messages: int
    messages_by_type: dict[int, int]
    lines: int
    corrupt_lines: int
    truth_by_kind: dict[str, int]
    #: reports sent while no receiver was in range, outside the scripted silences
    uncovered_reports: int
    #: truth-grid samples inside a vessel's life that no receiver covers
    coverage_holes: int
    seconds: float = 0.0


@dataclass
class Simulation:
    scenario: Scenario
    thin_s: float | None
    feed: Feed
    messages: Heard
    lives: list[Life | None]
    truth: list[dict[str, Any]]
    watchlist: list[WatchlistRow]
    stats: Stats
    start_unix: int = field(default=0)

    def write_feed(self, path: str | PathLike[str]) -> int:
        """Write the NMEA feed; returns its size in bytes."""
        return self.feed.write(Path(path))

    def feed_bytes(self) -> bytes:
        return self.feed.to_bytes()

    def truth_jsonl(self) -> str:
        return dumps_truth(self.truth)

    def write_truth(self, path: str | PathLike[str]) -> None:
        Path(path).write_text(self.truth_jsonl(), encoding="utf-8")

    def watchlist_csv(self) -> str:
        return watchlist_csv(self.watchlist)

    def write_watchlist(self, path: str | PathLike[str]) -> None:
        Path(path).write_text(self.watchlist_csv(), encoding="utf-8")


def watchlist_csv(rows: list[WatchlistRow]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["mmsi", "category", "name"])
    for r in rows:
        w.writerow([f"{r.mmsi:09d}", r.category, r.name])
    return out.getvalue()


@nb.njit(cache=True, nogil=True)
def _thin(t, every):  # type: ignore[no-untyped-def]
    keep = np.zeros(t.shape[0], np.bool_)
    last = -1e300
    for i in range(t.shape[0]):
        if t[i] >= last + every:
            keep[i] = True
            last = t[i]
    return keep


def thin_mask(t: npt.NDArray[np.float64], every_s: float) -> npt.NDArray[np.bool_]:
    """Greedy: keep a report when ``every_s`` have passed since the last one kept."""
    out: npt.NDArray[np.bool_] = _thin(np.ascontiguousarray(t, np.float64), float(every_s))
    return out


def simulate(scenario: str = DEFAULT_SCENARIO, hours: float = DEFAULT_HOURS,
             seed: int = DEFAULT_SEED, start: datetime | None = None,
             thin_s: float | None = None, *,
             cache_dir: str | PathLike[str] | None = None) -> Simulation:
    """Build a scenario and everything it produces, deterministically for ``seed``.

    ``start``: timezone-aware (default: the scenario's, 2025-09-15T00:00:00Z).
    ``thin_s``: at most one position report per vessel per ``thin_s`` seconds, one line
    per message (what an aggregator passes on); statics are all kept.
    ``cache_dir``: where the distance-to-shore grid is cached (built on first use).
    """
    started = time.perf_counter()
    if thin_s is not None and not (thin_s > 0 and math.isfinite(thin_s)):
        raise ScenarioError(f"thin_s must be a positive number, got {thin_s}")
    if not math.isfinite(hours):
        raise ScenarioError(f"hours must be a finite number, got {hours}")
    start = start or DEFAULT_START
    if start.tzinfo is None:
        raise ScenarioError("start must be timezone-aware (UTC)")
    start = start.astimezone(UTC)
    grid = zone_defaults.distance_grid(cache_dir or default_cache_dir())
    sc = build_scenario(scenario, start, hours, seed, grid)
    start_unix = math.floor(start.timestamp())
    tx = _transmit_all(sc, seed, start_unix, thin_s)
    feed = build_feed(tx.msgs, tx.payloads, tx.pool, [r.id for r in sc.receivers], start_unix,
                      np.random.default_rng([seed, 0x5A17]), _protected(sc),
                      one_receiver=thin_s is not None)
    reports = _reports(sc, tx.msgs, tx.identity, feed, start_unix)
    geo = Geography(zone_defaults.reference_index(), grid, zone_defaults.port_index())
    truth = build_truth(sc, tx.lives, reports, geo, start_unix)
    watch = [WatchlistRow(v.mmsi, v.watch[0], v.watch[1]) for v in sc.vessels if v.watch]
    stats = _stats(sc, tx.lives, tx.msgs, feed, truth, tx.uncovered, tx.holes)
    stats.seconds = time.perf_counter() - started
    return Simulation(sc, thin_s, feed, tx.msgs, tx.lives, truth, watch, stats, start_unix)


@dataclass
class _Sent:
    lives: list[Life | None]
    msgs: Heard
    identity: npt.NDArray[np.int16]  # identity (rename index) of each static message
    payloads: npt.NDArray[np.uint8]  # packed position payloads, one row per report
    pool: StaticPool
    uncovered: int
    holes: int


def _transmit_all(sc: Scenario, seed: int, start_unix: int, thin_s: float | None) -> _Sent:
    """Every vessel's messages that some working receiver hears, with their payloads."""
    lives: list[Life | None] = []
    parts: dict[str, list[Any]] = {k: [] for k in ("vessel", "t", "kind", "ref", "heard",
                                                    "ident")}
    payloads: list[npt.NDArray[np.uint8]] = [np.zeros((0, bulk.POSITION_A.nchars), np.uint8)]
    n_pos = 0
    pool = StaticPool()
    uncovered = holes = 0
    for i, v in enumerate(sc.vessels):
        life = life_of(v, sc.receivers, sc.duration_s)
        lives.append(life)
        if life is None:
            continue
        holes += life.holes
        vr = np.random.default_rng([seed, i])  # per vessel: one vessel's change stays local
        tx = transmit(v, life, start_unix, vr, habits(v, vr))
        reach = in_range(sc.receivers, tx.lon, tx.lat)
        heard = reach & receivers_up(sc.receivers, tx.t)
        uncovered += int((~tx.silent & ~reach.any(axis=1)).sum())
        keep = ~tx.silent & heard.any(axis=1)
        is_pos = tx.kind == POSITION
        if thin_s is not None:
            pos = np.flatnonzero(keep & is_pos)
            keep[pos[~thin_mask(tx.t[pos], thin_s)]] = False
        ids = [pool.add(v.identity_at(t), v.ais_class)
               for t in [-math.inf, *(w for w, _ in v.renames)]]
        ref = np.zeros(len(tx.t), np.int64)
        sel_pos = np.flatnonzero(keep & is_pos)
        layout = bulk.POSITION_A if v.ais_class == "A" else bulk.POSITION_B
        payloads.append(bulk.pack(tx.raw[sel_pos], layout))
        ref[sel_pos] = n_pos + np.arange(len(sel_pos))
        n_pos += len(sel_pos)
        for k in np.flatnonzero(keep & ~is_pos):
            ref[k] = ids[int(tx.identity[k])][int(tx.kind[k])]
        parts["vessel"].append(np.full(int(keep.sum()), i, np.int32))
        for name, arr in (("t", tx.t), ("kind", tx.kind), ("ref", ref), ("heard", heard),
                          ("ident", tx.identity)):
            parts[name].append(arr[keep])
    n_rx = len(sc.receivers)
    empty = {"vessel": np.zeros(0, np.int32), "t": np.zeros(0), "kind": np.zeros(0, np.int8),
             "ref": np.zeros(0, np.int64), "heard": np.zeros((0, n_rx), np.bool_),
             "ident": np.zeros(0, np.int16)}
    cols = {k: np.concatenate(parts[k] or [empty[k]]) for k in parts}
    msgs = Heard(cols["vessel"], cols["t"], cols["kind"], cols["ref"], cols["heard"])
    return _Sent(lives, msgs, cols["ident"], np.concatenate(payloads), pool, uncovered, holes)


def _protected(sc: Scenario) -> npt.NDArray[np.bool_]:
    """Vessels whose lines are never damaged: the truth of their scripts is timed on
    individual reports."""
    out = np.array([bool(v.labels) or v.watch is not None or bool(v.renames)
                    or bool(v.silent) for v in sc.vessels], np.bool_)
    for s in sc.scripted:
        out[s.vessel] = True
        if s.other is not None:
            out[s.other] = True
    return out


def _reports(sc: Scenario, msgs: Heard, ident: npt.NDArray[np.int16], feed: Feed,
             start_unix: int) -> list[Reports | None]:
    out: list[Reports | None] = [None] * len(sc.vessels)
    c_s = np.floor(start_unix + msgs.t).astype(np.int64)
    ok = feed.decodable
    order = np.argsort(msgs.vessel, kind="stable")
    bounds = np.searchsorted(msgs.vessel[order], np.arange(len(sc.vessels) + 1))
    for i in range(len(sc.vessels)):
        sel = order[bounds[i]:bounds[i + 1]]
        sel = sel[ok[sel]]
        if sel.size == 0:
            continue
        pos = sel[msgs.kind[sel] == POSITION]
        stat = sel[msgs.kind[sel] != POSITION]
        out[i] = Reports(np.sort(c_s[pos]), c_s[stat], ident[stat])
    return out


_MSG_TYPE = {STATIC_5: 5, STATIC_24A: 24, STATIC_24B: 24}


def _stats(sc: Scenario, lives: list[Life | None], msgs: Heard, feed: Feed,
           truth: list[dict[str, Any]], uncovered: int, holes: int) -> Stats:
    kinds = Counter(v.kind for v, life in zip(sc.vessels, lives, strict=True) if life)
    by_type: Counter[int] = Counter()
    is_pos = msgs.kind == POSITION
    for k, n in zip(*np.unique(msgs.kind[~is_pos], return_counts=True), strict=True):
        by_type[_MSG_TYPE[int(k)]] += int(n)
    # a position report's type is the first six-bit character of its payload
    refs = msgs.ref[is_pos]
    first = feed.pool[refs * 28].astype(np.int64)
    six = np.where(first >= 96, first - 56, first - 48)
    for t, n in zip(*np.unique(six, return_counts=True), strict=True):
        by_type[int(t)] += int(n)
    return Stats(
        vessels_by_kind=dict(sorted(kinds.items())), messages=len(msgs.t),
        messages_by_type=dict(sorted(by_type.items())), lines=len(feed.lines),
        corrupt_lines=int((feed.lines.corrupt != bulk.CLEAN).sum()),
        truth_by_kind=dict(sorted(Counter(r["kind"] for r in truth).items())),
        uncovered_reports=uncovered, coverage_holes=holes)


def simulate_to_files(out: str | PathLike[str], truth: str | PathLike[str],
                      watchlist: str | PathLike[str] | None = None, *, force: bool = False,
                      **kwargs: Any) -> Simulation:
    """:func:`simulate`, then write the feed, the truth and (optionally) the watchlist.
    Existing files are refused unless ``force``."""
    paths = [Path(p) for p in (out, truth, watchlist) if p is not None]
    check_outputs(paths, force)
    sim = simulate(**kwargs)
    sim.write_feed(out)
    sim.write_truth(truth)
    if watchlist is not None:
        sim.write_watchlist(watchlist)
    return sim


def check_outputs(paths: list[Path], force: bool) -> None:
    if len({p.resolve() for p in paths}) != len(paths):
        raise OutputError("the feed, truth and watchlist files must be different files")
    for p in paths:
        if p.is_dir():
            raise OutputError(f"{p}: is a directory")
        if p.exists() and not force:
            raise OutputError(f"{p} exists; use --force to replace it")
        if not p.parent.exists():
            raise OutputError(f"{p.parent}: no such directory")
