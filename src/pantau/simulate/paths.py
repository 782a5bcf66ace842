"""Polylines in lon/lat: lengths, bearings, rounded corners, lateral offsets.

Distances use a local equirectangular metric (metres east = degrees of longitude times
cos(latitude)), which over the few tens of kilometres of one segment is within a fraction
of a per cent of the great circle; that is far below what the scenario needs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pantau.geo import M_PER_DEG

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
Point = tuple[float, float]

#: degrees of arc between the points that draw a rounded corner
_ARC_STEP_DEG = 5.0


def distance_m(lon1: F64 | float, lat1: F64 | float, lon2: F64 | float,
               lat2: F64 | float) -> F64:
    """Local equirectangular distance in metres (vectorised)."""
    mid = np.radians(0.5 * (np.asarray(lat1) + np.asarray(lat2)))
    dx = (np.asarray(lon2) - np.asarray(lon1)) * np.cos(mid)
    dy = np.asarray(lat2) - np.asarray(lat1)
    return np.asarray(np.hypot(dx, dy) * M_PER_DEG, dtype=np.float64)


def bearing_deg(lon1: F64 | float, lat1: F64 | float, lon2: F64 | float,
                lat2: F64 | float) -> F64:
    """Course from point 1 to point 2, degrees clockwise from north in [0, 360)."""
    mid = np.radians(0.5 * (np.asarray(lat1) + np.asarray(lat2)))
    dx = (np.asarray(lon2) - np.asarray(lon1)) * np.cos(mid)
    dy = np.asarray(lat2) - np.asarray(lat1)
    return np.asarray(np.degrees(np.arctan2(dx, dy)) % 360.0, dtype=np.float64)


def move(lon: F64 | float, lat: F64 | float, course_deg: F64 | float,
         dist_m: F64 | float) -> tuple[F64, F64]:
    """The point ``dist_m`` along ``course_deg`` from (lon, lat)."""
    c = np.radians(np.asarray(course_deg))
    d = np.asarray(dist_m) / M_PER_DEG
    lat2 = np.asarray(lat) + d * np.cos(c)
    mid = np.radians(0.5 * (np.asarray(lat) + lat2))
    lon2 = np.asarray(lon) + d * np.sin(c) / np.cos(mid)
    return np.asarray(lon2, np.float64), np.asarray(lat2, np.float64)


def angle_diff(a: F64 | float, b: F64 | float) -> F64:
    """Signed smallest difference b - a in degrees, in (-180, 180]."""
    d = (np.asarray(b) - np.asarray(a) + 180.0) % 360.0 - 180.0
    return np.asarray(np.where(d == -180.0, 180.0, d), dtype=np.float64)


@dataclass(frozen=True)
class Path:
    """A polyline with its cumulative length ``s_m`` and per-segment bearing."""

    lon: F64
    lat: F64
    s_m: F64
    bearing: F64  # one per segment
    turn_per_m: F64  # signed course change per metre at each vertex (deg/m), for ROT

    @property
    def length_m(self) -> float:
        return float(self.s_m[-1])

    @staticmethod
    def of(points: Sequence[Point] | F64) -> Path:
        xy = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        keep = np.ones(len(xy), np.bool_)
        keep[1:] = np.any(np.abs(np.diff(xy, axis=0)) > 1e-12, axis=1)
        xy = xy[keep]
        if len(xy) < 2:
            raise ValueError("a path needs two distinct points")
        lon, lat = np.ascontiguousarray(xy[:, 0]), np.ascontiguousarray(xy[:, 1])
        seg = distance_m(lon[:-1], lat[:-1], lon[1:], lat[1:])
        s = np.concatenate([[0.0], np.cumsum(seg)])
        brg = bearing_deg(lon[:-1], lat[:-1], lon[1:], lat[1:])
        turn = np.zeros(len(lon))
        if len(brg) > 1:
            span = 0.5 * (seg[:-1] + seg[1:])
            turn[1:-1] = angle_diff(brg[:-1], brg[1:]) / np.maximum(span, 1.0)
        return Path(lon, lat, s, brg, turn)

    def at(self, s: F64) -> tuple[F64, F64, F64, F64]:
        """lon, lat, course (deg) and turn (deg per metre) at distances ``s`` along."""
        s = np.clip(s, 0.0, self.length_m)
        lon = np.interp(s, self.s_m, self.lon)
        lat = np.interp(s, self.s_m, self.lat)
        seg = np.clip(np.searchsorted(self.s_m, s, side="right") - 1, 0, len(self.bearing) - 1)
        turn = np.interp(s, self.s_m, self.turn_per_m)
        return lon, lat, self.bearing[seg], turn

    def points(self) -> list[Point]:
        return list(zip(self.lon.tolist(), self.lat.tolist(), strict=True))


def _to_local(lon: float, lat: float, lon0: float, lat0: float) -> tuple[float, float]:
    return ((lon - lon0) * math.cos(math.radians(lat0)) * M_PER_DEG, (lat - lat0) * M_PER_DEG)


def _from_local(x: float, y: float, lon0: float, lat0: float) -> Point:
    return lon0 + x / (math.cos(math.radians(lat0)) * M_PER_DEG), lat0 + y / M_PER_DEG


def round_corners(points: Sequence[Point], radius_m: float) -> list[Point]:
    """The polyline with each interior corner replaced by a circular arc tangent to both
    legs (ships turn on an arc, not on a point). Where a leg is too short for the radius,
    the radius shrinks so the arc uses at most half of each leg."""
    pts = [(float(x), float(y)) for x, y in points]
    if len(pts) < 3 or radius_m <= 0:
        return pts
    out: list[Point] = [pts[0]]
    for k in range(1, len(pts) - 1):
        lon0, lat0 = pts[k]
        ax, ay = _to_local(*pts[k - 1], lon0, lat0)
        bx, by = _to_local(*pts[k + 1], lon0, lat0)
        la, lb = math.hypot(ax, ay), math.hypot(bx, by)
        if la < 1e-6 or lb < 1e-6:
            continue
        ux, uy = -ax / la, -ay / la  # direction of travel into the corner
        vx, vy = bx / lb, by / lb  # direction of travel out of it
        turn = math.atan2(ux * vy - uy * vx, ux * vx + uy * vy)  # + is to port (left)
        if abs(turn) < math.radians(0.5):
            out.append(pts[k])
            continue
        tangent = radius_m * math.tan(abs(turn) / 2)
        limit = 0.5 * min(la, lb)
        r = radius_m if tangent <= limit else limit / math.tan(abs(turn) / 2)
        t = r * math.tan(abs(turn) / 2)
        # arc centre: from the entry tangent point, perpendicular towards the inside
        px, py = -ux * t, -uy * t
        side = 1.0 if turn > 0 else -1.0
        cx, cy = px - side * uy * r, py + side * ux * r
        a0 = math.atan2(py - cy, px - cx)
        n = max(2, math.ceil(math.degrees(abs(turn)) / _ARC_STEP_DEG))
        for j in range(n + 1):
            a = a0 + side * abs(turn) * j / n
            out.append(_from_local(cx + r * math.cos(a), cy + r * math.sin(a), lon0, lat0))
    out.append(pts[-1])
    return out


def offset(points: Sequence[Point], right_m: float) -> list[Point]:
    """The polyline moved ``right_m`` metres to the right of its direction of travel
    (negative: to the left), each vertex along the bisector of its two legs."""
    pts = [(float(x), float(y)) for x, y in points]
    if right_m == 0 or len(pts) < 2:
        return pts
    lon = np.array([p[0] for p in pts])
    lat = np.array([p[1] for p in pts])
    brg = np.radians(bearing_deg(lon[:-1], lat[:-1], lon[1:], lat[1:]))
    out: list[Point] = []
    for k in range(len(pts)):
        b_in = brg[max(k - 1, 0)]
        b_out = brg[min(k, len(brg) - 1)]
        half = 0.5 * float(angle_diff(math.degrees(b_in), math.degrees(b_out)))
        normal = math.degrees(b_in) + half + 90.0  # right-hand normal of the bisector
        d = right_m / max(math.cos(math.radians(half)), 0.3)
        x, y = move(lon[k], lat[k], normal, d)
        out.append((float(x), float(y)))
    return out


def split_near(points: Sequence[Point], target: Point,
               step_m: float = 500.0) -> tuple[list[Point], list[Point]]:
    """Cut a polyline at its point nearest ``target`` (searched every ``step_m``):
    (the part before, ending at the cut; the part after, starting at it)."""
    path = Path.of(points)
    s = np.arange(0.0, path.length_m, step_m)
    lon, lat, _, _ = path.at(s)
    k = int(np.argmin(distance_m(lon, lat, target[0], target[1])))
    cut = (float(lon[k]), float(lat[k]))
    before = [p for p, sv in zip(path.points(), path.s_m, strict=True) if sv < s[k]]
    after = [p for p, sv in zip(path.points(), path.s_m, strict=True) if sv > s[k]]
    return [*before, cut], [cut, *after]
