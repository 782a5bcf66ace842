"""`pantau detect` on files: decode (or read decoded tables), track, label, detect.

Stateless: everything comes from the inputs, the zones and the watchlist, and one final
batch goes through the detectors, so the same files always give the same events.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pantau.decode import DecodeCounts, Decoder, decode_inputs
from pantau.decode.sources import check_readable
from pantau.detect.base import Context, Vessels
from pantau.detect.frame import frame_from_table
from pantau.detect.runner import Runner, StepReport
from pantau.errors import InputError
from pantau.pipeline.enrich import Geography, enrich
from pantau.registry import merge_statics
from pantau.schema import POSITIONS, STATICS
from pantau.zones import ZoneSet


@dataclass
class Inputs:
    positions: pa.Table
    statics: pa.Table
    decode: DecodeCounts | None  # None when every input was already decoded


def _parquet(path: Path, what: str) -> pa.Table:
    try:
        return pq.read_table(path)
    except (OSError, pa.ArrowInvalid) as e:
        raise InputError(f"{path}: not a readable {what} Parquet file ({e})") from None


def read_inputs(names: list[str]) -> Inputs:
    """NMEA files (plain or gzip) are decoded; a `pantau decode` output directory or a
    positions Parquet file is read as it is (statics.parquet beside it, if any)."""
    nmea: list[str] = []
    positions: list[pa.Table] = []
    statics: list[pa.Table] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            if not (path / "positions.parquet").is_file():
                raise InputError(f"{name}: a directory without positions.parquet "
                                 "(give NMEA files or a `pantau decode` output directory)")
            positions.append(_parquet(path / "positions.parquet", "positions"))
            if (path / "statics.parquet").is_file():
                statics.append(_parquet(path / "statics.parquet", "statics"))
        elif path.suffix == ".parquet":
            positions.append(_parquet(path, "positions"))
            beside = path.with_name("statics.parquet")
            if path.name == "positions.parquet" and beside.is_file():
                statics.append(_parquet(beside, "statics"))
        else:
            check_readable(name)
            nmea.append(name)
    counts = None
    if nmea:
        decoder = Decoder()
        for batch in decode_inputs(nmea, decoder=decoder):
            positions.append(pa.Table.from_batches([batch.positions]))
            statics.append(pa.Table.from_batches([batch.statics]))
        counts = decoder.counts
    return Inputs(_concat(positions, POSITIONS), _concat(statics, STATICS), counts)


#: what a positions table from elsewhere must have; every other column may be missing
REQUIRED = ("mmsi", "received_at", "lon", "lat")


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """A table with the schema's columns: missing optional ones null, types cast."""
    if schema is POSITIONS:
        missing = [c for c in REQUIRED if c not in table.column_names]
        if missing:
            raise InputError(f"a positions table lacks {', '.join(missing)} (needs "
                             f"{', '.join(REQUIRED)})")
    cols = [table[f.name] if f.name in table.column_names else pa.nulls(table.num_rows, f.type)
            for f in schema]
    return pa.table(cols, names=schema.names).cast(schema)


def _concat(tables: list[pa.Table], schema: pa.Schema) -> pa.Table:
    if not tables:
        return schema.empty_table()
    try:
        return pa.concat_tables([_conform(t, schema) for t in tables])
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
        raise InputError(f"decoded tables do not match pantau's schema ({e})") from None


@dataclass
class DetectRun:
    report: StepReport
    positions: int  # positions detected on
    set_aside: int  # dropped by cleaning (no time, no position, duplicates)
    vessels: int


def detect_files(inputs: Inputs, zones: ZoneSet, geo: Geography,
                 watchlist: pa.Table | None) -> DetectRun:
    merged = merge_statics(inputs.statics, None, watchlist)
    vessels = merged.vessels
    enriched = enrich(inputs.positions, None, geo)
    ctx = Context(zones=zones, index=geo.zones,
                  vessels=Vessels.from_table(vessels, watchlist), shore=geo.shore,
                  ports=geo.ports)
    runner = Runner(ctx)
    report = runner.step(frame_from_table(enriched.positions), merged.history, final=True)
    return DetectRun(report, enriched.positions.num_rows, enriched.dropped.num_rows,
                     vessels.num_rows)
