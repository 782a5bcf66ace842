"""Runs carried across batches equal the runs of one batch."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.detect.runs import RunRules, Runs, find_runs

RULES = RunRules(max_link_s=300, max_break_s=120, min_duration_s=200)


def _samples(draw_data: list[tuple[int, int, bool]]) -> tuple[np.ndarray, ...]:
    rows = sorted(draw_data)
    key = np.array([r[0] for r in rows], np.int64)
    t = np.array([r[1] for r in rows], np.int64) * 1_000_000
    cond = np.array([r[2] for r in rows], np.bool_)
    return key, t, cond


def _run(key, t, cond, open_runs, watermark, final):
    z = np.zeros(key.size)
    return find_runs(key, np.zeros_like(key), t, np.zeros_like(key), cond, t / 1e6, z, z,
                     open_runs, RULES, watermark, final)


def _rows(runs: Runs) -> list[tuple]:
    return sorted(map(tuple, np.hstack([runs.ints, runs.floats]).tolist()))


def test_one_run_with_a_break() -> None:
    t = np.array([0, 60, 120, 180, 240, 300, 1000], np.int64) * 1_000_000
    cond = np.array([1, 1, 0, 1, 1, 0, 1], np.bool_)
    key = np.zeros(t.size, np.int64)
    closed, open_ = _run(key, t, cond, Runs.empty(), int(t[-1]), final=True)
    assert len(open_) == 0
    assert closed.col("start_us").tolist() == [0]
    assert closed.col("end_us").tolist() == [240_000_000]  # 1000 is not linked (gap > 300)
    assert closed.col("n").tolist() == [4]


def test_too_long_a_break_splits() -> None:
    t = np.arange(0, 1200, 60, dtype=np.int64) * 1_000_000
    cond = np.ones(t.size, np.bool_)
    cond[5:9] = False  # 300..480 s: a break of 240 s > 120
    key = np.zeros(t.size, np.int64)
    closed, _ = _run(key, t, cond, Runs.empty(), int(t[-1]), final=True)
    assert closed.col("start_us").tolist() == [0, 540_000_000]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3000), st.booleans()),
                max_size=80, unique_by=lambda r: (r[0], r[1])),
       st.integers(0, 3000))
def test_split_equals_whole(data: list[tuple[int, int, bool]], split: int) -> None:
    key, t, cond = _samples(data)
    whole, _ = _run(key, t, cond, Runs.empty(), int(t.max()) if t.size else 0, final=True)
    cut = split * 1_000_000
    first = t <= cut
    closed1, open1 = _run(key[first], t[first], cond[first], Runs.empty(), cut, final=False)
    closed2, open2 = _run(key[~first], t[~first], cond[~first], open1,
                          int(t.max()) if t.size else 0, final=True)
    assert len(open2) == 0
    assert sorted(_rows(closed1) + _rows(closed2)) == _rows(whole)
