"""The live pipeline: decoded batches from receivers -> enrich -> archive, registry,
detectors -> commit, one small run per batch.

A batch is what the receivers delivered in the last half second or so. Each batch is an
ingest run of its own (see :mod:`pantau.pipeline.runs`) and is committed in Ingestor's
order: registry, history and events in the store, segment and detector state files, the
run marked committing, the archive files renamed, the run done. So a restart (even after
SIGKILL) finds every batch that was done intact, finishes one that died while committing
and discards one that died before; the segment and detector state always match the last
committed batch, since they are written before the run can be marked committing.

Each batch's events are judged by the alert rules in force, and the alerts they raise are
kept with them (see :func:`pantau.incidents.store.keep_alerts`) and handed on for the live
stream. The rules and the watchlist in force are read again before a batch whenever a new
version of either has been stored (`PUT /api/rules`, `PUT /api/watchlist`); the zones are
not: the detectors' state (who is inside which zone) and the geography were built for the
zones the service started with, and a new version takes effect at the next start (the
live status says when one is waiting).

Not thread-safe: one worker thread calls :meth:`LivePipeline.step`.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pantau.decode import DecodedBatch, Decoder
from pantau.detect import Context, Event, Runner, Vessels, events_table, frame_from_table
from pantau.incidents import Lookup, Rule, raise_alerts
from pantau.incidents.store import RULES_KIND, RULES_NAME, active_rules, keep_alerts
from pantau.pipeline import config
from pantau.pipeline.enrich import Geography, enrich
from pantau.pipeline.ingest import DETECT_DIR, load_segments, save_segments
from pantau.pipeline.rejects import RejectSink
from pantau.pipeline.runs import Run, RunBook
from pantau.pipeline.vessels import observe_positions, sightings
from pantau.registry import VesselState, merge_statics
from pantau.registry.schema import IDENTITY_HISTORY, VESSELS
from pantau.schema import POSITIONS, REJECTS, STATICS, UTC_TS
from pantau.store.archive import PositionArchive
from pantau.store.base import Store
from pantau.zones import ZoneSet

LIVE_INPUT = "live"


@dataclass
class LiveStats:
    """Totals since the service started (what the live status endpoint shows)."""

    batches: int = 0
    positions: int = 0  # archived (committed)
    statics: int = 0
    rejected: int = 0
    dropped: int = 0  # set aside by cleaning
    late: int = 0  # archived, but older than what detection had already seen
    events: int = 0
    alerts: int = 0  # new or changed
    last_commit_s: float = 0.0  # wall seconds of the last step
    by_kind: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class LiveStep:
    """What one batch produced, for the live stream."""

    batch: int
    latest: pa.Table  # the newest archived position of each vessel in the batch
    events: list[Event]
    positions: int
    rejected: int
    alerts: list[dict[str, Any]] = field(default_factory=list)  # new or changed, as kept


class LivePipeline:
    def __init__(self, data_dir: str | Path, store: Store, geography: Geography,
                 zones: ZoneSet, watchlist: pa.Table | None = None):
        self.data_dir = Path(data_dir)
        self.store = store
        self.archive = PositionArchive(self.data_dir)
        self.runs = RunBook(store, self.archive)
        self.geo = geography
        self.watchlist = watchlist
        self.notes = self.runs.recover()  # settle what a killed process left unfinished
        self.segments = load_segments(self.data_dir)
        self.vessels = store.select("vessels").cast(VESSELS)
        self.runner = Runner(Context(
            zones=zones, index=geography.zones,
            vessels=Vessels.from_table(self.vessels, watchlist), shore=geography.shore,
            ports=geography.ports))
        self.runner.load(self.data_dir / "state" / DETECT_DIR)
        self.stats = LiveStats()
        self.versions = config_versions(store)  # of the zones, watchlist and rules in use
        self.pending_zones: tuple[str, int] | None = None  # stored, for the next start
        self.rules: tuple[Rule, ...] = active_rules(store)
        warm_up(geography, self.runner.ctx)

    def reopen(self) -> LivePipeline:
        """A pipeline over the same store from the last commit (after a failed batch)."""
        again = LivePipeline(self.data_dir, self.store, self.geo, self.runner.ctx.zones,
                             self.watchlist)
        again.stats = self.stats
        again.versions, again.rules = dict(self.versions), self.rules
        again.pending_zones = self.pending_zones
        return again

    def reload_config(self) -> list[str]:
        """Take up a watchlist or rules stored since the last batch; returns what changed,
        as log lines. Zones wait for a restart (see the module's docstring)."""
        now = config_versions(self.store)
        notes: list[str] = []
        if now["watchlist"] != self.versions["watchlist"]:
            self.watchlist = config.watchlist_table(config.use_watchlist(self.store, None))
            notes.append(f"watchlist {_named(now['watchlist'])} in force")
        if now["rules"] != self.versions["rules"]:
            self.rules = active_rules(self.store)
            notes.append(f"alert rules {_named(now['rules'])} in force")
        if now["zones"] != self.versions["zones"] and now["zones"] != self.pending_zones:
            notes.append(f"zones {_named(now['zones'])} stored; they take effect when the "
                         "service restarts")
        self.pending_zones = now["zones"] if now["zones"] != self.versions["zones"] else None
        self.versions = now | {"zones": self.versions["zones"]}
        return notes

    def step(self, batches: list[DecodedBatch], arrived_at: datetime | None = None
             ) -> LiveStep:
        """Process and commit one batch; ``arrived_at`` is the receive time of positions
        whose line carried none (no tag block)."""
        started = time.perf_counter()
        positions = pa.Table.from_batches([b.positions for b in batches], schema=POSITIONS)
        statics = pa.Table.from_batches([b.statics for b in batches], schema=STATICS)
        rejects = pa.Table.from_batches([b.rejects for b in batches], schema=REJECTS)
        when = pa.scalar(arrived_at or datetime.now(UTC), UTC_TS)
        positions = positions.set_column(
            positions.schema.get_field_index("received_at"), "received_at",
            pc.coalesce(positions["received_at"], when)).combine_chunks()
        run = Run(uuid.uuid4().hex[:16], LIVE_INPUT, f"live-{time.time_ns()}")
        enriched = enrich(positions, self.segments, self.geo)
        with RejectSink(self.archive.staging / run.run_id) as sink:
            for b in batches:
                sink.rejects(b.rejects)
            sink.dropped(enriched.dropped)
        self.archive.stage(run.run_id, enriched.positions)
        # identity first: detectors judge this batch by the vessels it names
        merged = merge_statics(statics, VesselState(self.vessels), self.watchlist)
        self.runner.ctx = replace(self.runner.ctx,
                                  vessels=Vessels.from_table(merged.vessels, self.watchlist))
        found = self.runner.step(frame_from_table(enriched.positions), merged.history)
        vessels = observe_positions(merged.vessels, sightings(enriched.positions),
                                    self.watchlist)
        touched = pc.is_in(vessels["mmsi"], value_set=pa.concat_arrays([
            enriched.positions["mmsi"].combine_chunks().cast(pa.int64()),
            statics["mmsi"].combine_chunks().cast(pa.int64())]))
        history = merged.history.cast(IDENTITY_HISTORY)
        # the commit, in Ingestor's order (see the module docstring)
        self.store.upsert("vessels", vessels.filter(touched))
        self.store.upsert("vessel_history",
                          history.filter(pc.is_valid(history["changed_at"])))
        self.store.upsert("events", events_table(found.events))
        lookup = Lookup(self.runner.ctx.vessels, self.runner.ctx.zones, self.geo.zones)
        alerts = keep_alerts(self.store, raise_alerts(found.events, self.rules, lookup),
                             datetime.now(UTC))
        save_segments(self.data_dir, enriched.state)
        self.runner.save(self.data_dir / "state" / DETECT_DIR)
        self.runs.committing_new(run, {"positions": enriched.positions.num_rows,
                                       "events": found.by_kind, "late": found.late})
        self.runs.finish_and_forget(run)
        self.segments, self.vessels = enriched.state, vessels
        self._count(enriched.positions.num_rows, statics.num_rows, rejects.num_rows,
                    enriched.dropped.num_rows, found.late, found.events)
        self.stats.alerts += len(alerts)
        self.stats.last_commit_s = time.perf_counter() - started
        return LiveStep(self.stats.batches, latest_positions(enriched.positions), found.events,
                        enriched.positions.num_rows, rejects.num_rows, alerts)

    def _count(self, positions: int, statics: int, rejected: int, dropped: int, late: int,
               events: list[Event]) -> None:
        s = self.stats
        s.batches += 1
        s.positions += positions
        s.statics += statics
        s.rejected += rejected
        s.dropped += dropped
        s.late += late
        s.events += len(events)
        for e in events:
            s.by_kind[e.kind] = s.by_kind.get(e.kind, 0) + 1


def config_versions(store: Store) -> dict[str, tuple[str, int] | None]:
    """(name, version) of the zones, watchlist and alert rules the store has in force;
    None where it has none (the reference zones, no watchlist, the default rules)."""
    out: dict[str, tuple[str, int] | None] = {}
    for what in ("zones", "watchlist"):
        name = store.get_config(config.ACTIVE, what)
        out[what] = None if name is None else (name, _latest(store, what, name))
    has_rules = store.count("configs", {"kind": RULES_KIND, "name": RULES_NAME})
    out["rules"] = (RULES_NAME, _latest(store, RULES_KIND, RULES_NAME)) if has_rules else None
    return out


def _latest(store: Store, kind: str, name: str) -> int:
    found = store.select("configs", {"kind": kind, "name": name}, order_by="version desc",
                         limit=1)
    return int(found["version"][0].as_py()) if found.num_rows else 0


def _named(version: tuple[str, int] | None) -> str:
    return "(the default)" if version is None else f"{version[0]} v{version[1]}"


LATEST_COLUMNS = ("mmsi", "received_at", "lon", "lat", "speed", "course", "heading",
                  "status", "zones")


_WARM_NMEA = (
    b"\\c:1700000000,s:warm-up*00\\!AIVDM,1,1,,B,177KQJ5000G?tO`K>RA1wUbN0TKH,0*5C\n"
    b"!AIVDM,2,1,3,B,55P5TL01VIaAL@7WKO@mBplU@<PDhh000000001S;AJ::4A80?4i@E53,0*3E\n"
    b"!AIVDM,2,2,3,B,1@0000000000000,2*55\n")


def warm_up(geography: Geography, ctx: Context) -> None:
    """Compile (or load from Numba's cache) every kernel a batch uses, on a tiny made-up
    track, before the first real batch: a cold first batch would otherwise take seconds
    and the first events would miss the live stream's one-second promise."""
    decoder = Decoder()  # a throwaway: framing, multi-part assembly and payload kernels
    decoder.feed(_WARM_NMEA)
    decoder.end_input()
    for _ in decoder.drain():
        pass
    t0 = 1_700_000_000_000_000
    n = 12
    mmsi = [533000001] * n + [533000002] * n
    t = [t0 + k * 60_000_000 for k in range(n)] * 2
    lon = [104.0 + 0.001 * k for k in range(n)] * 2
    lat = [2.0] * n + [2.001] * n
    columns = {"mmsi": mmsi, "received_at": pa.array(t, pa.int64()).cast(UTC_TS),
               "lon": lon, "lat": lat, "speed": [0.5] * (2 * n), "course": [90.0] * (2 * n)}
    positions = pa.table({f.name: columns.get(f.name, pa.nulls(2 * n, f.type))
                          for f in POSITIONS}).cast(POSITIONS)
    enriched = enrich(positions, None, geography)
    Runner(ctx).step(frame_from_table(enriched.positions), final=True)


def latest_positions(positions: pa.Table) -> pa.Table:
    """The newest row of each vessel."""
    if positions.num_rows == 0:
        return positions.select(list(LATEST_COLUMNS))
    positions = positions.sort_by([("mmsi", "ascending"), ("received_at", "ascending")])
    mmsi = positions["mmsi"].combine_chunks()
    # a row is its vessel's newest when the next row is another vessel's (or the end)
    nxt = pc.not_equal(mmsi.slice(0, len(mmsi) - 1), mmsi.slice(1))
    last = pa.concat_arrays([nxt, pa.array([True])])
    return positions.filter(last).select(list(LATEST_COLUMNS))
