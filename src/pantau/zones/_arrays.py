"""Turn what callers hand us (NumPy arrays, Arrow arrays with nulls) into plain NumPy."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from pantau.zones.errors import ZoneError

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]
Mask = npt.NDArray[np.bool_]

#: int64 value NumPy uses for NaT; pantau uses it for a null time in microsecond arrays
NULL_TIME_US = np.iinfo(np.int64).min


def as_float64(values: Any, what: str) -> F64:
    """A 1-D float64 array; Arrow nulls become NaN (a null position lies in no zone)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        values = values.cast(pa.float64()).to_numpy(zero_copy_only=False)
    arr = np.ascontiguousarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise ZoneError(f"{what} must be one-dimensional, got shape {arr.shape}")
    return arr


def as_times_us(values: Any) -> I64:
    """Microseconds since the epoch (UTC) as int64; nulls and NaT become NULL_TIME_US.

    Accepts int64 microseconds, ``datetime64`` arrays and Arrow timestamps; an Arrow
    timestamp must carry a timezone, since pantau never guesses one.
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        if pa.types.is_timestamp(values.type):
            if values.type.tz is None:
                raise ZoneError("times must be timezone-aware (Arrow timestamp without tz)")
            values = values.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64())
        values = values.fill_null(NULL_TIME_US).to_numpy(zero_copy_only=False)
    arr = np.asarray(values)
    if np.issubdtype(arr.dtype, np.datetime64):
        arr = arr.astype("datetime64[us]").view(np.int64)
    elif not np.issubdtype(arr.dtype, np.integer):
        raise ZoneError(f"times must be int64 microseconds or datetime64, got {arr.dtype}")
    out = np.ascontiguousarray(arr, dtype=np.int64)
    if out.ndim != 1:
        raise ZoneError(f"times must be one-dimensional, got shape {out.shape}")
    return out
