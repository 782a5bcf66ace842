"""Small spherical-earth helpers shared by labelling, distances and the reference data.

A sphere of the IUGG mean radius is used throughout: at the sizes pantau works with (a port
circle, 20 nm from shore) the ellipsoid changes distances by well under 0.5 %.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from pantau.geo import EARTH_RADIUS_M, M_PER_DEG, haversine_m  # noqa: F401 (re-exported)

F64 = npt.NDArray[np.float64]


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
