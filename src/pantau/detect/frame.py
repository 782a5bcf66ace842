"""The detectors' view of positions: NumPy columns sorted by (mmsi, time).

Every detector reads the same frame, so conversion from Arrow happens once per batch.
Nulls become NaN (floats) or -1 (codes); times are microseconds since the epoch (UTC).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from pantau.detect.errors import DetectError
from pantau.tracks import vessel_slices, vessel_time_order

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
I32 = npt.NDArray[np.int32]
Mask = npt.NDArray[np.bool_]

#: frame columns and the table columns they come from (None: computed or optional)
_SOURCES = {
    "mmsi": "mmsi", "t_us": "received_at", "lon": "lon", "lat": "lat", "sog_kn": "speed",
    "cog_deg": "course", "segment": "segment_id", "shore_m": "shore_distance_m",
    "port_m": "port_distance_m", "msg_type": "msg_type",
}


@dataclass(frozen=True)
class Frame:
    """Positions of many vessels, rows sorted by (mmsi, t_us)."""

    mmsi: I64
    t_us: I64
    lon: F64
    lat: F64
    sog_kn: F64  # NaN: not available
    cog_deg: F64  # NaN: not available
    segment: I64  # segment id (pantau.tracks); 0 when the input had none
    shore_m: F64  # distance to shore; NaN: unknown
    port_m: F64  # distance to the nearest port; NaN: unknown
    msg_type: I32  # AIS message type; 0 unknown
    #: receiver (tag block ``s:``) as a stable 63-bit hash of its name; 0 unknown
    source: I64 = field(default_factory=lambda: np.zeros(0, np.int64))

    def __post_init__(self) -> None:
        if self.source.size == 0 and self.mmsi.size:
            object.__setattr__(self, "source", np.zeros(self.mmsi.size, np.int64))

    @property
    def n(self) -> int:
        return int(self.mmsi.size)

    def take(self, idx: npt.ArrayLike) -> Frame:
        i = np.asarray(idx)
        return Frame(**{f.name: getattr(self, f.name)[i] for f in fields(self)})

    def vessels(self) -> tuple[I64, I64]:
        """Start and end row of each vessel."""
        return vessel_slices(self.mmsi)

    @cached_property
    def by_segment(self) -> I64:
        """Row order by (mmsi, segment, t_us), computed once for all detectors."""
        m, s = self.mmsi, self.segment
        if self.n < 2 or bool(np.all((m[1:] != m[:-1]) | (s[1:] == s[:-1]))):
            return np.arange(self.n, dtype=np.int64)  # one segment per vessel: as it is
        return np.lexsort((self.t_us, s, m)).astype(np.int64)

    @cached_property
    def segment_starts(self) -> I64:
        """In :attr:`by_segment` order, the first row of each (mmsi, segment) run,
        followed by ``n``."""
        if self.n == 0:
            return np.zeros(1, np.int64)
        o = self.by_segment
        m, s = self.mmsi[o], self.segment[o]
        change = np.flatnonzero((m[1:] != m[:-1]) | (s[1:] != s[:-1])) + 1
        out: I64 = np.r_[0, change, self.n].astype(np.int64)
        return out

    @staticmethod
    def empty() -> Frame:
        return Frame(*(np.zeros(0, dtype) for dtype in _DTYPES))  # type: ignore[arg-type]

    @staticmethod
    def concat(frames: list[Frame]) -> Frame:
        """Frames joined and re-sorted by (mmsi, t_us); ties keep their order."""
        frames = [f for f in frames if f.n]
        if not frames:
            return Frame.empty()
        if len(frames) == 1:
            return frames[0]
        joined = Frame(**{f.name: np.concatenate([getattr(x, f.name) for x in frames])
                          for f in fields(Frame)})
        return joined.take(vessel_time_order(joined.mmsi, joined.t_us).order)

    def to_table(self) -> pa.Table:
        """For keeping a frame in detector state (columns as named here)."""
        return pa.table({f.name: getattr(self, f.name) for f in fields(self)})

    @staticmethod
    def from_state(table: pa.Table | None) -> Frame:
        if table is None or table.num_rows == 0:
            return Frame.empty()
        return Frame(**{f.name: table[f.name].to_numpy().astype(dt)
                        for f, dt in zip(fields(Frame), _DTYPES, strict=True)})


_DTYPES = (np.int64, np.int64, np.float64, np.float64, np.float64, np.float64, np.int64,
           np.float64, np.float64, np.int32, np.int64)


def _floats(table: pa.Table, name: str | None) -> F64:
    if name is None or name not in table.column_names:
        return np.full(table.num_rows, np.nan)
    col = pc.cast(table[name], pa.float64())
    return np.asarray(col.to_numpy(zero_copy_only=False), np.float64)  # nulls -> NaN


def _ints(table: pa.Table, name: str, fill: int) -> I64:
    if name not in table.column_names:
        return np.full(table.num_rows, fill, np.int64)
    col = pc.fill_null(pc.cast(table[name], pa.int64()), fill)
    return np.asarray(col.to_numpy(), np.int64)


def source_id(name: str) -> int:
    """A receiver name as a stable positive 63-bit number (the same in every batch)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big") >> 1


def _sources(table: pa.Table) -> I64:
    if "source" not in table.column_names:
        return np.zeros(table.num_rows, np.int64)
    enc = pc.dictionary_encode(table["source"].combine_chunks())
    ids = np.array([source_id(str(v)) for v in enc.dictionary.to_pylist()] or [0], np.int64)
    codes = np.asarray(pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False), np.int64)
    return np.where(codes >= 0, ids[np.maximum(codes, 0)], 0)


def _times(table: pa.Table) -> I64:
    col = table["received_at"]
    if not pa.types.is_timestamp(col.type) or col.type.tz is None:
        raise DetectError("received_at must be a timezone-aware timestamp column")
    col = pc.cast(col, pa.timestamp("us", "UTC"))
    if col.null_count:
        raise DetectError("positions without received_at reach the detectors; "
                          "clean them first (pantau.tracks.prepare)")
    return np.asarray(pc.cast(col, pa.int64()).to_numpy(), np.int64)


def frame_from_table(table: pa.Table | pa.RecordBatch) -> Frame:
    """A frame from a positions table (decoded, or enriched by ingest).

    Needs ``mmsi, received_at, lon, lat`` without nulls; ``speed, course, segment_id,
    shore_distance_m, port_distance_m, msg_type`` are used when present.
    """
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    missing = [c for c in ("mmsi", "received_at", "lon", "lat") if c not in table.column_names]
    if missing:
        raise DetectError(f"positions lack column(s) {', '.join(missing)}")
    for name in ("mmsi", "lon", "lat"):
        if table[name].null_count:
            raise DetectError(f"positions with a null {name} reach the detectors; "
                              "clean them first (pantau.tracks.prepare)")
    cols: dict[str, Any] = {
        "mmsi": _ints(table, "mmsi", 0), "t_us": _times(table),
        "lon": _floats(table, "lon"), "lat": _floats(table, "lat"),
        "sog_kn": _floats(table, "speed"), "cog_deg": _floats(table, "course"),
        "segment": _ints(table, "segment_id", 0),
        "shore_m": _floats(table, "shore_distance_m"),
        "port_m": _floats(table, "port_distance_m"),
        "msg_type": _ints(table, "msg_type", 0).astype(np.int32),
        "source": _sources(table),
    }
    frame = Frame(**cols)
    order = vessel_time_order(frame.mmsi, frame.t_us).order
    if order.size and not bool(np.all(order == np.arange(order.size))):
        frame = frame.take(order)
    return frame
