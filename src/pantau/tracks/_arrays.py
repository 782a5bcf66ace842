"""Table columns as NumPy values plus validity, and the checks every entry point shares."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from pantau.schema import UTC_TS
from pantau.tracks.errors import TracksError

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]


def as_table(data: pa.Table | pa.RecordBatch, what: str, needed: Iterable[str]) -> pa.Table:
    if isinstance(data, pa.RecordBatch):
        data = pa.Table.from_batches([data])
    if not isinstance(data, pa.Table):
        raise TracksError(f"{what} must be a pyarrow Table, got {type(data).__name__}")
    missing = [c for c in needed if c not in data.column_names]
    if missing:
        raise TracksError(f"{what} lacks column(s) {', '.join(missing)}")
    return data


def _one_chunk(col: pa.ChunkedArray | pa.Array) -> pa.Array:
    if isinstance(col, pa.ChunkedArray):
        return col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    return col


def utc(col: pa.ChunkedArray | pa.Array, name: str) -> pa.Array:
    """The column as timestamp[us, UTC]: same instants; a naive or non-time column is misuse,
    since guessing its zone would shift every point silently."""
    arr = _one_chunk(col)
    if pa.types.is_null(arr.type):
        return arr.cast(UTC_TS)
    if not pa.types.is_timestamp(arr.type) or arr.type.tz is None:
        raise TracksError(f"{name} must be a timezone-aware timestamp, got {arr.type}")
    if arr.type == UTC_TS:
        return arr
    try:
        return arr.cast(UTC_TS)
    except pa.ArrowInvalid as e:  # nanoseconds that do not fit microseconds exactly
        raise TracksError(f"{name} cannot be read as microseconds ({e})") from None


def int64_valid(col: pa.ChunkedArray | pa.Array, name: str) -> tuple[I64, Mask]:
    """Values as int64 (nulls read as 0) and where they are valid."""
    arr = _one_chunk(col)
    if pa.types.is_timestamp(arr.type):
        arr = arr.cast(pa.int64())
    if not (pa.types.is_integer(arr.type) or pa.types.is_null(arr.type)):
        raise TracksError(f"{name} must be integers, got {arr.type}")
    try:
        arr = arr.cast(pa.int64())
    except pa.ArrowInvalid as e:
        raise TracksError(f"{name} does not fit int64 ({e})") from None
    valid: Mask = np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), np.bool_)
    if arr.null_count == 0:
        values: I64 = np.asarray(arr.to_numpy(zero_copy_only=False), np.int64)
    else:
        values = np.asarray(arr.fill_null(0).to_numpy(zero_copy_only=False), np.int64)
    return values, valid


def float64_valid(col: pa.ChunkedArray | pa.Array, name: str) -> tuple[F64, Mask]:
    """Values as float64 (nulls read as NaN) and where they are valid (not null)."""
    arr = _one_chunk(col)
    if not (pa.types.is_floating(arr.type) or pa.types.is_integer(arr.type)
            or pa.types.is_null(arr.type)):
        raise TracksError(f"{name} must be numbers, got {arr.type}")
    arr = arr.cast(pa.float64())
    valid: Mask = np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), np.bool_)
    values: F64 = np.asarray(arr.to_numpy(zero_copy_only=False), np.float64)  # null -> NaN
    return values, valid


def take(table: pa.Table, rows: I64) -> pa.Table:
    """Rows of the table in that order; no copy when that is every row in order, nor for
    columns that are all null (decoded positions have many: class B flags on class A
    reports and the reverse), whose rows are all alike."""
    if rows.size == table.num_rows and (rows.size == 0 or bool(
            rows[0] == 0 and np.all(np.diff(rows) == 1))):
        return table
    idx = pa.array(rows, pa.int64())
    cols = [c.slice(0, rows.size) if c.null_count == len(c) and rows.size <= len(c)
            else c.take(idx) for c in table.columns]
    return pa.Table.from_arrays(cols, schema=table.schema)
