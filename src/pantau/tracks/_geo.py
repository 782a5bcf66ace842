"""Great-circle distance, shared by the Numba kernels and their pure-Python oracles."""

from __future__ import annotations

import math

from numba import njit

#: Mean Earth radius (IUGG), metres: the haversine error against WGS84 stays under 0.5 %,
#: far below what the speed and gap thresholds can tell apart.
EARTH_RADIUS_M = 6_371_008.8
#: Knots per metre per second (1 kn = 1852 m / 3600 s).
KN_PER_MS = 3600.0 / 1852.0


@njit(cache=True, nogil=True)
def haversine_m(lon1, lat1, lon2, lat2):  # type: ignore[no-untyped-def]
    """Metres along the sphere between two points given in degrees."""
    p1 = math.radians(lat1)
    p2 = math.radians(lat2)
    s_lat = math.sin(0.5 * (p2 - p1))
    s_lon = math.sin(0.5 * math.radians(lon2 - lon1))
    a = s_lat * s_lat + math.cos(p1) * math.cos(p2) * s_lon * s_lon
    return 2.0 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))
