"""From pair samples to the episodes of a pair detector, carried across batches.

A pair detector (encounter, escort, close approach) states a condition on the samples of
the pair stage (:mod:`pantau.detect.pairs`); :func:`pair_runs` finds its runs per pair
with :func:`pantau.detect.runs.find_runs` (linked on consecutive grid times, the pair
stage's horizon as the watermark) and hands back, with each closed run, its samples
where the condition held, for statistics the run itself does not keep (medians, the
nearest port). The samples of runs still open are kept in state until they close.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numba
import numpy as np
import numpy.typing as npt

from pantau.detect.base import Batch, State
from pantau.detect.errors import DetectError
from pantau.detect.frame import F64, I64, Mask
from pantau.detect.pairs import PairSamples
from pantau.detect.runs import FLOAT_FIELDS, INT_FIELDS, RunRules, Runs, find_runs


def pairs_of(batch: Batch, detector: str, max_distance_m: float,
             unwatched: bool = False) -> PairSamples:
    """The pair stage's product for this batch, checked to reach as far as needed (for
    pairs without a watched vessel too, when ``unwatched``)."""
    found = batch.shared.get("pairs")
    if not isinstance(found, PairSamples):
        raise DetectError(f"{detector} needs the pair stage: run it first "
                          "(pantau.detect.pairs.PairStage; the Runner does by default)")
    p = found.params
    reach = min(p.max_distance_m, p.unwatched_max_distance_m) if unwatched \
        else p.max_distance_m
    if reach < max_distance_m:
        raise DetectError(f"{detector} needs pairs up to {max_distance_m} m, the pair stage "
                          f"finds them up to {reach} m")
    return found


def course_diff_deg(a: F64, b: F64) -> F64:
    """Smallest angle between two courses (NaN when either is unknown)."""
    d = np.abs(a - b) % 360.0
    return np.minimum(d, 360.0 - d)


@dataclass(frozen=True)
class Episodes:
    """Closed runs of a pair detector, and their samples where the condition held: those
    of run ``r`` are ``samples`` rows ``cuts[r]:cuts[r + 1]``, in time order."""

    runs: Runs
    samples: PairSamples
    cuts: I64

    def __len__(self) -> int:
        return len(self.runs)

    def rows(self) -> list[dict[str, Any]]:
        """Each run's fields (:data:`pantau.detect.runs.INT_FIELDS` and ``FLOAT_FIELDS``)
        as Python numbers."""
        names = (*INT_FIELDS, *FLOAT_FIELDS)
        return [dict(zip(names, i + f, strict=True)) for i, f in
                zip(self.runs.ints.tolist(), self.runs.floats.tolist(), strict=True)]

    def sizes(self) -> I64:
        return np.diff(self.cuts)

    def first(self, values: npt.NDArray[Any]) -> npt.NDArray[Any]:
        return values[self.cuts[:-1]]

    def median(self, values: F64) -> F64:
        return run_medians(values, self.cuts)

    def reduce(self, ufunc: np.ufunc, values: F64) -> F64:
        """``ufunc`` over each run's values (every closed run has at least one sample)."""
        if len(self) == 0:
            return np.zeros(0)
        out: F64 = ufunc.reduceat(values, self.cuts[:-1])
        return out


def pair_runs(pairs: PairSamples, keep: Mask, cond: Mask, rules: RunRules, state: State,
              final: bool) -> tuple[Episodes, State]:
    """Runs of ``cond`` over the ``keep`` pair samples (value: distance, so ``min_v`` is
    the closest approach); state: open runs (``open``) and their samples (``samples``)."""
    sub = pairs if bool(keep.all()) else pairs.take(np.flatnonzero(keep))
    c = np.ascontiguousarray(cond[keep])
    old = PairSamples.from_table(state.get("samples"))
    closed, still_open = find_runs(
        sub.mmsi_a, sub.mmsi_b, sub.t_us, np.zeros(sub.n, np.int64), c, sub.distance_m,
        sub.lat, sub.lon, Runs.from_table(state.get("open")), rules, pairs.horizon_us, final)
    per_run, cuts = _gather(old, sub, c, _int_col(closed, "key1"), _int_col(closed, "key2"),
                            _int_col(closed, "start_us"), _int_col(closed, "end_us"))
    forever = np.full(len(still_open), _I64_MAX, np.int64)
    carried, _ = _gather(old, sub, c, _int_col(still_open, "key1"),
                         _int_col(still_open, "key2"), _int_col(still_open, "start_us"), forever)
    return Episodes(closed, per_run, cuts), {"open": still_open.to_table(),
                                            "samples": carried.to_table()}


def _int_col(runs: Runs, name: str) -> I64:
    return runs.ints[:, INT_FIELDS.index(name)]


def _gather(old: PairSamples, new: PairSamples, new_cond: Mask, key1: I64, key2: I64,
            t0: I64, t1: I64) -> tuple[PairSamples, I64]:
    """The samples of each run (key1, key2, [t0, t1]) where the condition held: the
    carried ones (all held), then this batch's, run after run; and where each begins."""
    lo_o, hi_o = _ranges(old.mmsi_a, old.mmsi_b, old.t_us, key1, key2, t0, t1)
    lo_n, hi_n = _ranges(new.mmsi_a, new.mmsi_b, new.t_us, key1, key2, t0, t1)
    idx_n = _expand(lo_n, hi_n)
    held = new_cond[idx_n]
    both = PairSamples.concat([old.take(_expand(lo_o, hi_o)), new.take(idx_n[held])])
    run = np.concatenate([np.repeat(np.arange(key1.size), hi_o - lo_o),
                          np.repeat(np.arange(key1.size), hi_n - lo_n)[held]])
    order = np.lexsort((both.t_us, run))
    cuts = np.searchsorted(run[order], np.arange(key1.size + 1)).astype(np.int64)
    return both.take(order), cuts


def run_medians(values: F64, cuts: I64) -> F64:
    """The median of each run's known values (rows ``cuts[r]:cuts[r + 1]``); NaN for a
    run with none. One sort for all runs: a call per run costs more than the sort."""
    n_runs = cuts.size - 1
    run = np.repeat(np.arange(n_runs), np.diff(cuts))
    known = ~np.isnan(values)
    order = np.lexsort((values, ~known, run))  # per run: known values ascending first
    v = values[order]
    seen = np.concatenate([[0], np.cumsum(known)])
    count = seen[cuts[1:]] - seen[cuts[:-1]]
    lo = cuts[:-1] + np.maximum(count - 1, 0) // 2
    hi = cuts[:-1] + np.maximum(count, 1) // 2
    out = np.full(n_runs, np.nan)
    some = count > 0
    out[some] = 0.5 * (v[lo[some]] + v[np.minimum(hi[some], v.size - 1)])
    return out


def _expand(lo: I64, hi: I64) -> I64:
    """The indices lo[0]..hi[0]-1, lo[1]..hi[1]-1, ... in one array."""
    size = hi - lo
    total = int(size.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    offsets: I64 = np.repeat(lo - np.concatenate([[0], np.cumsum(size)[:-1]]), size)
    return np.arange(total, dtype=np.int64) + offsets


@numba.njit(cache=True, nogil=True)
def _lower(a, b, t, ka, kb, kt):  # type: ignore[no-untyped-def]
    lo, hi = 0, a.size
    while lo < hi:
        mid = (lo + hi) // 2
        if a[mid] < ka or (a[mid] == ka and (b[mid] < kb or (b[mid] == kb and t[mid] < kt))):
            lo = mid + 1
        else:
            hi = mid
    return lo


_I64_MAX = (1 << 63) - 1
_I64_MIN = -(1 << 63)


@numba.njit(cache=True, nogil=True)
def _ranges(a, b, t, ka, kb, t0, t1):  # type: ignore[no-untyped-def]
    lo = np.empty(ka.size, np.int64)
    hi = np.empty(ka.size, np.int64)
    for r in range(ka.size):
        lo[r] = _lower(a, b, t, ka[r], kb[r], t0[r])
        if t1[r] == _I64_MAX:
            hi[r] = _lower(a, b, t, ka[r], kb[r] + 1, _I64_MIN)
        else:
            hi[r] = _lower(a, b, t, ka[r], kb[r], t1[r] + 1)
    return lo, hi
