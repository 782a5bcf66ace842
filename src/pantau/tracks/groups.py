"""Per-vessel layout of a table sorted by (mmsi, received_at): the order that gives it and
the slice of rows each vessel holds, for detectors that iterate vessels in Numba.

>>> import numpy as np
>>> vessel_slices(np.array([5, 5, 7, 9, 9, 9]))
(array([0, 2, 3]), array([2, 3, 6]))
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from pantau.tracks._sort import vessel_time_order as _order_kernel
from pantau.tracks.errors import TracksError

I64 = npt.NDArray[np.int64]

#: Above this many distinct MMSIs per row the hash-and-count sort loses to a comparison
#: sort (its table no longer fits in cache); 1 in 8 rows, and never below 2**20 vessels.
_DENSE_SHARE, _DENSE_FLOOR = 8, 1 << 20


def vessel_slices(mmsi_sorted: npt.NDArray[np.integer]) -> tuple[I64, I64]:
    """Start (inclusive) and end (exclusive) row of each vessel in an MMSI-sorted column.

    Vessel k holds rows ``starts[k]:ends[k]``; both arrays are empty for an empty column.
    Raises :class:`TracksError` when the column is not sorted, since a vessel split in two
    runs would silently be treated as two vessels.
    """
    m = np.asarray(mmsi_sorted)
    if m.ndim != 1 or not np.issubdtype(m.dtype, np.integer):
        raise TracksError(f"vessel_slices needs a 1-D integer array, got {m.dtype} {m.shape}")
    if m.size and bool(np.any(m[1:] < m[:-1])):
        raise TracksError("vessel_slices needs the MMSIs sorted (see pantau.tracks.prepare)")
    change = np.flatnonzero(m[1:] != m[:-1]) + 1
    starts = np.concatenate([np.zeros(min(m.size, 1), np.int64), change]).astype(np.int64)
    ends = np.concatenate([change, np.full(min(m.size, 1), m.size, np.int64)]).astype(np.int64)
    return starts, ends


class VesselOrder(NamedTuple):
    order: I64  # row indices in (mmsi, t) order, ties in input order
    mmsi: I64  # mmsi[order]
    t: I64  # t[order]


def vessel_time_order(mmsi: npt.ArrayLike, t: npt.ArrayLike) -> VesselOrder:
    """The stable (mmsi, t) order of rows, with both keys in that order.

    Linear for the usual feed (a hash-and-count sort on the MMSI, then a sort only of
    vessels whose points are out of time order); a comparison sort when nearly every row
    has its own MMSI.
    """
    m = np.ascontiguousarray(mmsi, np.int64)
    tt = np.ascontiguousarray(t, np.int64)
    if m.shape != tt.shape or m.ndim != 1:
        raise TracksError(f"mmsi and t must be 1-D and of one length, got {m.shape} {tt.shape}")
    found = _order_kernel(m, tt, max(_DENSE_FLOOR, m.size // _DENSE_SHARE))
    if found is not None:
        return VesselOrder(*found)
    order = np.lexsort((tt, m)).astype(np.int64)  # lexsort is stable: ties stay in order
    return VesselOrder(order, m[order], tt[order])

