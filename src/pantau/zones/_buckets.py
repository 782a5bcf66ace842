"""The two-pass bucket fill shared by the zone grid and the coastline index."""

from __future__ import annotations

import numba as nb

from pantau.zones._arrays import I64


@nb.njit(cache=True, nogil=True, inline="always")
def bucket_item(c: int, k: int, writing: bool, counts: I64, pos: I64, out: I64) -> None:
    """Pass 1 counts item k in bucket c; pass 2 (``writing``) stores its id at the bucket's
    next free place, so ``out`` holds each bucket's ids contiguously."""
    if writing:
        out[pos[c]] = k
        pos[c] += 1
    else:
        counts[c] += 1
