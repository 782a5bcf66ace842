"""What every detector receives: the batch, the context, its own state.

A detector is a pure step: ``run(batch, ctx, state) -> (events, state)``. ``state`` is a
dict of small Arrow tables the detector alone reads and writes (open episodes, last
points); the runner keeps it between batches (in memory, or as Parquet for ingest), so
batches of a time-ordered input give exactly the events of one batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute

from pantau.detect.events import Event
from pantau.detect.frame import F64, I64, Frame
from pantau.registry.schema import CATEGORIES, IDENTITY_HISTORY
from pantau.zones import DistanceGrid, PortIndex, ZoneIndex, ZoneSet

State = dict[str, pa.Table]

#: categories whose vessels the pair detectors watch (escort, close approach)
WATCHED = ("coast_guard", "maritime_militia", "navy", "law_enforcement", "survey")


@dataclass(frozen=True)
class Vessels:
    """Per MMSI: category (index into :data:`CATEGORIES`) and length; sorted by MMSI."""

    mmsi: I64
    category: npt.NDArray[np.int8]
    length_m: F64

    @staticmethod
    def from_table(table: pa.Table | None, watchlist: pa.Table | None = None) -> Vessels:
        """From the registry's vessels table (``mmsi``, ``category``, ``length_m``), plus
        the watchlist's vessels the registry does not know yet (no report so far)."""
        if watchlist is not None and watchlist.num_rows:
            listed = pa.table({"mmsi": watchlist["mmsi"].cast(pa.int64()),
                               "category": watchlist["category"].cast(pa.string()),
                               "length_m": pa.nulls(watchlist.num_rows, pa.float64())})
            if table is not None and table.num_rows:
                known = pa.compute.is_in(listed["mmsi"], table["mmsi"].cast(pa.int64()))
                listed = listed.filter(pa.compute.invert(known))
                table = pa.concat_tables([table.select(["mmsi", "category", "length_m"]).cast(
                    listed.schema), listed])
            else:
                table = listed
        if table is None or table.num_rows == 0:
            return Vessels(np.zeros(0, np.int64), np.zeros(0, np.int8), np.zeros(0))
        mmsi = np.asarray(table["mmsi"].to_numpy(zero_copy_only=False), np.int64)
        cats = table["category"].to_pylist()
        code = np.array([CATEGORIES.index(c) if c in CATEGORIES else CATEGORIES.index("other")
                         for c in cats], np.int8)
        length = (np.asarray(table["length_m"].cast(pa.float64()).to_numpy(
            zero_copy_only=False), np.float64) if "length_m" in table.column_names
            else np.full(len(mmsi), np.nan))
        order = np.argsort(mmsi, kind="stable")
        return Vessels(mmsi[order], code[order], length[order])

    def _find(self, mmsi: npt.ArrayLike) -> tuple[I64, npt.NDArray[np.bool_]]:
        m = np.asarray(mmsi, np.int64)
        if self.mmsi.size == 0:
            return np.zeros(m.shape, np.int64), np.zeros(m.shape, np.bool_)
        pos = np.minimum(np.searchsorted(self.mmsi, m), self.mmsi.size - 1)
        return pos, self.mmsi[pos] == m

    def category_of(self, mmsi: npt.ArrayLike) -> npt.NDArray[np.int8]:
        """Category codes; ``other`` for MMSIs the registry does not know."""
        pos, hit = self._find(mmsi)
        out = np.full(pos.shape, CATEGORIES.index("other"), np.int8)
        out[hit] = self.category[pos[hit]]
        return out

    def length_of(self, mmsi: npt.ArrayLike) -> F64:
        pos, hit = self._find(mmsi)
        out = np.full(pos.shape, np.nan)
        out[hit] = self.length_m[pos[hit]]
        return out


def category_codes(names: tuple[str, ...]) -> npt.NDArray[np.int8]:
    return np.array([CATEGORIES.index(n) for n in names], np.int8)


@dataclass(frozen=True)
class Context:
    """The world the detectors judge positions against."""

    zones: ZoneSet
    index: ZoneIndex
    vessels: Vessels = field(default_factory=lambda: Vessels.from_table(None))
    shore: DistanceGrid | None = None
    ports: PortIndex | None = None


@dataclass(frozen=True)
class Batch:
    """New positions (sorted by mmsi, time) and identity changes since the last batch.

    Every later batch holds only positions received after ``watermark_us``; ``final``
    means no batch follows, so open episodes are closed at the end of the data.
    """

    frame: Frame
    watermark_us: int
    final: bool
    history: pa.Table = field(default_factory=IDENTITY_HISTORY.empty_table)
    #: products of shared stages computed once per batch (e.g. nearby pairs)
    shared: Mapping[str, object] = field(default_factory=dict)


class Detector(Protocol):
    #: key of this detector's state and name in reports
    name: str
    kinds: tuple[str, ...]

    def run(self, batch: Batch, ctx: Context, state: State) -> tuple[list[Event], State]:
        ...
