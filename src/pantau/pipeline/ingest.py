"""`pantau ingest`: decode -> store -> tracks -> zones -> registry, once per input.

Per input: skip it if these bytes were ingested before; settle a run of it that died;
decode in batches; clean, segment and label positions and stage them in the archive;
merge static reports into the registry; then commit: registry and state first, then the
archive files (renames), then mark the run done. A crash at any point leaves the store
readable, and running the same command again completes the work.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from pantau.decode import DecodeCounts, DecodeOptions, Decoder, decode_input
from pantau.decode.sources import check_readable
from pantau.detect import Context, Event, Frame, Runner, Vessels, events_table, frame_from_table
from pantau.errors import OutputError
from pantau.pipeline.enrich import Enriched, Geography, enrich
from pantau.pipeline.rejects import RejectSink
from pantau.pipeline.runs import Run, RunBook, fingerprint
from pantau.pipeline.threads import Writer, in_thread
from pantau.pipeline.vessels import observe_positions, sightings
from pantau.registry import VesselState, merge_statics
from pantau.registry.schema import IDENTITY_HISTORY, VESSELS
from pantau.schema import POSITIONS, STATICS, UTC_TS
from pantau.store.archive import PositionArchive
from pantau.store.embedded import EmbeddedStore
from pantau.tracks import SEGMENT_STATE, SegmentState
from pantau.zones import ZoneSet

STATE_FILE = "segments.parquet"
DETECT_DIR = "detect"


@dataclass(frozen=True)
class IngestOptions:
    decode: DecodeOptions = field(default_factory=DecodeOptions)
    #: receive time for positions that carry none; without it they are rejected
    assume_time: datetime | None = None
    #: positions processed (cleaned, segmented, labelled, staged) at a time
    chunk_positions: int = 250_000


@dataclass
class InputReport:
    input: str
    skipped: bool = False  # these bytes were ingested before
    decode: DecodeCounts | None = None
    positions: int = 0  # archived
    dropped: dict[str, int] = field(default_factory=dict)  # set aside before archiving
    statics: int = 0
    vessels: int = 0  # vessels in the registry afterwards
    history: int = 0  # identity changes recorded
    events: dict[str, int] = field(default_factory=dict)  # events found, by kind
    late: int = 0  # positions older than what detection had seen, archived only
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def load_segments(data_dir: Path) -> SegmentState:
    """The open track segments as the last commit left them (none at first)."""
    path = data_dir / "state" / STATE_FILE
    if path.exists():
        return SegmentState(pq.read_table(path).cast(SEGMENT_STATE))
    return SegmentState.empty()


def save_segments(data_dir: Path, state: SegmentState) -> None:
    path = data_dir / "state" / STATE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".partial")
    pq.write_table(state.segments, tmp)
    os.replace(tmp, path)


class Ingestor:
    def __init__(self, data_dir: str | Path, geography: Geography,
                 watchlist: pa.Table | None = None, options: IngestOptions | None = None,
                 zones: ZoneSet | None = None):
        self.data_dir = Path(data_dir)
        self.store = EmbeddedStore(self.data_dir)
        self.archive = PositionArchive(self.data_dir)
        self.runs = RunBook(self.store, self.archive)
        self.geo = geography
        self.zones = zones if zones is not None else geography.zones.zones
        self.watchlist = watchlist
        self.options = options or IngestOptions()

    def close(self) -> None:
        self.store.close()

    # -- state ----------------------------------------------------------------------------
    def _load_state(self) -> SegmentState:
        return load_segments(self.data_dir)

    def _runner(self, vessels: pa.Table) -> Runner:
        ctx = Context(zones=self.zones, index=self.geo.zones,
                      vessels=Vessels.from_table(vessels, self.watchlist), shore=self.geo.shore,
                      ports=self.geo.ports)
        runner = Runner(ctx)
        runner.load(self.data_dir / "state" / DETECT_DIR)
        return runner

    def flush_detectors(self) -> list[Event]:
        """Close every episode still open, as at the end of the data (the demo's end of
        scenario); later inputs start afresh. Events are stored and returned."""
        runner = self._runner(self.store.select("vessels").cast(VESSELS))
        report = runner.step(Frame.empty(), final=True)
        self.store.upsert("events", events_table(report.events))
        runner.state = {}
        runner.save(self.data_dir / "state" / DETECT_DIR)
        return report.events

    def _save_state(self, state: SegmentState) -> None:
        save_segments(self.data_dir, state)

    # -- one input ------------------------------------------------------------------------
    def ingest(self, name: str, on_raw_bytes: Callable[[int], None] | None = None
               ) -> InputReport:
        try:
            return self._ingest(name, on_raw_bytes)
        except (OSError, duckdb.IOException) as e:
            # disk full, or the directory went read-only: nothing committed is touched;
            # the unfinished run is discarded the next time
            reason = getattr(e, "strerror", None) or str(e)
            raise OutputError(f"{self.data_dir}: writing failed while ingesting {name} "
                              f"({reason}); what was ingested before is intact, run the "
                              "command again once the problem is fixed") from None

    def _ingest(self, name: str, on_raw_bytes: Callable[[int], None] | None) -> InputReport:
        check_readable(name)
        started = time.perf_counter()
        report = InputReport(name)
        fp = fingerprint(name) if name != "-" else f"stdin-{time.time_ns()}"
        report.notes += self.runs.recover(fp)
        if self.runs.already_done(fp):
            report.skipped = True
            return report
        run = self.runs.start(name, fp)
        decoder = Decoder(self.options.decode)
        state = self._load_state()
        vessels = self.store.select("vessels").cast(VESSELS)
        runner = self._runner(vessels)
        history: list[pa.Table] = []
        events: list[Event] = []
        seen: list[pa.Table] = []
        writer = Writer()
        detecting = Writer()  # detection of chunk k overlaps staging of chunk k+1, in order

        def detect(positions: pa.Table, vessels: pa.Table, changes: pa.Table) -> None:
            runner.ctx = replace(runner.ctx, vessels=Vessels.from_table(vessels, self.watchlist))
            step = runner.step(frame_from_table(positions), changes)
            events.extend(step.events)
            report.late += step.late

        with RejectSink(self.archive.staging / run.run_id) as sink:
            chunks = in_thread(lambda: self._chunks(decoder, name, sink, on_raw_bytes))
            try:
                for positions, chunk_statics in chunks:
                    enriched = self._stage(run, positions, state, report, sink, writer)
                    state = enriched.state
                    # identity first: detectors judge this chunk by the vessels it names
                    merged = merge_statics(chunk_statics, VesselState(vessels), self.watchlist)
                    vessels = merged.vessels
                    history.append(merged.history)
                    detecting.submit(detect, enriched.positions, vessels, merged.history)
                    seen.append(sightings(enriched.positions))
            finally:
                chunks.close()  # on failure, stop the decoding thread now, not at GC
                try:
                    detecting.close()  # every chunk detected (or its error raised) here
                finally:
                    writer.close()  # every staged file is written (or its error raised)
        vessels = observe_positions(
            vessels, pa.concat_tables(seen) if seen else sightings(POSITIONS.empty_table()),
            self.watchlist)
        report.decode = decoder.counts
        report.statics = sum(report.decode.by_type.get(t, 0) for t in (5, 19, 24))
        for e in events:
            report.events[e.kind] = report.events.get(e.kind, 0) + 1
        if report.late:
            report.notes.append(f"{report.late:,} positions older than the data already "
                                "detected on were archived but not run through the detectors")
        self._commit(run, vessels, history, state, report, events, runner)
        report.vessels = vessels.num_rows
        report.seconds = time.perf_counter() - started
        return report

    def _chunks(self, decoder: Decoder, name: str, sink: RejectSink,
                on_raw_bytes: Callable[[int], None] | None
                ) -> Iterator[tuple[pa.Table, pa.Table]]:
        """(positions, statics) in chunks of about chunk_positions positions."""
        positions: list[pa.RecordBatch] = []
        statics: list[pa.RecordBatch] = []
        n = 0
        for batch in decode_input(decoder, name, on_raw_bytes):
            sink.rejects(batch.rejects)
            if batch.statics.num_rows:
                statics.append(batch.statics)
            if batch.positions.num_rows:
                positions.append(batch.positions)
                n += batch.positions.num_rows
            if n >= self.options.chunk_positions:
                yield _chunk(positions, statics)
                positions, statics, n = [], [], 0
        if positions or statics:
            yield _chunk(positions, statics)

    def _stage(self, run: Run, positions: pa.Table, state: SegmentState,
               report: InputReport, sink: RejectSink, writer: Writer) -> Enriched:
        if self.options.assume_time is not None:
            t = pa.scalar(self.options.assume_time, UTC_TS)
            filled = pa.compute.coalesce(positions["received_at"], t)
            positions = positions.set_column(
                positions.schema.get_field_index("received_at"), "received_at", filled)
        enriched = enrich(positions, state, self.geo)
        if enriched.dropped.num_rows:
            for reason, n in zip(*_value_counts(enriched.dropped["reason"]), strict=True):
                report.dropped[reason] = report.dropped.get(reason, 0) + n
        writer.submit(self.archive.stage, run.run_id, enriched.positions)
        report.positions += enriched.positions.num_rows
        writer.submit(sink.dropped, enriched.dropped)
        return enriched

    def _commit(self, run: Run, vessels: pa.Table, history: list[pa.Table],
                state: SegmentState, report: InputReport, events: list[Event],
                runner: Runner) -> None:
        changes = pa.concat_tables([h.cast(IDENTITY_HISTORY) for h in history]) if history \
            else IDENTITY_HISTORY.empty_table()
        report.history = changes.num_rows
        self.store.upsert("vessels", vessels)
        self.store.upsert("vessel_history", changes.filter(
            pa.compute.is_valid(changes["changed_at"])))
        self.store.upsert("events", events_table(events))
        self._save_state(state)
        runner.save(self.data_dir / "state" / DETECT_DIR)
        counts = _counts_json(report)
        self.runs.committing(run, counts)
        self.runs.done(run)


def _chunk(positions: list[pa.RecordBatch], statics: list[pa.RecordBatch]
           ) -> tuple[pa.Table, pa.Table]:
    # one chunk per column: taking rows from many chunks costs twice as much
    return (pa.Table.from_batches(positions, schema=POSITIONS).combine_chunks(),
            pa.Table.from_batches(statics, schema=STATICS))


def _value_counts(values: pa.ChunkedArray) -> tuple[list[str], list[int]]:
    vc = pa.compute.value_counts(values.combine_chunks())
    return vc.field("values").to_pylist(), vc.field("counts").to_pylist()


def _counts_json(report: InputReport) -> dict[str, object]:
    d = report.decode
    return {
        "positions": report.positions, "dropped": report.dropped, "events": report.events,
        "late": report.late,
        "decode": None if d is None else {
            "lines": d.lines, "decoded": d.decoded, "skipped": d.skipped,
            "rejected": d.rejected, "by_type": {str(k): v for k, v in d.by_type.items()}},
    }


def dumps(report: InputReport) -> str:
    return json.dumps(_counts_json(report))
