"""Turning the many shapes of a column callers hold into NumPy values plus a validity mask."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from pantau.registry.errors import RegistryError

#: Anything the vectorised registry functions take as a column of integers.
IntColumn: TypeAlias = pa.Array | pa.ChunkedArray | npt.NDArray[np.generic] | Sequence[int | None]

I64: TypeAlias = npt.NDArray[np.int64]
Mask: TypeAlias = npt.NDArray[np.bool_]


def as_arrow(values: IntColumn, name: str) -> pa.Array:
    """One contiguous int64 Arrow array; NaN in a float NumPy array counts as null."""
    if isinstance(values, pa.ChunkedArray):
        arr = values.combine_chunks() if values.num_chunks else pa.array([], pa.int64())
    elif isinstance(values, pa.Array):
        arr = values
    elif isinstance(values, np.ndarray):
        arr = pa.array(values, from_pandas=True)
    else:
        arr = pa.array(list(values), pa.int64())
    if pa.types.is_null(arr.type):
        arr = arr.cast(pa.int64())
    if not (pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type)):
        raise RegistryError(f"{name} must be integers, got {arr.type}")
    try:
        return arr.cast(pa.int64())
    except pa.ArrowInvalid as e:  # 5.5, or a uint64 beyond int64
        raise RegistryError(f"{name} must be whole numbers that fit int64 ({e})") from None


def int64_and_mask(values: IntColumn, name: str) -> tuple[I64, Mask]:
    """Values as int64 (nulls read as 0) and where they are valid."""
    arr = as_arrow(values, name)
    valid: Mask = np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=np.bool_)
    filled: I64 = np.asarray(arr.fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int64)
    return filled, valid
