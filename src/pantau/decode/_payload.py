"""Numba kernel: 6-bit payloads to table rows, driven by the compiled specs of specs.py."""

from __future__ import annotations

import numpy as np

from pantau.decode._lex import kernel, sixbit
from pantau.decode._state import K_DECODED, K_REJECT

# Layout ids (pantau.decode.specs.Layout) and kinds
L_POS_A, L_POS_B, L_POS_B_EXT, L_LONG, L_VOYAGE = 0, 1, 2, 3, 4
L_24A, L_24B, L_24B_AUX, L_STATION, L_AID, L_OTHER = 5, 6, 7, 8, 9, 10
K_SIGNED, K_BOOL, K_TEXT = 1, 2, 3
R_TOO_SHORT, R_UNKNOWN_TYPE = 17, 18
N_TABLES = 5


@kernel
def bits(buf, a, start, width):
    """Unsigned value of `width` bits at bit `start` of the armoured payload at buf[a:]."""
    first = start // 6
    last = (start + width - 1) // 6
    v = np.uint64(0)
    for k in range(first, last + 1):
        v = (v << np.uint64(6)) | np.uint64(sixbit(buf[a + k]))
    extra = (last + 1) * 6 - (start + width)
    v >>= np.uint64(extra)
    return np.int64(v & ((np.uint64(1) << np.uint64(width)) - np.uint64(1)))


N_WORDS = 8  # 512 bits unpacked per message: past every field of every layout


@kernel
def unpack(buf, a, b, words):
    """The first 512 bits of the payload at buf[a:b] into big-endian uint64 words."""
    for k in range(N_WORDS + 1):
        words[k] = 0
    n = min(b - a, N_WORDS * 64 // 6)
    for k in range(n):
        v = np.uint64(sixbit(buf[a + k]))
        bit = 6 * k  # the 6 bits go to bit positions bit..bit+5 (MSB first)
        wi = bit >> 6
        off = bit & 63
        if off <= 58:
            words[wi] |= v << np.uint64(58 - off)
        else:
            words[wi] |= v >> np.uint64(off - 58)
            words[wi + 1] |= v << np.uint64(122 - off)


@kernel
def wbits(words, start, width):
    wi = start >> 6
    off = start & 63
    hi = words[wi] << np.uint64(off)
    if off:
        hi |= words[wi + 1] >> np.uint64(64 - off)
    return np.int64(hi >> np.uint64(64 - width))


@kernel
def layout_of(buf, a, nbits, mtype):
    if mtype == 1 or mtype == 2 or mtype == 3:
        return L_POS_A
    if mtype == 18:
        return L_POS_B
    if mtype == 19:
        return L_POS_B_EXT
    if mtype == 27:
        return L_LONG
    if mtype == 5:
        return L_VOYAGE
    if mtype == 4 or mtype == 11:
        return L_STATION
    if mtype == 21:
        return L_AID
    if mtype == 24 and nbits >= 40:
        part = bits(buf, a, 38, 2)
        if part == 0:
            return L_24A
        if part == 1:
            # auxiliary craft (MMSI 98MIDxxxx) carry the mother ship's MMSI instead of size
            return L_24B_AUX if bits(buf, a, 8, 30) // 10_000_000 == 98 else L_24B
    return L_OTHER


@kernel
def _new_row(t, i, n_rows, vals, row_tab, row_msg, txt_len):
    r = n_rows
    vals[r, :] = np.nan
    txt_len[r, :] = -1
    row_tab[r] = t
    row_msg[r] = i
    return r


@kernel
def decode_payloads(m_buf, m_off, m_fill, n, specs, vals, row_tab, row_msg,
                    txt, txt_len, m_status, m_type, counters, row_of, words):
    """Decode messages 0..n-1 into rows; m_status[i] is 0 or a reject code."""
    first, table, column, start, width, kind, scale, na, has_na, min_bits = specs
    n_rows = 0
    for i in range(n):
        a, b = m_off[i], m_off[i + 1]
        nbits = 6 * (b - a) - m_fill[i]
        mtype = sixbit(m_buf[a]) if b > a else 0
        m_type[i] = mtype
        if mtype == 0 or mtype > 27:
            m_status[i] = R_UNKNOWN_TYPE
            counters[K_REJECT + R_UNKNOWN_TYPE] += 1
            continue
        lay = layout_of(m_buf, a, nbits, mtype)
        if nbits < min_bits[lay]:
            m_status[i] = R_TOO_SHORT
            counters[K_REJECT + R_TOO_SHORT] += 1
            continue
        m_status[i] = 0
        counters[K_DECODED] += 1
        unpack(m_buf, a, b, words)
        row_of[:] = -1
        for f in range(first[lay], first[lay + 1]):
            t = table[f]
            r = row_of[t]
            if r < 0:
                r = _new_row(t, i, n_rows, vals, row_tab, row_msg, txt_len)
                row_of[t] = r
                n_rows += 1
            s, w, c = start[f], width[f], column[f]
            if kind[f] == K_TEXT:
                length = 0
                for k in range(w // 6):
                    if s + 6 * k + 6 > nbits:
                        break
                    ch = wbits(words, s + 6 * k, 6)
                    if ch == 0:  # '@' ends the text
                        break
                    txt[r, c, length] = ch + 64 if ch < 32 else ch
                    length += 1
                lo = 0
                while lo < length and txt[r, c, lo] == 32:
                    lo += 1
                while length > lo and txt[r, c, length - 1] == 32:
                    length -= 1
                if lo:
                    for k in range(length - lo):
                        txt[r, c, k] = txt[r, c, lo + k]
                txt_len[r, c] = length - lo if length > lo else -1
                continue
            if s + w > nbits:
                continue  # beyond a short payload: null
            v = wbits(words, s, w)
            if kind[f] == K_SIGNED and v >= (1 << (w - 1)):
                v -= 1 << w
            if has_na[f] and v == na[f]:
                continue
            vals[r, c] = v / scale[f]  # division rounds correctly, 0.1 * v does not
    return n_rows
