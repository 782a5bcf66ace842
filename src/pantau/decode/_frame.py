"""Numba kernel: split a buffer of complete lines into records and frame each one.

A record is one tag block(s) + sentence; most lines hold one, some recorders put several
on a line. Each record ends as a message (handed on), a pending fragment, a skip or a
reject, so that every line is accounted for.
"""

from __future__ import annotations

import numpy as np

from pantau.decode._assemble import add_reject, emit_single, expire, fragment, source_index
from pantau.decode._lex import (
    FNV_OFFSET,
    armour_ok,
    civil_us,
    epoch_us,
    fnv,
    has_binary,
    hex_value,
    is_separator,
    iso_prefix_us,
    kernel,
    nonzero_key,
    parse_uint,
)
from pantau.decode._state import (
    K_EXTRA_RECORDS,
    K_LINES,
    K_RECORDS,
    K_SKIP,
    K_WARN_TAG_CHECKSUM,
    MAX_LINE,
    MAX_PARTS,
    MAX_RECORDS_PER_LINE,
    NONE,
    PAYLOAD_CAP,
    RAW_CAP,
    X_CARRY_GID,
    X_CARRY_GTOT,
    X_CARRY_SRC,
    X_CARRY_TIME,
    X_CARRY_VALID,
    X_LINE,
    X_N_ACTIVE,
    X_PGHP_TIME,
    X_REC_ORD,
    X_STRICT_TAG,
)

# Skip / Reject codes (see pantau.decode.reasons)
S_BLANK, S_COMMENT, S_OTHER_NMEA, S_PROPRIETARY, S_TAG_ONLY = 1, 2, 3, 4, 7
R_BAD_CHECKSUM, R_NO_CHECKSUM, R_MALFORMED, R_BAD_FRAGMENT, R_BAD_FILL = 1, 2, 3, 4, 5
R_EMPTY, R_BAD_CHAR, R_BAD_TAG_CK, R_BAD_TAG, R_NOT_NMEA, R_BINARY = 6, 7, 8, 9, 10, 11
R_FRAGMENT_TIMEOUT, R_LINE_TOO_LONG = 12, 16

BACKSLASH, BANG, DOLLAR, STAR, COMMA, COLON = 92, 33, 36, 42, 44, 58


@kernel
def _tag_block(buf, a, b, st):
    """Parse tag block text buf[a:b] (between the backslashes).

    Returns (error, time_us, src, group_total, group_id_hash)."""
    star = -1
    for i in range(b - 1, a - 1, -1):
        if buf[i] == STAR:
            star = i
            break
    if star < 0:
        return R_BAD_TAG, NONE, -1, 0, 0
    ck = 0
    for i in range(a, star):
        ck ^= buf[i]
    bad_ck = (b - star != 3 or hex_value(buf[star + 1]) < 0 or hex_value(buf[star + 2]) < 0
              or ck != hex_value(buf[star + 1]) * 16 + hex_value(buf[star + 2]))
    time_us, src, gtot, gid = NONE, -1, 0, 0
    p = a
    while p < star:
        q = p
        while q < star and buf[q] != COMMA:
            q += 1
        colon = p
        while colon < q and buf[colon] != COLON:
            colon += 1
        if colon < q:
            if colon == p + 1 and buf[p] == 99:  # c: receive time
                time_us = epoch_us(buf, colon + 1, q)
            elif colon == p + 1 and buf[p] == 115:  # s: source
                src = source_index(st, buf, colon + 1, q)
            elif colon == p + 1 and buf[p] == 103:  # g: n-m-id
                d1 = colon + 1
                while d1 < q and buf[d1] != 45:
                    d1 += 1
                d2 = d1 + 1
                while d2 < q and buf[d2] != 45:
                    d2 += 1
                if d2 < q:
                    gtot = max(parse_uint(buf, d1 + 1, d2), 0)
                    gid = nonzero_key(fnv(buf, d2 + 1, q, FNV_OFFSET))
            else:  # NMEA 4.0 style nGm:id
                g = p
                while g < colon and buf[g] != 71:  # 'G'
                    g += 1
                if p < g < colon - 1:
                    gtot = max(parse_uint(buf, g + 1, colon), 0)
                    gid = nonzero_key(fnv(buf, colon + 1, q, FNV_OFFSET))
        p = q + 1
    return (R_BAD_TAG_CK if bad_ck else 0), time_us, src, gtot, gid


@kernel
def _pghp_time(buf, a, b, v):
    """Time of a Gatehouse '$PGHP,1,yyyy,mm,dd,hh,mm,ss,ms,...' line, or NONE.

    buf[a:b] starts at 'PGHP' (field 0), so the year is field 2."""
    for k in range(9):
        v[k] = 0
    p, k = a, 0
    while p < b and k < 9:
        q = p
        while q < b and buf[q] != COMMA and buf[q] != STAR:
            q += 1
        v[k] = parse_uint(buf, p, q) if k else 0
        k += 1
        p = q + 1
    if k < 9 or v[1] != 1 or v[8] < 0:
        return NONE
    return civil_us(v[2], v[3], v[4], v[5], v[6], v[7], v[8] * 1000)


@kernel
def _skip_line(st, kind):
    st[0][K_SKIP + kind] += 1


@kernel
def _fragment_key(base, chan, seq, count):
    return nonzero_key(((base * np.uint64(1000003) + np.uint64(chan)) * np.uint64(1009)
                        + np.uint64(seq)) * np.uint64(11) + np.uint64(count))


@kernel
def _untagged_key(st, key, chan, seq, count, num):
    """Key for a later fragment with neither an s: field nor a group. Unless an untagged
    message of its own waits, it joins the newest pending message with the same sequence
    id, channel and count from a tagged receiver that still lacks this part: some feeds
    tag only the first fragment."""
    ctx, sl_key, sl_mask, sl_rec, sl_src, active = st[1], st[2], st[4], st[6], st[7], st[14]
    found, newest = key, -1
    for j in range(ctx[X_N_ACTIVE]):
        s = active[j]
        if sl_key[s] == key:
            return key
        if sl_src[s] >= 0 and not sl_mask[s] & (1 << (num - 1)) and sl_rec[s] > newest:
            cand = _fragment_key(np.uint64(sl_src[s] + 2), chan, seq, count)
            if cand == sl_key[s]:
                found, newest = cand, sl_rec[s]
    return found


@kernel
def _sentence(buf, p, le, st, out, line, rec_start, time_us, src, gtot, gid):
    """Frame the sentence at buf[p] ('!' or '$'); returns the index after it."""
    counters, ctx = st[0], st[1]
    star, ck = -1, 0
    commas = out[13]
    nc = 0
    q = p + 1
    while q < le:
        c = buf[q]
        if c == STAR:
            star = q
            break
        if c == BACKSLASH or (c == BANG and q > p + 1):
            break  # the next record starts: this one lost its checksum
        if c == COMMA:
            if nc < 8:
                commas[nc] = q
            nc += 1
        ck ^= c
        q += 1
    end = star + 3 if star >= 0 else q
    end = min(end, le)
    is_vdm = (p + 6 < le and buf[p + 6] == COMMA and buf[p + 3] == 86
              and buf[p + 4] == 68 and (buf[p + 5] == 77 or buf[p + 5] == 79))  # VDM / VDO
    if not is_vdm:
        kind = S_PROPRIETARY if p + 1 < le and buf[p + 1] == 80 else S_OTHER_NMEA  # '$P...'
        if kind == S_PROPRIETARY and p + 5 < le and buf[p + 2] == 71 and buf[p + 3] == 72 \
                and buf[p + 4] == 80:  # $PGHP carries the time of the next sentence
            ctx[X_PGHP_TIME] = _pghp_time(buf, p + 1, end, out[14])
        _skip_line(st, kind)
        return end
    if star < 0:
        add_reject(out, counters, line, R_NO_CHECKSUM, buf, rec_start, end)
        return end
    if star + 2 >= le + 0 or hex_value(buf[star + 1]) < 0 or hex_value(buf[star + 2]) < 0 \
            or ck != hex_value(buf[star + 1]) * 16 + hex_value(buf[star + 2]):
        add_reject(out, counters, line, R_BAD_CHECKSUM, buf, rec_start, end)
        return end
    if nc != 6:
        add_reject(out, counters, line, R_MALFORMED, buf, rec_start, end)
        return end
    count = parse_uint(buf, commas[0] + 1, commas[1])
    num = parse_uint(buf, commas[1] + 1, commas[2])
    seq = parse_uint(buf, commas[2] + 1, commas[3]) if commas[3] > commas[2] + 1 else 0
    chan_len = commas[4] - commas[3] - 1
    pa, pb = commas[4] + 1, commas[5]
    if count < 1 or count > MAX_PARTS or num < 1 or num > count or seq < 0 or chan_len > 1:
        add_reject(out, counters, line, R_BAD_FRAGMENT, buf, rec_start, end)
        return end
    fill = 0 if star == commas[5] + 1 else parse_uint(buf, commas[5] + 1, star)
    if fill < 0 or fill > 5:
        add_reject(out, counters, line, R_BAD_FILL, buf, rec_start, end)
        return end
    if pb <= pa:
        add_reject(out, counters, line, R_EMPTY, buf, rec_start, end)
        return end
    for i in range(pa, pb):
        if not armour_ok(buf[i]):
            add_reject(out, counters, line, R_BAD_CHAR, buf, rec_start, end)
            return end
    if time_us == NONE:
        time_us = ctx[X_PGHP_TIME]
    ctx[X_PGHP_TIME] = NONE
    if count == 1:
        if pb - pa > 4 * PAYLOAD_CAP:
            add_reject(out, counters, line, R_LINE_TOO_LONG, buf, rec_start, end)
        else:
            emit_single(st, out, buf, pa, pb, fill, time_us, src, line, rec_start, end)
        return end
    # A tag-block group ties fragments whose later parts carry no s: field; the group
    # id alone is not enough, as some feeds reuse one id for every group.
    chan = buf[commas[3] + 1] if chan_len == 1 else 0
    base = np.uint64(gid) * np.uint64(31) + np.uint64(gtot) if gtot > 1 else np.uint64(src + 2)
    key = _fragment_key(base, chan, seq, count)
    if ctx[X_N_ACTIVE] > 0:
        expire(st, out, time_us, ctx[X_REC_ORD], False, R_FRAGMENT_TIMEOUT)
    if num > 1 and src < 0 and gtot <= 1:
        key = _untagged_key(st, key, chan, seq, count, num)
    fragment(st, out, buf, pa, pb, fill, count, num, key, time_us, src, line,
             rec_start, end, ctx[X_REC_ORD])
    return end


@kernel
def _trailer_time(buf, a, b):
    """A Unix time in the last all-digit comma field after a checksum (',1357134218')."""
    t = NONE
    p = a
    while p < b:
        q = p
        while q < b and buf[q] != COMMA:
            q += 1
        if q - p == 10 or q - p == 13:
            v = epoch_us(buf, p, q)
            if v != NONE:
                t = v
        p = q + 1
    return t


@kernel
def _opens_tag_block(buf, p, le):
    """True when the backslash at p opens a tag block: '\\...*hh\\' then a sentence."""
    q = p + 1
    while q < le and buf[q] != BACKSLASH:
        q += 1
    return q + 1 < le and q - p >= 3 and (buf[q - 3] == STAR or buf[q - 2] == STAR) and (
        buf[q + 1] == BANG or buf[q + 1] == DOLLAR or buf[q + 1] == BACKSLASH)


@kernel
def _line(buf, ls, le, st, out):
    counters, ctx = st[0], st[1]
    line = ctx[X_LINE]
    c0 = buf[ls]
    if c0 == 35:  # '#'
        counters[K_RECORDS] += 1
        _skip_line(st, S_COMMENT)
        return
    if le - ls > MAX_LINE:
        counters[K_RECORDS] += 1
        add_reject(out, counters, line, R_LINE_TOO_LONG, buf, ls, min(le, ls + RAW_CAP))
        return
    p = ls
    prefix_time = NONE
    if 48 <= c0 <= 57:  # a receive time before the sentence
        t, q = iso_prefix_us(buf, ls, le)
        if t == NONE:
            q = ls
            while q < le and (48 <= buf[q] <= 57 or buf[q] == 46):
                q += 1
            t = epoch_us(buf, ls, q)
        if t != NONE and q < le and is_separator(buf[q]):
            while q < le and is_separator(buf[q]):
                q += 1
            prefix_time, p = t, q
    carry = ctx[X_CARRY_VALID] == 1
    ctx[X_CARRY_VALID] = 0
    n_rec = 0
    while p < le:
        c = buf[p]
        if c != BACKSLASH and c != BANG and c != DOLLAR:
            if n_rec == 0:
                kind = R_BINARY if has_binary(buf, p, le) else R_NOT_NMEA
                add_reject(out, counters, line, kind, buf, ls, le)
                counters[K_RECORDS] += 1
            return  # anything after the last sentence is a trailer (time parsed there)
        if n_rec:
            counters[K_EXTRA_RECORDS] += 1
        counters[K_RECORDS] += 1
        ctx[X_REC_ORD] += 1
        n_rec += 1
        rec_start = ls if n_rec == 1 else p
        time_us, src, gtot, gid = NONE, -1, 0, 0
        err = 0
        while p < le and buf[p] == BACKSLASH:
            q = p + 1
            while q < le and buf[q] != BACKSLASH:
                q += 1
            if q >= le:
                err = R_BAD_TAG
                break
            e, t, s, g, gi = _tag_block(buf, p + 1, q, st)
            if e == R_BAD_TAG_CK and ctx[X_STRICT_TAG] == 0:
                # Some feeds checksum only part of the block (the Norwegian one leaves
                # out g:); the sentence has its own checksum, so keep it and count it.
                counters[K_WARN_TAG_CHECKSUM] += 1
                e = 0
            if e:
                err = e
                break
            if t != NONE:
                time_us = t
            if s >= 0:
                src = s
            if g:
                gtot, gid = g, gi
            p = q + 1
        if err:
            q = p + 1
            while q < le and buf[q] != BACKSLASH and buf[q] != BANG:
                q += 1
            if q < le and buf[q] == BACKSLASH:
                q += 1
            while q < le and buf[q] != BACKSLASH:
                q += 1  # skip the sentence that followed the bad tag block
            add_reject(out, counters, line, err, buf, rec_start, q)
            p = q
            continue
        if p >= le:  # only a tag block: it belongs to the sentence on the next line
            ctx[X_CARRY_VALID] = 1
            ctx[X_CARRY_TIME], ctx[X_CARRY_SRC] = time_us, src
            ctx[X_CARRY_GTOT], ctx[X_CARRY_GID] = gtot, gid
            _skip_line(st, S_TAG_ONLY)
            return
        if carry and n_rec == 1 and time_us == NONE and src < 0:
            time_us, src = ctx[X_CARRY_TIME], ctx[X_CARRY_SRC]
            gtot, gid = ctx[X_CARRY_GTOT], ctx[X_CARRY_GID]
        if buf[p] == BACKSLASH:
            continue
        if time_us == NONE:
            time_us = prefix_time
        if time_us == NONE and buf[le - 3] != STAR:  # a line ending in *hh has no trailer
            q = p
            while q < le and buf[q] != STAR:
                q += 1
            nxt = q + 3
            while nxt < le and buf[nxt] != BACKSLASH and buf[nxt] != BANG:
                nxt += 1
            time_us = _trailer_time(buf, min(q + 3, le), nxt)
        p = _sentence(buf, p, le, st, out, line, rec_start, time_us, src, gtot, gid)
        while p < le:  # to the next record; what lies between is a trailer
            c = buf[p]
            if c == BACKSLASH:
                if _opens_tag_block(buf, p, le):
                    break
            elif c == BANG or c == DOLLAR:  # noqa: SIM109 (Numba: plain compares)
                break
            p += 1  # e.g. a line break written out as text ("\\r\\n") between sentences
        if n_rec >= MAX_RECORDS_PER_LINE and p < le:
            add_reject(out, counters, line, R_LINE_TOO_LONG, buf, p, le)
            counters[K_RECORDS] += 1
            counters[K_EXTRA_RECORDS] += 1
            return


@kernel
def frame(buf, pos, end, final, st, out):
    """Frame complete lines of buf[pos:end]; returns where it stopped.

    Stops early, at a line boundary, when the output buffers are nearly full."""
    counters, ctx = st[0], st[1]
    n = out[12]
    m_cap, mb_cap, raw_cap = out[1].shape[0] - 1, out[0].shape[0], out[6].shape[0]
    r_cap, rb_cap = out[8].shape[0], out[10].shape[0]
    recs = MAX_RECORDS_PER_LINE
    while pos < end:
        if (n[0] + recs >= m_cap or out[1][n[0]] + recs * MAX_PARTS * PAYLOAD_CAP * 4 >= mb_cap
                or out[7][n[0]] + recs * (MAX_PARTS + 1) * RAW_CAP >= raw_cap
                or n[1] + recs * (MAX_PARTS + 2) >= r_cap
                or out[11][n[1]] + recs * (MAX_PARTS + 2) * RAW_CAP >= rb_cap):
            return pos
        nl = pos
        while nl < end and buf[nl] != 10:
            nl += 1
        if nl == end and not final:
            return pos
        ls, le = pos, nl
        pos = nl + 1
        counters[K_LINES] += 1
        ctx[X_LINE] += 1
        while ls < le and (buf[ls] == 32 or buf[ls] == 9):
            ls += 1
        while le > ls and (buf[le - 1] == 13 or buf[le - 1] == 32 or buf[le - 1] == 9):
            le -= 1
        if le == ls:
            counters[K_RECORDS] += 1
            _skip_line(st, S_BLANK)
            continue
        _line(buf, ls, le, st, out)
        if ctx[X_N_ACTIVE] > 0 and (ctx[X_LINE] & 255) == 0:
            expire(st, out, NONE, ctx[X_REC_ORD], False, R_FRAGMENT_TIMEOUT)
    return min(pos, end)
