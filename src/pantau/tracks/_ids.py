"""Segment ids: a 63-bit hash of a segment's first point, the same on every run.

The id hashes (mmsi, received_at in microseconds, lon, lat) with the splitmix64 finaliser
(S. Vigna), so it depends on nothing but the data: re-running over the same positions, in
one call or many, gives the same ids, and a store can upsert by id. Position is part of
the key because one MMSI used by two transmitters can open two segments in the same
second (receive times are often whole seconds). The top bit is cleared so the id fits a
signed int64 column in every database.
"""

from __future__ import annotations

import struct

import numpy as np
from numba import njit

_MASK64 = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_M1, _M2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB


def _mix_py(z: int) -> int:
    z = ((z ^ (z >> 30)) * _M1) & _MASK64
    z = ((z ^ (z >> 27)) * _M2) & _MASK64
    return z ^ (z >> 31)


def _bits_py(x: float) -> int:
    return int(struct.unpack("<Q", struct.pack("<d", x + 0.0))[0])  # +0.0: -0.0 -> 0.0


def segment_id_of(mmsi: int, received_at_us: int, lon: float, lat: float) -> int:
    """The id of a segment whose first point is this one (pure Python, for checks)."""
    h = _mix_py((mmsi + _GOLDEN) & _MASK64)
    h = _mix_py(h ^ (received_at_us & _MASK64))
    h = _mix_py(h ^ _bits_py(lon))
    h = _mix_py(h ^ _bits_py(lat))
    return h >> 1


_G = np.uint64(_GOLDEN)
_U1, _U2 = np.uint64(_M1), np.uint64(_M2)


@njit(cache=True, nogil=True)
def _mix(z):  # type: ignore[no-untyped-def]
    z = (z ^ (z >> np.uint64(30))) * _U1
    z = (z ^ (z >> np.uint64(27))) * _U2
    return z ^ (z >> np.uint64(31))


@njit(cache=True, nogil=True)
def segment_id(mmsi, t_us, lon, lat, scratch):  # type: ignore[no-untyped-def]
    """Numba twin of :func:`segment_id_of`; scratch: a float64[2] buffer to read bits."""
    scratch[0] = lon + 0.0
    scratch[1] = lat + 0.0
    bits = scratch.view(np.uint64)
    h = _mix(np.uint64(mmsi) + _G)
    h = _mix(h ^ np.uint64(t_us))
    h = _mix(h ^ bits[0])
    h = _mix(h ^ bits[1])
    return np.int64(h >> np.uint64(1))
