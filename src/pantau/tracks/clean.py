"""Cleaning positions before segmentation: drop what cannot be placed, order the rest.

:func:`prepare` takes decoded positions (:data:`pantau.schema.POSITIONS`, or any table with
``mmsi, received_at, lon, lat``) and returns

* ``clean``: the usable rows, every input column kept, ``received_at`` as
  ``timestamp[us, UTC]``, sorted by (mmsi, received_at); rows with the same MMSI and time
  keep their input order (a stable sort), so out-of-order input gives the same table as
  sorted input;
* ``dropped``: every other row, in input order, with a ``reason`` column
  (:class:`~pantau.tracks.schema.DropReason`, the first that applies): no MMSI, no
  ``received_at``, no lon or lat, lon/lat out of range (|lat| > 90, |lon| > 180, or not
  finite), or an exact duplicate of an earlier row (same mmsi, received_at, lon and lat;
  the first in input order is kept). Nothing is dropped silently:
  ``clean.num_rows + dropped.num_rows == positions.num_rows``.

Vectorised: NumPy masks, one hash-and-count sort (:mod:`pantau.tracks.groups`), and a
comparison sort only over rows that share an MMSI and a time with another row.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pyarrow as pa

from pantau.tracks._arrays import I64, as_table, float64_valid, int64_valid, take, utc
from pantau.tracks.groups import vessel_time_order
from pantau.tracks.schema import NEEDED, REASON, DropReason

_REASONS = pa.array([r.value for r in DropReason], pa.string())
_KEEP = -1


class Prepared(NamedTuple):
    clean: pa.Table
    dropped: pa.Table


def _duplicates(sorted_rows: I64, m_s: I64, t_sorted: I64, lon: np.ndarray,
                lat: np.ndarray) -> I64:
    """Input rows that repeat an earlier row exactly; sorted_rows is in (mmsi, t) order,
    m_s and t_sorted their MMSIs and times."""
    same = (m_s[1:] == m_s[:-1]) & (t_sorted[1:] == t_sorted[:-1])
    shared = np.zeros(sorted_rows.size, np.bool_)
    shared[1:] |= same
    shared[:-1] |= same
    at = np.flatnonzero(shared)  # positions in sorted order; ascending = input order per key
    if at.size == 0:
        return np.zeros(0, np.int64)
    rows = sorted_rows[at]
    o = np.lexsort((at, lat[rows], lon[rows], t_sorted[at], m_s[at]))
    rows, m_c, t_c = rows[o], m_s[at[o]], t_sorted[at[o]]
    again = ((m_c[1:] == m_c[:-1]) & (t_c[1:] == t_c[:-1])
             & (lon[rows][1:] == lon[rows][:-1]) & (lat[rows][1:] == lat[rows][:-1]))
    dups: I64 = rows[1:][again]
    return dups


def prepare(positions: pa.Table | pa.RecordBatch) -> Prepared:
    """Split positions into sorted usable rows and dropped rows with their reason."""
    table = as_table(positions, "positions", NEEDED)
    ts = utc(table.column("received_at"), "received_at")
    table = table.set_column(table.column_names.index("received_at"), "received_at", ts)
    m, m_ok = int64_valid(table.column("mmsi"), "mmsi")
    t, t_ok = int64_valid(ts, "received_at")
    lon, lon_ok = float64_valid(table.column("lon"), "lon")
    lat, lat_ok = float64_valid(table.column("lat"), "lat")
    with np.errstate(invalid="ignore"):
        in_range = (np.abs(lat) <= 90.0) & (np.abs(lon) <= 180.0)  # NaN compares False
    reason = np.select(
        [~m_ok, ~t_ok, ~(lon_ok & lat_ok), ~in_range],
        [list(DropReason).index(r) for r in (DropReason.NO_MMSI, DropReason.NO_TIME,
                                             DropReason.NO_POSITION, DropReason.OUT_OF_RANGE)],
        _KEEP).astype(np.int8)

    kept = np.flatnonzero(reason == _KEEP)
    order, m_sorted, t_sorted = vessel_time_order(m[kept], t[kept])
    sorted_rows = kept[order]
    dups = _duplicates(sorted_rows, m_sorted, t_sorted, lon, lat)
    if dups.size:
        reason[dups] = list(DropReason).index(DropReason.DUPLICATE)
        sorted_rows = sorted_rows[reason[sorted_rows] == _KEEP]
    clean = take(table, sorted_rows)

    gone = np.flatnonzero(reason != _KEEP)
    why = pa.DictionaryArray.from_arrays(pa.array(reason[gone], pa.int8()), _REASONS)
    dropped = take(table, gone)
    if REASON.name in dropped.column_names:  # a re-fed dropped table: the new reason wins
        dropped = dropped.drop_columns([REASON.name])
    dropped = dropped.append_column(pa.field(REASON.name, REASON.type),
                                    why.cast(pa.string()))
    return Prepared(clean, dropped)
