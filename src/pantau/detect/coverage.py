"""Receiver coverage as seen in the data: messages per grid cell per time bin.

A vessel that falls silent while others around it keep being heard has gone dark; when
everyone in the area falls silent at once, the receiver did. The histogram keeps, per
(cell, bin), the number of positions and the sum of their MMSIs, which tells whether
anyone but a given vessel was heard there (sum != count x mmsi) and merges exactly across
batches (sums add).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from pantau.detect.frame import F64, I64

_SCHEMA = pa.schema([("key", pa.int64()), ("count", pa.int64()), ("mmsi_sum", pa.int64())])
_BIN_BITS = 24  # bins of 10 min: 2**24 of them last 300 years


@dataclass(frozen=True)
class Grid:
    cell_deg: float
    bin_s: float

    def cell(self, lon: F64, lat: F64) -> I64:
        x = np.floor((np.asarray(lon) + 180.0) / self.cell_deg).astype(np.int64)
        y = np.floor((np.asarray(lat) + 90.0) / self.cell_deg).astype(np.int64)
        return y * 100_000 + x

    def bin(self, t_us: npt.ArrayLike) -> I64:
        return np.floor_divide(np.asarray(t_us, np.int64), int(self.bin_s * 1e6))

    def key(self, cell: npt.ArrayLike, bins: npt.ArrayLike) -> I64:
        return (np.asarray(cell, np.int64) << _BIN_BITS) | np.asarray(bins, np.int64)


def receiver_cell(source: I64) -> I64:
    """A receiver id (pantau.detect.frame.source_id) as a coverage cell: its top 38 bits."""
    return np.asarray(source, np.int64) >> 25


class Coverage:
    """Sorted (cell, bin) keys with their counts; add batches, ask about windows."""

    def __init__(self, grid: Grid, keys: I64, counts: I64, sums: I64) -> None:
        self.grid = grid
        self.keys, self.counts, self.sums = keys, counts, sums

    @staticmethod
    def from_table(grid: Grid, table: pa.Table | None) -> Coverage:
        if table is None or table.num_rows == 0:
            z = np.zeros(0, np.int64)
            return Coverage(grid, z, z, z)
        return Coverage(grid, *(np.asarray(table[c].to_numpy(), np.int64)
                                for c in ("key", "count", "mmsi_sum")))

    def to_table(self) -> pa.Table:
        return pa.table({"key": self.keys, "count": self.counts, "mmsi_sum": self.sums},
                        schema=_SCHEMA)

    def add(self, mmsi: I64, t_us: I64, lon: F64, lat: F64) -> None:
        self.add_cells(mmsi, t_us, self.grid.cell(lon, lat))

    def add_cells(self, mmsi: I64, t_us: I64, cells: I64) -> None:
        """Count positions by a cell of the caller's choosing (e.g. a receiver)."""
        keys = self.grid.key(cells, self.grid.bin(t_us))
        weights = np.asarray(mmsi, np.float64)
        if keys.size > 1:
            # rows come by vessel and time: runs of one key are common, fold them first
            starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
            counts = np.diff(np.r_[starts, keys.size])
            weights = np.add.reduceat(weights, starts)
            keys = keys[starts]
        else:
            counts = np.ones(keys.size, np.int64)
        new, inv = np.unique(keys, return_inverse=True)
        new_c = np.bincount(inv, weights=counts, minlength=new.size).astype(np.int64)
        new_s = np.bincount(inv, weights=weights, minlength=new.size).astype(np.int64)
        allk = np.concatenate([self.keys, new])
        allc = np.concatenate([self.counts, new_c])
        alls = np.concatenate([self.sums, new_s])
        uniq, inv = np.unique(allk, return_inverse=True)
        self.keys = uniq
        self.counts = np.bincount(inv, weights=allc, minlength=uniq.size).astype(np.int64)
        # MMSIs are below 2**30: float64 sums of up to 2**23 of them per bin stay exact
        self.sums = np.bincount(inv, weights=alls.astype(np.float64),
                                minlength=uniq.size).astype(np.int64)

    def forget_before(self, t_us: int) -> None:
        keep = (self.keys & ((1 << _BIN_BITS) - 1)) >= self.grid.bin(t_us)
        self.keys, self.counts, self.sums = self.keys[keep], self.counts[keep], self.sums[keep]

    def _lookup(self, cells: list[int], first_bin: int, last_bin: int
                ) -> tuple[I64, I64, I64]:
        """(bin, count, sum) of the given cells over bins first..last inclusive."""
        bins_out, counts, sums = [], [], []
        for c in cells:
            lo = np.searchsorted(self.keys, self.grid.key(c, first_bin))
            hi = np.searchsorted(self.keys, self.grid.key(c, last_bin), side="right")
            bins_out.append(self.keys[lo:hi] & ((1 << _BIN_BITS) - 1))
            counts.append(self.counts[lo:hi])
            sums.append(self.sums[lo:hi])
        return np.concatenate(bins_out), np.concatenate(counts), np.concatenate(sums)

    def heard_fraction(self, cells: list[int], t0_us: int, t1_us: int) -> tuple[float, int]:
        """Share of the whole bins strictly inside (t0, t1) in which anyone was heard in
        any of ``cells``; and how many such bins there are."""
        first = int(self.grid.bin(t0_us)) + 1
        last = int(self.grid.bin(t1_us)) - 1
        if last < first:
            return float("nan"), 0
        bins, counts, _ = self._lookup(cells, first, last)
        heard = np.unique(bins[counts > 0]).size
        return heard / (last - first + 1), last - first + 1

    def others_heard(self, cells: list[int], mmsi: int, t0_us: int, t1_us: int) -> bool:
        """Whether a vessel other than ``mmsi`` was heard in ``cells`` in bins t0..t1."""
        _, counts, sums = self._lookup(cells, int(self.grid.bin(t0_us)),
                                       int(self.grid.bin(t1_us)))
        return bool(np.any(sums != counts * mmsi))
