"""Numba kernels behind :class:`pantau.zones.label.ZoneIndex`.

Each polygonal zone gets a uniform grid over its bounding box. A cell no edge touches is
wholly inside or wholly outside (its centre says which, asked of shapely at build time). A
cell some edges touch keeps those edges and a reference point known to be inside or out;
a query point in it flips that answer once per edge crossing the segment from the point to
the reference. That segment never leaves the cell, so the cell's edges are the only ones
that can cross it. Crossings use the half-open rule of the classic crossing-number test
(a vertex on the line counts as lying on its negative side), so a path through a vertex is
counted once or twice, as it should be, never by accident.

Edge-to-cell assignment is conservative (cells are inflated by ``_EPS`` degrees): an extra
edge in a cell costs a little time, a missing one would give a wrong answer.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from pantau.geo import M_PER_DEG
from pantau.zones._arrays import F64, I64
from pantau.zones._buckets import bucket_item

#: degrees a cell is inflated by when assigning edges (far above float64 noise at |x| <= 180)
_EPS = 1e-9
OUTSIDE = -1
INSIDE = -2
POLYGON = 0
CIRCLE = 1


@nb.njit(cache=True, inline="always")
def _orient(ax: float, ay: float, bx: float, by: float, cx: float, cy: float) -> float:
    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)


@nb.njit(cache=True, nogil=True)
def _edge_touches(e: F64, bx0: float, by0: float, bx1: float, by1: float) -> bool:
    ax, ay, cx, cy = e[0], e[1], e[2], e[3]
    if max(ax, cx) < bx0 or min(ax, cx) > bx1 or max(ay, cy) < by0 or min(ay, cy) > by1:
        return False
    s0 = _orient(ax, ay, cx, cy, bx0, by0)
    s1 = _orient(ax, ay, cx, cy, bx1, by0)
    s2 = _orient(ax, ay, cx, cy, bx0, by1)
    s3 = _orient(ax, ay, cx, cy, bx1, by1)
    return not ((s0 > 0 and s1 > 0 and s2 > 0 and s3 > 0)
                or (s0 < 0 and s1 < 0 and s2 < 0 and s3 < 0))


@nb.njit(cache=True, nogil=True)
def _edge_cells(
    edges: F64, x0: float, y0: float, sx: float, sy: float, nx: int, ny: int,
    counts: I64, pos: I64, out: I64,
) -> None:
    """Pass 1 (``out`` empty): count edges per cell. Pass 2: write edge ids into ``out``."""
    writing = out.shape[0] > 0
    for k in range(edges.shape[0]):
        e = edges[k]
        i0 = max(0, math.floor((min(e[0], e[2]) - _EPS - x0) / sx))
        i1 = min(nx - 1, math.floor((max(e[0], e[2]) + _EPS - x0) / sx))
        j0 = max(0, math.floor((min(e[1], e[3]) - _EPS - y0) / sy))
        j1 = min(ny - 1, math.floor((max(e[1], e[3]) + _EPS - y0) / sy))
        for j in range(j0, j1 + 1):
            by0 = y0 + j * sy - _EPS
            by1 = y0 + (j + 1) * sy + _EPS
            for i in range(i0, i1 + 1):
                bx0 = x0 + i * sx - _EPS
                bx1 = x0 + (i + 1) * sx + _EPS
                if _edge_touches(e, bx0, by0, bx1, by1):
                    bucket_item(j * nx + i, k, writing, counts, pos, out)


@nb.njit(cache=True, nogil=True)
def _line_dist(px: float, py: float, e: F64) -> float:
    """Distance from a point to the whole line through an edge (to the vertex if degenerate)."""
    dx, dy = e[2] - e[0], e[3] - e[1]
    L = math.sqrt(dx * dx + dy * dy)
    if L == 0.0:
        return math.hypot(px - e[0], py - e[1])
    d: float = abs(_orient(e[0], e[1], e[2], e[3], px, py)) / L
    return d


@nb.njit(cache=True, nogil=True)
def reference_points(
    cells: I64, start: I64, edge_ids: I64, edges: F64, x0: float, y0: float,
    sx: float, sy: float, nx: int,
) -> F64:
    """A point per boundary cell away from the *lines* through all its edges.

    Clearing the lines, not just the edges, matters: were the reference on the extension
    of an edge, a query near that edge's end would test a segment collinear with it, and
    the sign of a zero orientation in floating point is noise. Candidates: the centre, then
    a low-discrepancy sequence over the cell; the first clear one wins, else the clearest.
    """
    out = np.empty((cells.shape[0], 2))
    clear = 1e-5 * min(sx, sy)
    for b in range(cells.shape[0]):
        c = cells[b]
        i, j = c % nx, c // nx
        best_x, best_y, best_d = 0.0, 0.0, -1.0
        for k in range(64):
            # k = 0 is the centre; then the additive recurrence of the plastic number
            fx = (0.5 + k * 0.7548776662466927) % 1.0
            fy = (0.5 + k * 0.5698402909980532) % 1.0
            rx = x0 + (i + 0.05 + 0.9 * fx) * sx
            ry = y0 + (j + 0.05 + 0.9 * fy) * sy
            d = np.inf
            for q in range(start[b], start[b + 1]):
                d = min(d, _line_dist(rx, ry, edges[edge_ids[q]]))
            if d > best_d:
                best_x, best_y, best_d = rx, ry, d
            if d > clear:
                break
        out[b, 0] = best_x
        out[b, 1] = best_y
    return out


@nb.njit(cache=True, inline="always")
def _in_boundary_cell(
    px: float, py: float, b: int, b_ref: F64, b_in: np.ndarray, b_start: I64, e_xy: F64,
) -> bool:
    rx, ry = b_ref[b, 0], b_ref[b, 1]
    inside = b_in[b] != 0
    for q in range(b_start[b], b_start[b + 1]):
        ax, ay, bx, by = e_xy[q, 0], e_xy[q, 1], e_xy[q, 2], e_xy[q, 3]
        if (_orient(px, py, rx, ry, ax, ay) > 0) != (_orient(px, py, rx, ry, bx, by) > 0) and (
            _orient(ax, ay, bx, by, px, py) > 0
        ) != (_orient(ax, ay, bx, by, rx, ry) > 0):
            inside = not inside
    return bool(inside)


@nb.njit(cache=True, nogil=True)
def label_kernel(
    lon: F64, lat: F64, z_type: np.ndarray, z_bbox: F64, z_grid: F64, z_dims: I64,
    z_word: I64, z_bit: np.ndarray, cell_state: np.ndarray, b_ref: F64, b_in: np.ndarray,
    b_start: I64, e_xy: F64, out: np.ndarray,
) -> None:
    n_zones = z_type.shape[0]
    for i in range(lon.shape[0]):
        x, y = lon[i], lat[i]
        if not (math.isfinite(x) and math.isfinite(y)):
            continue
        for z in range(n_zones):
            if x < z_bbox[z, 0] or x > z_bbox[z, 2] or y < z_bbox[z, 1] or y > z_bbox[z, 3]:
                continue
            if z_type[z] == CIRCLE:
                # z_grid row of a circle: lon, lat, radius_m, cos(lat)
                dx = (x - z_grid[z, 0]) * z_grid[z, 3]
                dy = y - z_grid[z, 1]
                r = z_grid[z, 2] / M_PER_DEG
                inside = dx * dx + dy * dy <= r * r
            else:
                nx, ny, off = z_dims[z, 0], z_dims[z, 1], z_dims[z, 2]
                ix = min(int((x - z_grid[z, 0]) * z_grid[z, 2]), nx - 1)
                iy = min(int((y - z_grid[z, 1]) * z_grid[z, 3]), ny - 1)
                s = cell_state[off + iy * nx + ix]
                if s == OUTSIDE:
                    continue
                inside = s == INSIDE or _in_boundary_cell(x, y, s, b_ref, b_in, b_start, e_xy)
            if inside:
                out[i, z_word[z]] |= z_bit[z]
