"""vessel_slices and the (mmsi, time) order behind the per-vessel layout."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.tracks import TracksError, vessel_slices, vessel_time_order
from pantau.tracks import groups as groups_module


def test_slices_cover_every_row_once() -> None:
    starts, ends = vessel_slices(np.array([5, 5, 7, 9, 9, 9]))
    assert starts.tolist() == [0, 2, 3] and ends.tolist() == [2, 3, 6]
    assert starts.dtype == ends.dtype == np.int64


def test_empty_and_single() -> None:
    assert [a.tolist() for a in vessel_slices(np.zeros(0, np.int64))] == [[], []]
    assert [a.tolist() for a in vessel_slices(np.array([42]))] == [[0], [1]]


@pytest.mark.parametrize("bad", [np.array([2, 1]), np.array([1.0, 2.0]), np.zeros((2, 2), int)])
def test_unsorted_or_not_integers_is_misuse(bad: np.ndarray) -> None:
    with pytest.raises(TracksError):
        vessel_slices(bad)


def test_keys_of_different_lengths_are_misuse() -> None:
    with pytest.raises(TracksError, match="one length"):
        vessel_time_order(np.zeros(3, np.int64), np.zeros(2, np.int64))


_ints = st.lists(st.tuples(st.integers(-5, 40), st.integers(0, 6)), max_size=300)


@settings(max_examples=200, deadline=None)
@given(_ints)
def test_order_is_a_stable_lexsort(pairs: list[tuple[int, int]]) -> None:
    m = np.array([p[0] for p in pairs], np.int64)
    t = np.array([p[1] for p in pairs], np.int64)
    order, m_sorted, t_sorted = vessel_time_order(m, t)
    assert order.tolist() == np.lexsort((np.arange(m.size), t, m)).tolist()
    assert t_sorted.tolist() == t[order].tolist()
    assert m_sorted.tolist() == m[order].tolist()


def test_many_vessels_fall_back_to_a_comparison_sort(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(groups_module, "_DENSE_FLOOR", 4)
    rng = np.random.default_rng(1)
    m, t = rng.integers(0, 10**9, 500), rng.integers(0, 3, 500)
    order, m_sorted, t_sorted = vessel_time_order(m, t)
    assert order.tolist() == np.lexsort((np.arange(500), t, m)).tolist()
    assert t_sorted.tolist() == t[order].tolist()
    assert m_sorted.tolist() == m[order].tolist()


def test_extreme_mmsis_sort_right() -> None:
    info = np.iinfo(np.int64)
    m = np.array([info.max, info.min, 0, info.max, -1], np.int64)
    order, _, _ = vessel_time_order(m, np.zeros(5, np.int64))
    assert order.tolist() == [1, 4, 2, 0, 3]


def test_slices_of_sorted_output_are_vessels() -> None:
    rng = np.random.default_rng(2)
    m, t = rng.integers(0, 50, 2000), rng.integers(0, 10**6, 2000)
    order, m_sorted, _ = vessel_time_order(m, t)
    starts, ends = vessel_slices(m_sorted)
    assert starts.size == np.unique(m).size
    for a, b in zip(starts, ends, strict=True):
        assert np.unique(m[order][a:b]).size == 1
        assert bool(np.all(np.diff(t[order][a:b]) >= 0))
