"""Small spherical-earth helpers shared by labelling, distances and the reference data.

A sphere of the IUGG mean radius is used throughout: at the sizes pantau works with (a port
circle, 20 nm from shore) the ellipsoid changes distances by well under 0.5 %.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np
import numpy.typing as npt

EARTH_RADIUS_M = 6_371_008.8
#: metres per degree of latitude (and of longitude at the equator) on that sphere
M_PER_DEG = EARTH_RADIUS_M * math.pi / 180.0

F64 = npt.NDArray[np.float64]


@nb.njit(cache=True, inline="always")
def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1 = math.radians(lat1)
    p2 = math.radians(lat2)
    s_dp = math.sin(0.5 * (p2 - p1))
    s_dl = math.sin(0.5 * math.radians(lon2 - lon1))
    h = s_dp * s_dp + math.cos(p1) * math.cos(p2) * s_dl * s_dl
    return 2.0 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))


def circle_ring(lon: float, lat: float, radius_m: float, n_vertices: int = 72) -> F64:
    """A closed ring of ``n_vertices`` points at ``radius_m`` (great-circle) around a point.

    Used to publish point zones (James Shoal's 12 nm) as polygons other tools can draw.
    """
    if n_vertices < 3:
        raise ValueError("a circle ring needs at least 3 vertices")
    # counter-clockwise from east, as RFC 7946 wants exterior rings
    bearing = np.pi / 2.0 - np.linspace(0.0, 2.0 * np.pi, n_vertices, endpoint=False)
    delta = radius_m / EARTH_RADIUS_M
    p1 = math.radians(lat)
    l1 = math.radians(lon)
    p2 = np.arcsin(
        math.sin(p1) * math.cos(delta) + math.cos(p1) * math.sin(delta) * np.cos(bearing)
    )
    l2 = l1 + np.arctan2(
        np.sin(bearing) * math.sin(delta) * math.cos(p1),
        math.cos(delta) - math.sin(p1) * np.sin(p2),
    )
    ring = np.column_stack([np.degrees(l2), np.degrees(p2)])
    return np.vstack([ring, ring[:1]])
