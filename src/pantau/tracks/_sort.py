"""Numba kernel: the (mmsi, received_at) order of a positions table, stable.

An AIS feed arrives nearly in time order and interleaves thousands of vessels, so a
comparison sort on two keys wastes most of its work. Instead each MMSI gets a dense code
(a small open-addressing hash table, which stays in cache), the rows are placed by a
counting sort on that code (stable: each vessel keeps its arrival order), and only the
vessels whose points are then out of time order get a stable sort of their own. Linear
in the rows for the usual input, O(n log n) at worst.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_FIB = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio: Fibonacci hashing


@njit(cache=True, nogil=True)
def _slot(key, bits, cap):  # type: ignore[no-untyped-def]
    return int((np.uint64(key) * _FIB) >> np.uint64(64 - bits)) & (cap - 1)


@njit(cache=True, nogil=True)
def _first_seen_codes(mmsi, max_distinct):  # type: ignore[no-untyped-def]
    """Per row a code 0.. in order of first appearance, and the distinct MMSIs; None when
    there are more than max_distinct of them (the table would no longer fit in cache)."""
    n = mmsi.shape[0]
    bits = 10
    cap = 1 << bits
    table_key = np.empty(cap, np.int64)
    table_code = np.full(cap, -1, np.int64)
    distinct = np.empty(64, np.int64)
    nd = 0
    codes = np.empty(n, np.int64)
    for i in range(n):
        k = mmsi[i]
        if i > 0 and k == mmsi[i - 1]:  # runs of one vessel are common: skip the lookup
            codes[i] = codes[i - 1]
            continue
        s = _slot(k, bits, cap)
        while table_code[s] >= 0 and table_key[s] != k:
            s = (s + 1) & (cap - 1)
        if table_code[s] >= 0:
            codes[i] = table_code[s]
            continue
        if nd == distinct.shape[0]:
            grown = np.empty(2 * nd, np.int64)
            grown[:nd] = distinct[:nd]
            distinct = grown
        distinct[nd] = k
        codes[i] = nd
        table_key[s] = k
        table_code[s] = nd
        nd += 1
        if nd > max_distinct:
            return None
        if 2 * nd > cap:  # keep the load under one half
            bits += 1
            cap = 1 << bits
            table_key = np.empty(cap, np.int64)
            table_code = np.full(cap, -1, np.int64)
            for c in range(nd):
                s = _slot(distinct[c], bits, cap)
                while table_code[s] >= 0:
                    s = (s + 1) & (cap - 1)
                table_key[s] = distinct[c]
                table_code[s] = c
    return codes, distinct[:nd].copy()


@njit(cache=True, nogil=True)
def vessel_time_order(mmsi, t, max_distinct):  # type: ignore[no-untyped-def]
    """Indices that sort rows by (mmsi, t), ties kept in input order, and mmsi and t in
    that order; None when there are more than max_distinct MMSIs (the caller sorts another
    way)."""
    n = mmsi.shape[0]
    found = _first_seen_codes(mmsi, max_distinct)
    if found is None:
        return None
    codes, distinct = found
    nd = distinct.shape[0]
    rank = np.empty(nd, np.int64)
    rank[np.argsort(distinct)] = np.arange(nd)
    start = np.zeros(nd + 1, np.int64)
    for i in range(n):
        start[rank[codes[i]] + 1] += 1
    for c in range(nd):
        start[c + 1] += start[c]
    fill = start[:nd].copy()
    order = np.empty(n, np.int64)
    t_sorted = np.empty(n, np.int64)
    m_sorted = np.empty(n, np.int64)
    by_rank = np.empty(nd, np.int64)
    by_rank[rank] = distinct
    for c in range(nd):
        m_sorted[start[c]:start[c + 1]] = by_rank[c]
    for i in range(n):
        c = rank[codes[i]]
        j = fill[c]
        fill[c] = j + 1
        order[j] = i
        t_sorted[j] = t[i]
    for c in range(nd):
        a, b = start[c], start[c + 1]
        in_order = True
        for j in range(a + 1, b):
            if t_sorted[j] < t_sorted[j - 1]:
                in_order = False
                break
        if not in_order:
            within = np.argsort(t_sorted[a:b], kind="mergesort")
            order[a:b] = order[a:b][within]
            t_sorted[a:b] = t_sorted[a:b][within]
    return order, m_sorted, t_sorted
