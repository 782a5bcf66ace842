"""The vessel registry: static reports merged over time into one identity per MMSI.

Pure and incremental: ``merge_statics(statics, previous)`` takes decoded static reports
(:data:`pantau.schema.STATICS`) and the state an earlier call returned, and gives the
vessels table (:data:`~pantau.registry.schema.VESSELS`, the whole registry) and the
history rows this call added (:data:`~pantau.registry.schema.IDENTITY_HISTORY`).

Rules:

* Reports are applied in order of ``received_at``. Reports without one go first, in input
  order, so that a report whose time is known is never overridden by one whose time is
  not; ties keep their input order. So out-of-order input gives the same result as sorted
  input, and merging a stream in that order in one call or in consecutive calls (state
  carried) gives the same vessels and the same history, concatenated. Across calls, each
  call's reports come after everything merged before.
* Field by field, the latest known value wins and a null never overwrites a known value:
  type 24 part A (name only) and part B (type, call sign, size) fill different fields of
  the same vessel, and type 19 adds what it carries.
* ``length_m`` is to_bow + to_stern, ``beam_m`` to_port + to_starboard; a report whose two
  distances are both 0 or null says nothing about that dimension.
* A new non-null name, call sign, IMO number or ship type that differs from the known one
  appends a history row, ``changed_at`` being that report's ``received_at`` (null when it
  had none). A first value is not a change.
* Reports with a null MMSI cannot belong to a vessel and are not merged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pantau.registry._arrays import I64, Mask, int64_and_mask
from pantau.registry.category import categorise
from pantau.registry.errors import RegistryError
from pantau.registry.mmsi import flag_of, mmsi_kind
from pantau.registry.schema import IDENTITY_HISTORY, TRACKED_FIELDS, VESSELS
from pantau.registry.watchlist import WatchlistResult
from pantau.schema import UTC_TS

_NEEDED = ("mmsi", "shipname", "callsign", "imo", "ship_type", "to_bow", "to_stern",
           "to_port", "to_starboard", "received_at")
#: identity fields merged value by value, with their output types
_FIELDS: tuple[tuple[str, pa.DataType], ...] = (
    ("shipname", pa.string()), ("callsign", pa.string()), ("imo", pa.int64()),
    ("ship_type", pa.uint8()), ("length_m", pa.uint16()), ("beam_m", pa.uint16()),
)
_TS_MAX, _TS_MIN = np.iinfo(np.int64).max, np.iinfo(np.int64).min


@dataclass(frozen=True)
class VesselState:
    """What :func:`merge_statics` carries from one call to the next: the vessels table it
    returned (a stored copy read back from Parquet will do)."""

    vessels: pa.Table

    @classmethod
    def empty(cls) -> VesselState:
        return cls(VESSELS.empty_table())


class MergeResult(NamedTuple):
    vessels: pa.Table
    history: pa.Table

    @property
    def state(self) -> VesselState:
        """The state to pass to the next :func:`merge_statics` call."""
        return VesselState(self.vessels)


def _utc(col: pa.ChunkedArray | pa.Array) -> pa.Array:
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if pa.types.is_null(arr.type):
        return arr.cast(UTC_TS)
    if not pa.types.is_timestamp(arr.type) or arr.type.tz is None:
        raise RegistryError(f"received_at must be a timezone-aware timestamp, got {arr.type}")
    return arr.cast(UTC_TS)  # same instants; only the unit and zone label change


def _dimension(a: pa.ChunkedArray, b: pa.ChunkedArray, name: str) -> pa.Array:
    va, _ = int64_and_mask(a, name)
    vb, _ = int64_and_mask(b, name)
    total = va + vb
    return pa.array(total, pa.uint16(), mask=total <= 0)


def _prepare_statics(statics: pa.Table | pa.RecordBatch) -> dict[str, pa.Array]:
    """The new reports in application order, reduced to the merged fields."""
    table = pa.Table.from_batches([statics]) if isinstance(statics, pa.RecordBatch) else statics
    missing = [c for c in _NEEDED if c not in table.column_names]
    if missing:
        raise RegistryError(f"statics lacks column(s) {', '.join(missing)} "
                            "(expected pantau.schema.STATICS)")
    table = table.filter(pc.is_valid(table.column("mmsi")))
    ts = _utc(table.column("received_at"))
    t_val, t_ok = int64_and_mask(ts.cast(pa.int64()), "received_at")
    order = np.lexsort((np.arange(len(t_val)), np.where(t_ok, t_val, 0), t_ok))
    idx = pa.array(order, pa.int64())
    out = {
        "mmsi": table.column("mmsi").cast(pa.int64()),
        "length_m": _dimension(table.column("to_bow"), table.column("to_stern"), "to_bow"),
        "beam_m": _dimension(table.column("to_port"), table.column("to_starboard"), "to_port"),
        "received_at": ts,
    }
    for name, typ in _FIELDS:
        if name in TRACKED_FIELDS:  # the rest are derived above
            out[name] = table.column(name).cast(typ)
    return {k: (v.combine_chunks() if isinstance(v, pa.ChunkedArray) else v).take(idx)
            for k, v in out.items()}


def _prepare_state(previous: VesselState | None) -> pa.Table:
    if previous is None:
        return VESSELS.empty_table()
    vessels = previous.vessels
    missing = [f.name for f in VESSELS if f.name not in vessels.column_names]
    if missing:
        raise RegistryError(f"previous state lacks column(s) {', '.join(missing)}")
    vessels = vessels.select(VESSELS.names).cast(VESSELS)
    if len(pc.unique(vessels.column("mmsi"))) != vessels.num_rows:
        raise RegistryError("previous state has more than one row for an MMSI")
    return vessels


class _Groups(NamedTuple):
    """Seed rows (previous state) and new reports, sorted by (mmsi, application order)."""

    order: pa.Array  # take() indices into the concatenated seed + new rows
    start_of_row: I64  # index of the first row of each row's group
    starts: I64  # first row of each group
    ends: I64  # last row of each group
    is_new: Mask
    seq: I64  # application order of new rows; -1 for seeds


def _group(n_seed: int, new_mmsi: pa.Array, seed_mmsi: pa.ChunkedArray) -> _Groups:
    m_seed, _ = int64_and_mask(seed_mmsi, "mmsi")
    m_new, _ = int64_and_mask(new_mmsi, "mmsi")
    mmsi = np.concatenate([m_seed, m_new])
    seq = np.concatenate([np.full(n_seed, -1, np.int64), np.arange(len(m_new))])
    order = np.lexsort((seq, mmsi))
    m_sorted = mmsi[order]
    first = np.ones(len(m_sorted), np.bool_)
    first[1:] = m_sorted[1:] != m_sorted[:-1]
    starts = np.flatnonzero(first)
    ends = np.append(starts[1:], len(m_sorted)) - 1
    start_of_row = starts[np.cumsum(first) - 1]
    return _Groups(pa.array(order, pa.int64()), start_of_row, starts, ends,
                   seq[order] >= 0, seq[order])


def _latest_known(valid: Mask, g: _Groups) -> tuple[I64, I64]:
    """Per row, the index of the latest valid row of its group up to and including it, and
    strictly before it (-1: none)."""
    upto = np.maximum.accumulate(np.where(valid, np.arange(len(valid)), -1))
    upto = np.where(upto >= g.start_of_row, upto, -1)
    before = np.concatenate([[-1], upto[:-1]])
    before = np.where(before >= g.start_of_row, before, -1)
    return upto, before


def _codes(values: pa.Array) -> I64:
    """Integers equal exactly where the values are equal (nulls read as 0)."""
    if pa.types.is_string(values.type):
        values = pc.dictionary_encode(values).indices
    codes, _ = int64_and_mask(values, "field")
    return codes


def _take(values: pa.Array, idx: I64) -> pa.Array:
    return values.take(pa.array(idx, pa.int64(), mask=idx < 0))


def _history(name: str, values: pa.Array, valid: Mask, before: I64, g: _Groups,
             mmsi: pa.Array, received_at: pa.Array) -> tuple[pa.Table, I64]:
    codes = _codes(values)
    safe_before = np.maximum(before, 0)
    changed = g.is_new & valid & (before >= 0) & (codes[safe_before] != codes)
    rows = np.flatnonzero(changed)
    table = pa.table([
        mmsi.take(pa.array(rows)),
        pa.array([name] * len(rows), pa.string()),
        values.take(pa.array(before[rows])).cast(pa.string()),
        values.take(pa.array(rows)).cast(pa.string()),
        received_at.take(pa.array(rows)),
    ], schema=IDENTITY_HISTORY)
    return table, g.seq[rows]


def _seen(seed: pa.Table, new_ts: pa.Array, g: _Groups) -> tuple[pa.Array, pa.Array]:
    """first_seen and last_seen per group; null timestamps take no part."""
    def merged(seed_col: str) -> tuple[I64, Mask]:
        both = pa.concat_arrays([seed.column(seed_col).combine_chunks().cast(UTC_TS),
                                 new_ts]).take(g.order)
        return int64_and_mask(both.cast(pa.int64()), seed_col)

    first, first_ok = merged("first_seen")
    last, last_ok = merged("last_seen")
    lo = np.minimum.reduceat(np.where(first_ok, first, _TS_MAX), g.starts)
    hi = np.maximum.reduceat(np.where(last_ok, last, _TS_MIN), g.starts)
    return (pa.array(lo, pa.int64(), mask=lo == _TS_MAX).cast(UTC_TS),
            pa.array(hi, pa.int64(), mask=hi == _TS_MIN).cast(UTC_TS))


def merge_statics(statics: pa.Table | pa.RecordBatch, previous: VesselState | None = None,
                  watchlist: pa.Table | WatchlistResult | None = None) -> MergeResult:
    """Merge static reports into the registry; see the module docstring for the rules.

    ``statics`` needs the columns mmsi, shipname, callsign, imo, ship_type, to_bow,
    to_stern, to_port, to_starboard and received_at (as in :data:`pantau.schema.STATICS`).
    ``previous`` is the state of the last call (``result.state``), None to start afresh.
    ``watchlist`` sets ``category`` (see :func:`~pantau.registry.category.categorise`);
    categories are recomputed for every vessel on each call, so an edited watchlist takes
    effect at once. Returns the whole vessels table, one row per MMSI sorted by MMSI, and
    the history rows of this call only, in the order the reports were applied.
    """
    new = _prepare_statics(statics)
    seed = _prepare_state(previous)
    n_seed, n_new = seed.num_rows, len(new["mmsi"])
    if n_seed + n_new == 0:
        return MergeResult(VESSELS.empty_table(), IDENTITY_HISTORY.empty_table())
    g = _group(n_seed, new["mmsi"], seed.column("mmsi"))
    mmsi = pa.concat_arrays([seed.column("mmsi").combine_chunks(), new["mmsi"]]).take(g.order)
    received_at = pa.concat_arrays(
        [pa.nulls(n_seed, UTC_TS), new["received_at"]]).take(g.order)

    final: dict[str, pa.Array] = {}
    changes: list[tuple[pa.Table, I64, int]] = []
    for rank, (name, typ) in enumerate(_FIELDS):
        values = pa.concat_arrays([seed.column(name).combine_chunks().cast(typ),
                                   new[name].cast(typ)]).take(g.order)
        valid: Mask = np.asarray(values.is_valid().to_numpy(zero_copy_only=False), np.bool_)
        upto, before = _latest_known(valid, g)
        final[name] = _take(values, upto[g.ends])
        if name in TRACKED_FIELDS:
            table, seq = _history(name, values, valid, before, g, mmsi, received_at)
            changes.append((table, seq, rank))

    first_seen, last_seen = _seen(seed, new["received_at"], g)
    seed_counts, _ = int64_and_mask(seed.column("n_static_reports"), "n_static_reports")
    counts = np.concatenate([seed_counts, np.ones(n_new, np.int64)])[g.order.to_numpy()]
    vessel_mmsi = mmsi.take(pa.array(g.starts))
    cat = categorise(vessel_mmsi, final["ship_type"], watchlist)
    vessels = pa.table([
        vessel_mmsi, *final.values(), flag_of(vessel_mmsi), mmsi_kind(vessel_mmsi),
        first_seen, last_seen, pa.array(np.add.reduceat(counts, g.starts), pa.int64()),
        cat.column("category").combine_chunks(), cat.column("category_basis").combine_chunks(),
    ], schema=VESSELS)

    history = pa.concat_tables([t for t, _, _ in changes])
    seq = np.concatenate([s for _, s, _ in changes])
    ranks = np.concatenate([np.full(len(s), r) for _, s, r in changes])
    history = history.take(pa.array(np.lexsort((ranks, seq)), pa.int64()))
    return MergeResult(vessels, history.combine_chunks())
