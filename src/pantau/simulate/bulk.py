"""Bulk AIS output: position payloads packed and NMEA lines written by Numba kernels.

:func:`pantau.simulate.encode.encode_payload` builds one message at a time in Python,
which is right for the few static messages of a vessel but far too slow for the millions
of position reports of a two-day scenario. Here the raw field values of many messages
go in as one integer matrix and the same layouts (bit positions and widths from
:data:`pantau.decode.specs.LAYOUTS`) are packed into 6-bit armour in one pass; a second
kernel writes the tagged, checksummed lines straight into a byte buffer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np
import numpy.typing as npt

from pantau.decode.specs import DEG_1_10000_MIN, Layout
from pantau.simulate.encode import _FIELDS, ROT_FACTOR, STANDARD_BITS

U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

#: the columns of the raw value matrix, in order, for each position layout
POSITION_A_COLUMNS = ("msg_type", "repeat", "mmsi", "status", "turn", "speed", "accuracy",
                      "lon", "lat", "course", "heading", "second", "maneuver", "raim", "radio")
POSITION_B_COLUMNS = ("msg_type", "repeat", "mmsi", "speed", "accuracy", "lon", "lat",
                      "course", "heading", "second", "cs", "display", "dsc", "band", "msg22",
                      "assigned", "raim", "radio")

# line corruption modes
CLEAN = 0
BAD_CHECKSUM = 1
TRUNCATED = 2


@dataclass(frozen=True)
class BitLayout:
    starts: I64
    widths: I64
    nbits: int

    @property
    def nchars(self) -> int:
        return (self.nbits + 5) // 6


def bit_layout(layout: Layout, columns: tuple[str, ...]) -> BitLayout:
    """Start and width of each column of ``layout``, from the decoder's specs."""
    fields = _FIELDS[layout]
    return BitLayout(np.array([fields[c].start for c in columns], np.int64),
                     np.array([fields[c].width for c in columns], np.int64),
                     STANDARD_BITS[layout])


POSITION_A = bit_layout(Layout.POSITION_A, POSITION_A_COLUMNS)
POSITION_B = bit_layout(Layout.POSITION_B, POSITION_B_COLUMNS)


def raw_turn(rot_deg_min: F64) -> I64:
    """Rate of turn as its AIS raw value (ROT_AIS = 4.733 sqrt(deg/min), signed)."""
    raw = np.minimum(np.rint(ROT_FACTOR * np.sqrt(np.abs(rot_deg_min))), 126.0)
    return np.asarray(np.where(rot_deg_min < 0, -raw, raw), dtype=np.int64)


def raw_lonlat(deg: F64) -> I64:
    return np.asarray(np.rint(deg * DEG_1_10000_MIN), dtype=np.int64)


@nb.njit(cache=True, nogil=True)
def _pack(values, starts, widths, nbits, out):  # type: ignore[no-untyped-def]
    n, nf = values.shape
    nchars = out.shape[1]
    six = np.zeros(nchars, np.uint8)
    for i in range(n):
        six[:] = 0
        for f in range(nf):
            w = widths[f]
            v = np.uint64(values[i, f]) & ((np.uint64(1) << np.uint64(w)) - np.uint64(1))
            s = starts[f]
            for b in range(w):
                if (v >> np.uint64(w - 1 - b)) & np.uint64(1):
                    pos = s + b
                    six[pos // 6] |= np.uint8(1 << (5 - pos % 6))
        for c in range(nchars):
            x = six[c]
            out[i, c] = x + 48 if x < 40 else x + 56
    return nbits


def pack(values: I64, layout: BitLayout) -> U8:
    """Armoured payloads (one row of characters per message) of raw field values."""
    out = np.zeros((values.shape[0], layout.nchars), np.uint8)
    _pack(np.ascontiguousarray(values, np.int64), layout.starts, layout.widths,
          layout.nbits, out)
    return out


@nb.njit(cache=True, nogil=True, inline="always")
def _hex(v):  # type: ignore[no-untyped-def]
    return v + 48 if v < 10 else v + 55


@nb.njit(cache=True, nogil=True, inline="always")
def _put_uint(buf, p, v):  # type: ignore[no-untyped-def]
    k = 1
    x = v
    while x >= 10:
        x //= 10
        k += 1
    for j in range(k - 1, -1, -1):
        buf[p + j] = 48 + v % 10
        v //= 10
    return p + k


@nb.njit(cache=True, nogil=True)
def _write_lines(c_s, rx, pay_off, pay_len, fill, frag_n, frag_k, seq,  # type: ignore[no-untyped-def]
                 gid, chan, corrupt, cut, pool, rx_bytes, rx_off, talker, buf):
    """Write each line ``\\c:..,s:..[,g:k-n-id]*hh\\!AIVDM,n,k,seq,ch,payload,fill*hh``
    into buf; returns the bytes written. ``corrupt``: 1 alters one payload character
    after the checksum is computed, 2 cuts the line ``cut`` bytes into the sentence."""
    p = 0
    for i in range(c_s.shape[0]):
        # tag block
        buf[p] = 92  # '\'
        t0 = p + 1
        q = t0
        buf[q] = 99  # c
        buf[q + 1] = 58
        q = _put_uint(buf, q + 2, c_s[i])
        buf[q] = 44
        buf[q + 1] = 115  # s
        buf[q + 2] = 58
        q += 3
        for j in range(rx_off[rx[i]], rx_off[rx[i] + 1]):
            buf[q] = rx_bytes[j]
            q += 1
        if frag_n[i] > 1:
            buf[q] = 44
            buf[q + 1] = 103  # g
            buf[q + 2] = 58
            q = _put_uint(buf, q + 3, frag_k[i])
            buf[q] = 45
            q = _put_uint(buf, q + 1, frag_n[i])
            buf[q] = 45
            q = _put_uint(buf, q + 1, gid[i])
        ck = 0
        for j in range(t0, q):
            ck ^= buf[j]
        buf[q] = 42
        buf[q + 1] = _hex(ck >> 4)
        buf[q + 2] = _hex(ck & 15)
        buf[q + 3] = 92
        q += 4
        # sentence
        s0 = q
        buf[q] = 33  # '!'
        q += 1
        b0 = q
        for j in range(talker.shape[0]):
            buf[q] = talker[j]
            q += 1
        buf[q] = 44
        q = _put_uint(buf, q + 1, frag_n[i])
        buf[q] = 44
        q = _put_uint(buf, q + 1, frag_k[i])
        buf[q] = 44
        q += 1
        if seq[i] >= 0:
            q = _put_uint(buf, q, seq[i])
        buf[q] = 44
        buf[q + 1] = chan[i]
        buf[q + 2] = 44
        q += 3
        pstart = q
        for j in range(pay_off[i], pay_off[i] + pay_len[i]):
            buf[q] = pool[j]
            q += 1
        buf[q] = 44
        q = _put_uint(buf, q + 1, fill[i])
        ck = 0
        for j in range(b0, q):
            ck ^= buf[j]
        buf[q] = 42
        buf[q + 1] = _hex(ck >> 4)
        buf[q + 2] = _hex(ck & 15)
        q += 3
        if corrupt[i] == 1:
            k = pstart + cut[i] % max(pay_len[i], 1)
            x = buf[k]
            buf[k] = 48 if x != 48 else 49  # stays in the armour: only the checksum tells
        elif corrupt[i] == 2:
            q = min(q, s0 + max(cut[i], 1))
        buf[q] = 10
        p = q + 1
    return p


@dataclass
class Lines:
    """Everything needed to write a batch of lines, one entry per line, in file order."""

    c_s: I64
    rx: npt.NDArray[np.int32]
    pay_off: I64
    pay_len: npt.NDArray[np.int32]
    fill: npt.NDArray[np.int8]
    frag_n: npt.NDArray[np.int8]
    frag_k: npt.NDArray[np.int8]
    seq: npt.NDArray[np.int8]
    gid: I64
    chan: U8
    corrupt: npt.NDArray[np.int8]
    cut: npt.NDArray[np.int32]

    def __len__(self) -> int:
        return int(self.c_s.shape[0])

    def take(self, idx: npt.NDArray[np.int64] | slice) -> Lines:
        return Lines(*(getattr(self, f)[idx] for f in _LINE_FIELDS))


_LINE_FIELDS = ("c_s", "rx", "pay_off", "pay_len", "fill", "frag_n", "frag_k", "seq", "gid",
                "chan", "corrupt", "cut")
#: bytes a line can need beyond its payload and receiver id
_LINE_OVERHEAD = 96


def write_lines(lines: Lines, pool: U8, receiver_ids: list[str],
                talker: str = "AIVDM") -> bytes:
    """The lines as bytes (newline-terminated)."""
    names = [r.encode("ascii") for r in receiver_ids]
    rx_off = np.zeros(len(names) + 1, np.int64)
    rx_off[1:] = np.cumsum([len(n) for n in names])
    rx_bytes = np.frombuffer(b"".join(names), np.uint8) if names else np.zeros(0, np.uint8)
    longest = max((len(n) for n in names), default=0)
    size = int(lines.pay_len.astype(np.int64).sum()) + len(lines) * (_LINE_OVERHEAD + longest)
    buf = np.empty(size, np.uint8)
    n = _write_lines(lines.c_s, lines.rx, lines.pay_off, lines.pay_len, lines.fill,
                     lines.frag_n, lines.frag_k, lines.seq, lines.gid, lines.chan,
                     lines.corrupt, lines.cut, pool, rx_bytes, rx_off,
                     np.frombuffer(talker.encode("ascii"), np.uint8), buf)
    return buf[:n].tobytes()
