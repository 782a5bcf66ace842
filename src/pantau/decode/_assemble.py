"""Numba kernels: multi-part assembly, duplicate suppression, message and reject output.

``st`` and ``out`` are the tuples built by :mod:`pantau.decode.kernels` from
:class:`~pantau.decode._state.KernelState` and :class:`~pantau.decode._state.FrameOutput`.
"""

from __future__ import annotations

import numpy as np

from pantau.decode._lex import FNV_OFFSET, fnv, kernel, nonzero_key
from pantau.decode._state import (
    FRAG_RAW_CAP,
    K_FRAGMENTS,
    K_MESSAGES,
    K_REJECT,
    K_SKIP,
    NONE,
    PAYLOAD_CAP,
    RAW_CAP,
    X_DEDUP,
    X_DEDUP_WINDOW_MSGS,
    X_DEDUP_WINDOW_US,
    X_FRAG_TIMEOUT_RECS,
    X_FRAG_TIMEOUT_US,
    X_MSG_ORD,
    X_N_ACTIVE,
    X_N_SRC,
)

# reason codes, mirrored from pantau.decode.reasons (Numba needs plain ints)
SKIP_DUPLICATE = 5
SKIP_DUPLICATE_FRAGMENT = 6
REJ_FRAGMENT_TIMEOUT = 12
REJ_FRAGMENT_SUPERSEDED = 14
REJ_FRAGMENT_TABLE_FULL = 15
REJ_LINE_TOO_LONG = 16


@kernel
def add_reject(out, counters, line, reason, buf, a, b):
    r_line, r_reason, r_raw, r_off, n = out[8], out[9], out[10], out[11], out[12]
    i = n[1]
    start = r_off[i]
    m = min(b - a, RAW_CAP)
    for t in range(m):
        r_raw[start + t] = buf[a + t]
    r_off[i + 1] = start + m
    r_line[i] = line
    r_reason[i] = reason
    n[1] = i + 1
    counters[K_REJECT + reason] += 1


@kernel
def reject_slot(st, out, s, reason):
    """Every fragment held in slot s becomes a reject; the slot is freed."""
    counters = st[0]
    sl_mask, sl_line, sl_raw, sl_rawlen = st[4], st[8], st[12], st[13]
    for k in range(9):
        if sl_mask[s] & (1 << k):
            add_reject(out, counters, sl_line[s, k], reason, sl_raw[s, k], 0, sl_rawlen[s, k])
    free_slot(st, s)


@kernel
def free_slot(st, s):
    ctx, sl_key, sl_mask, active = st[1], st[2], st[4], st[14]
    sl_key[s] = 0
    sl_mask[s] = 0
    n = ctx[X_N_ACTIVE]
    for j in range(n):
        if active[j] == s:
            active[j] = active[n - 1]
            ctx[X_N_ACTIVE] = n - 1
            break


@kernel
def source_index(st, buf, a, b):
    """Index of the receiver id buf[a:b] in the source table (added when new)."""
    ctx, src_hash, src_bytes, src_len = st[1], st[15], st[16], st[17]
    if b <= a:
        return -1
    size = src_hash.shape[0]
    key = nonzero_key(fnv(buf, a, b, FNV_OFFSET))
    i = np.uint64(key) % np.uint64(size)
    for _ in range(size):
        j = np.int64(i)
        if src_hash[j] == key:
            return j
        if src_hash[j] == 0:
            if ctx[X_N_SRC] * 10 > size * 7:
                return -1  # table full: the source stays unnamed
            src_hash[j] = key
            m = min(b - a, src_bytes.shape[1])
            for t in range(m):
                src_bytes[j, t] = buf[a + t]
            src_len[j] = m
            ctx[X_N_SRC] += 1
            return j
        i = (i + np.uint64(1)) % np.uint64(size)
    return -1


@kernel
def seen_recently(st, h, time_us):
    """True when message hash h was seen within the dedup window; records it either way.

    A 2-way set-associative cache: the two candidate rows (hash, time, ordinal, -) share
    one 64-byte line, so a look-up costs one memory access. An entry can be pushed out
    early only by a newer message landing in the same set: a missed duplicate, never a
    false one."""
    ctx, dd = st[1], st[18]
    ctx[X_MSG_ORD] += 1
    ordinal = ctx[X_MSG_ORD]
    if ctx[X_DEDUP] == 0:
        return False
    j = np.int64(np.uint64(h) % np.uint64(dd.shape[0])) & ~1
    for w in range(j, j + 2):
        if dd[w, 0] == h:
            t0 = dd[w, 1]
            if time_us != NONE and t0 != NONE:
                dup = abs(time_us - t0) <= ctx[X_DEDUP_WINDOW_US]
            else:
                dup = ordinal - dd[w, 2] <= ctx[X_DEDUP_WINDOW_MSGS]
            dd[w, 1] = time_us
            dd[w, 2] = ordinal
            return dup
    victim = j if dd[j, 2] <= dd[j + 1, 2] else j + 1
    dd[victim, 0] = h
    dd[victim, 1] = time_us
    dd[victim, 2] = ordinal
    return False


@kernel
def _commit(st, out, h, fill, time_us, src, line, pay_end, raw_end, n_parts):
    """Finish the message whose bytes were just copied at index n[0], unless a duplicate."""
    counters = st[0]
    m_off, m_fill, m_time, m_src, m_line, m_raw_off, n = (
        out[1], out[2], out[3], out[4], out[5], out[7], out[12])
    counters[K_FRAGMENTS] += n_parts - 1
    h = (h ^ np.uint64(fill + 1)) * np.uint64(0x100000001B3)
    if seen_recently(st, nonzero_key(h), time_us):
        counters[K_SKIP + SKIP_DUPLICATE] += 1
        return
    i = n[0]
    m_off[i + 1] = pay_end
    m_raw_off[i + 1] = raw_end
    m_fill[i] = fill
    m_time[i] = time_us
    m_src[i] = src
    m_line[i] = line
    n[0] = i + 1
    counters[K_MESSAGES] += 1


@kernel
def emit_single(st, out, buf, pa, pb, fill, time_us, src, line, ra, rb):
    m_buf, m_off, m_raw_off, n = out[0], out[1], out[7], out[12]
    i = n[0]
    p = m_off[i]
    for t in range(pb - pa):
        m_buf[p + t] = buf[pa + t]
    # the raw text stays in the input buffer (alive until the batch is built): only a
    # reject needs it, so only its span is kept
    out[15][i] = ra
    out[16][i] = min(rb, ra + RAW_CAP)
    h = fnv(buf, pa, pb, FNV_OFFSET) if st[1][X_DEDUP] else np.uint64(0)
    _commit(st, out, h, fill, time_us, src, line, p + pb - pa, m_raw_off[i], 1)


@kernel
def emit(st, out, pay, pay_len, n_parts, fill, time_us, src, line, raw, raw_len):
    """Append one multi-part message; parts are rows of pay (payload) and raw (text)."""
    m_buf, m_off, m_raw, m_raw_off, n = out[0], out[1], out[6], out[7], out[12]
    i = n[0]
    p = m_off[i]
    h = FNV_OFFSET
    for k in range(n_parts):
        m = pay_len[k]
        for t in range(m):
            m_buf[p + t] = pay[k, t]
        h = fnv(pay[k], 0, m, h)
        p += m
    q = m_raw_off[i]
    out[15][i] = -1  # raw text copied into m_raw: the fragments' lines are gone
    for k in range(n_parts):
        if k:
            m_raw[q] = 10  # '\n' between fragments
            q += 1
        m = min(raw_len[k], RAW_CAP)
        for t in range(m):
            m_raw[q + t] = raw[k, t]
        q += m
    _commit(st, out, h, fill, time_us, src, line, p, q, n_parts)


@kernel
def expire(st, out, now_us, rec, force, reason):
    """Reject pending groups older than the timeout (all of them when force)."""
    ctx, sl_time, sl_rec, active = st[1], st[5], st[6], st[14]
    r_cap = out[8].shape[0]
    j = 0
    while j < ctx[X_N_ACTIVE]:
        if out[12][1] + 10 >= r_cap:
            return  # out of reject room: the caller flushes and calls again
        s = active[j]
        if force:
            old = True
        elif now_us != NONE and sl_time[s] != NONE:
            old = now_us - sl_time[s] > ctx[X_FRAG_TIMEOUT_US]
        else:
            old = rec - sl_rec[s] > ctx[X_FRAG_TIMEOUT_RECS]
        if old:
            reject_slot(st, out, s, reason)  # moves the last active entry to j
        else:
            j += 1


@kernel
def fragment(st, out, buf, pa, pb, fill, count, num, key, time_us, src, line,
             ra, rb, rec):
    """Store one fragment; emit the message when its last fragment arrives."""
    counters, ctx = st[0], st[1]
    sl_key, sl_count, sl_mask, sl_time, sl_rec, sl_src = st[2], st[3], st[4], st[5], st[6], st[7]
    sl_line, sl_fill, sl_pay, sl_paylen, sl_raw, sl_rawlen, active = (
        st[8], st[9], st[10], st[11], st[12], st[13], st[14])
    if pb - pa > PAYLOAD_CAP:
        add_reject(out, counters, line, REJ_LINE_TOO_LONG, buf, ra, rb)
        return
    k = num - 1
    s = -1
    for j in range(ctx[X_N_ACTIVE]):
        if sl_key[active[j]] == key:
            s = active[j]
            break
    if s >= 0 and sl_count[s] != count:
        reject_slot(st, out, s, REJ_FRAGMENT_SUPERSEDED)
        s = -1
    if s >= 0 and sl_mask[s] & (1 << k):
        same = sl_paylen[s, k] == pb - pa
        if same:
            for i in range(pb - pa):
                if sl_pay[s, k, i] != buf[pa + i]:
                    same = False
                    break
        if same:
            counters[K_SKIP + SKIP_DUPLICATE_FRAGMENT] += 1
            return
        reject_slot(st, out, s, REJ_FRAGMENT_SUPERSEDED)
        s = -1
    if s < 0:
        n_act = ctx[X_N_ACTIVE]
        if n_act >= sl_key.shape[0]:
            oldest = 0
            for j in range(n_act):
                if sl_rec[active[j]] < sl_rec[active[oldest]]:
                    oldest = j
            reject_slot(st, out, active[oldest], REJ_FRAGMENT_TABLE_FULL)
            n_act = ctx[X_N_ACTIVE]
        s = 0
        while sl_key[s] != 0:  # the table has a free slot: at most one per active group
            s += 1
        sl_key[s] = key
        sl_count[s] = count
        sl_mask[s] = 0
        sl_time[s] = NONE
        sl_rec[s] = rec
        sl_src[s] = -1
        active[n_act] = s
        ctx[X_N_ACTIVE] = n_act + 1
    sl_mask[s] |= 1 << k
    if sl_time[s] == NONE:
        sl_time[s] = time_us
    if sl_src[s] < 0:
        sl_src[s] = src
    sl_line[s, k] = line
    sl_fill[s, k] = fill
    sl_paylen[s, k] = pb - pa
    for t in range(pb - pa):
        sl_pay[s, k, t] = buf[pa + t]
    m = min(rb - ra, FRAG_RAW_CAP)
    for t in range(m):
        sl_raw[s, k, t] = buf[ra + t]
    sl_rawlen[s, k] = m
    if sl_mask[s] == (1 << count) - 1:
        emit(st, out, sl_pay[s], sl_paylen[s], count, sl_fill[s, count - 1], sl_time[s],
             sl_src[s], sl_line[s, 0], sl_raw[s], sl_rawlen[s])
        free_slot(st, s)
