"""Small byte-level helpers shared by the Numba kernels."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np
from numba import njit

from pantau.decode._state import NONE

F = TypeVar("F", bound=Callable[..., Any])


def kernel(fn: F) -> F:
    """Compile fn with Numba, cached, without reference counting.

    Reference counting (NRT) made every call that passes the state tuples incref and
    decref each array, about half of the framing time. Without it a kernel must not
    allocate (Numba refuses to compile one that does), so scratch arrays are passed in.
    `_nrt` is a private Numba option: if a Numba release drops it, importing this package
    fails loudly rather than silently slowing down. Kernels release the GIL, so a
    pipeline can decode in one thread while another writes what was decoded."""
    return cast(F, njit(cache=True, nogil=True, _nrt=False)(fn))  # type: ignore[call-overload]

FNV_OFFSET = np.uint64(0xCBF29CE484222325)
FNV_PRIME = np.uint64(0x100000001B3)


@kernel
def hex_value(c: int) -> int:
    if 48 <= c <= 57:
        return c - 48
    if 65 <= c <= 70:
        return c - 55
    if 97 <= c <= 102:
        return c - 87
    return -1


@kernel
def parse_uint(buf: np.ndarray, a: int, b: int) -> int:
    """Digits in buf[a:b] as an int; -1 when empty, not all digits or too long."""
    if b <= a or b - a > 18:
        return -1
    v = 0
    for i in range(a, b):
        c = buf[i]
        if c < 48 or c > 57:
            return -1
        v = v * 10 + (c - 48)
    return v


@kernel
def fnv(buf: np.ndarray, a: int, b: int, h: np.uint64) -> np.uint64:
    for i in range(a, b):
        h = (h ^ np.uint64(buf[i])) * FNV_PRIME
    return h


@kernel
def nonzero_key(h: np.uint64) -> int:
    k = np.int64(h)
    return 1 if k == 0 or k == NONE else int(k)


@kernel
def days_from_civil(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    if m <= 2:
        y -= 1
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    mp = (m + 9) % 12
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


@kernel
def civil_us(y: int, mo: int, d: int, h: int, mi: int, s: int, us: int) -> int:
    if y < 1970 or y > 2200 or mo < 1 or mo > 12 or d < 1 or d > 31:
        return NONE
    if h > 23 or mi > 59 or s > 60 or us < 0:
        return NONE
    return ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60_000_000 + s * 1_000_000 + us


@kernel
def epoch_us(buf: np.ndarray, a: int, b: int) -> int:
    """A Unix time in buf[a:b]: seconds (optionally with a fraction) or milliseconds."""
    dot = b
    for i in range(a, b):
        if buf[i] == 46:  # '.'
            dot = i
            break
    whole = parse_uint(buf, a, dot)
    if whole < 0:
        return NONE
    frac_us = 0
    if dot < b:
        scale = 100000
        for i in range(dot + 1, min(b, dot + 7)):
            c = buf[i]
            if c < 48 or c > 57:
                return NONE
            frac_us += (c - 48) * scale
            scale //= 10
    # Seconds until year 5138; past 1e11 the value can only be milliseconds.
    if whole >= 100_000_000_000:
        return whole * 1000 + frac_us // 1000
    return whole * 1_000_000 + frac_us


@kernel
def iso_prefix_us(buf: np.ndarray, a: int, b: int) -> tuple[int, int]:
    """'YYYY-MM-DD[T ]HH:MM:SS[.ffffff][Z]' at buf[a:]; returns (time_us, end) or (NONE, a)."""
    if b - a < 19 or buf[a + 4] != 45 or buf[a + 7] != 45:
        return NONE, a
    if buf[a + 10] != 84 and buf[a + 10] != 32:  # 'T' or ' '
        return NONE, a
    if buf[a + 13] != 58 or buf[a + 16] != 58:
        return NONE, a
    y = parse_uint(buf, a, a + 4)
    mo = parse_uint(buf, a + 5, a + 7)
    d = parse_uint(buf, a + 8, a + 10)
    h = parse_uint(buf, a + 11, a + 13)
    mi = parse_uint(buf, a + 14, a + 16)
    s = parse_uint(buf, a + 17, a + 19)
    if min(y, mo, d, h, mi, s) < 0:
        return NONE, a
    p = a + 19
    us = 0
    if p < b and buf[p] == 46:
        p += 1
        scale = 100000
        while p < b and 48 <= buf[p] <= 57:
            us += (buf[p] - 48) * scale
            scale //= 10
            p += 1
    if p < b and buf[p] == 90:  # 'Z'
        p += 1
    return civil_us(y, mo, d, h, mi, s, us), p


@kernel
def is_separator(c: int) -> bool:
    return c == 32 or c == 9 or c == 44 or c == 59  # space, tab, ',', ';'


@kernel
def has_binary(buf: np.ndarray, a: int, b: int) -> bool:
    for i in range(a, b):
        c = buf[i]
        if (c < 32 and c != 9) or c > 126:
            return True
    return False


@kernel
def sixbit(c: int) -> int:
    v = c - 48
    if v > 40:
        v -= 8
    return v


@kernel
def armour_ok(c: int) -> bool:
    return (48 <= c <= 87) or (96 <= c <= 119)
