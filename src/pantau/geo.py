"""Distances on the sphere, shared by tracks, zones and detectors (Numba-compiled).

One sphere for the whole system: the IUGG mean Earth radius. Its error against the
ellipsoid (under 0.5%) is far below what any threshold here can tell apart.
"""

from __future__ import annotations

import math

from numba import njit

EARTH_RADIUS_M = 6_371_008.8
#: metres per degree of latitude (and of longitude at the equator) on that sphere
M_PER_DEG = EARTH_RADIUS_M * math.pi / 180.0
#: knots per metre per second (1 kn = 1852 m / 3600 s)
KN_PER_MS = 3600.0 / 1852.0


@njit(cache=True, nogil=True, inline="always")
def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Metres along the sphere between two points given in degrees."""
    p1 = math.radians(lat1)
    p2 = math.radians(lat2)
    s_lat = math.sin(0.5 * (p2 - p1))
    s_lon = math.sin(0.5 * math.radians(lon2 - lon1))
    a = s_lat * s_lat + math.cos(p1) * math.cos(p2) * s_lon * s_lon
    return 2.0 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))
