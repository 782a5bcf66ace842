"""Numba kernels behind :mod:`pantau.zones.distance`: nearest coastline, grid lookups, ports.

Coastline segments are bucketed on a coarse grid. A query searches rings of buckets outward
from its own, starting at the first ring that holds any segment, and stops once the next
ring cannot hold anything nearer than the best distance found. Distances to a segment are
planar in an equirectangular frame centred on the query, with the longitude scale taken at
the mean of the query's and the segment's latitudes: within 0.5 % of the great-circle
distance out to several hundred kilometres at these latitudes.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from pantau.geo import M_PER_DEG, haversine_m
from pantau.zones._arrays import F64, I64
from pantau.zones._buckets import bucket_item


@nb.njit(cache=True, nogil=True)
def bucket_segments(
    seg: F64, x0: float, y0: float, b: float, nx: int, ny: int, counts: I64, pos: I64,
    out: I64,
) -> None:
    """Pass 1 (``out`` empty): count segments per bucket; pass 2: write their ids."""
    writing = out.shape[0] > 0
    for k in range(seg.shape[0]):
        i0 = max(0, int((min(seg[k, 0], seg[k, 2]) - x0) / b))
        i1 = min(nx - 1, int((max(seg[k, 0], seg[k, 2]) - x0) / b))
        j0 = max(0, int((min(seg[k, 1], seg[k, 3]) - y0) / b))
        j1 = min(ny - 1, int((max(seg[k, 1], seg[k, 3]) - y0) / b))
        for j in range(j0, j1 + 1):
            for i in range(i0, i1 + 1):
                bucket_item(j * nx + i, k, writing, counts, pos, out)


@nb.njit(cache=True, nogil=True)
def chessboard_to_nonempty(counts: I64, nx: int, ny: int) -> I64:
    """Per bucket, the ring (Chebyshev distance) of the nearest bucket holding a segment."""
    big = nx + ny + 1
    d = np.where(counts > 0, 0, big).reshape(ny, nx)
    for j in range(ny):  # forward raster pass
        for i in range(nx):
            v = d[j, i]
            if i > 0:
                v = min(v, d[j, i - 1] + 1)
            if j > 0:
                v = min(v, d[j - 1, i] + 1)
                if i > 0:
                    v = min(v, d[j - 1, i - 1] + 1)
                if i < nx - 1:
                    v = min(v, d[j - 1, i + 1] + 1)
            d[j, i] = v
    for j in range(ny - 1, -1, -1):  # backward raster pass
        for i in range(nx - 1, -1, -1):
            v = d[j, i]
            if i < nx - 1:
                v = min(v, d[j, i + 1] + 1)
            if j < ny - 1:
                v = min(v, d[j + 1, i] + 1)
                if i < nx - 1:
                    v = min(v, d[j + 1, i + 1] + 1)
                if i > 0:
                    v = min(v, d[j + 1, i - 1] + 1)
            d[j, i] = v
    return d.ravel()


@nb.njit(cache=True, inline="always")
def _seg_m(qx: float, qy: float, cos_q: float, sin_q: float, s: F64, k: int) -> float:
    mid_lat = 0.5 * (s[k, 1] + s[k, 3])
    kx = M_PER_DEG * (cos_q - sin_q * 0.5 * math.radians(mid_lat - qy))
    ax, ay = (s[k, 0] - qx) * kx, (s[k, 1] - qy) * M_PER_DEG
    bx, by = (s[k, 2] - qx) * kx, (s[k, 3] - qy) * M_PER_DEG
    dx, dy = bx - ax, by - ay
    L = dx * dx + dy * dy
    t = 0.0 if L == 0.0 else min(1.0, max(0.0, -(ax * dx + ay * dy) / L))
    px, py = ax + t * dx, ay + t * dy
    return math.sqrt(px * px + py * py)


@nb.njit(cache=True, inline="always")
def _scan(qx: float, qy: float, cq: float, sq: float, i: int, j: int, x0: float, y0: float,
          b: float, nx: int, kx_min: float, start: I64, ids: I64, seg: F64,
          best: float, bound: float) -> float:
    # skip the bucket when even its nearest corner is beyond what we already have
    dx = max(x0 + i * b - qx, 0.0, qx - x0 - (i + 1) * b) * kx_min
    dy = max(y0 + j * b - qy, 0.0, qy - y0 - (j + 1) * b) * M_PER_DEG * 0.99
    if dx * dx + dy * dy >= min(best, bound) ** 2:
        return best
    c = j * nx + i
    for q in range(start[c], start[c + 1]):
        best = min(best, _seg_m(qx, qy, cq, sq, seg, ids[q]))
    return best


@nb.njit(cache=True, nogil=True)
def _search(qx: float, qy: float, x0: float, y0: float, b: float, nx: int, ny: int,
            start: I64, ids: I64, seg: F64, ring0: I64, kx_min: float, bound: float) -> float:
    cq, sq = math.cos(math.radians(qy)), math.sin(math.radians(qy))
    ci = min(nx - 1, max(0, int((qx - x0) / b)))
    cj = min(ny - 1, max(0, int((qy - y0) / b)))
    ring_m = b * kx_min
    best = np.inf
    r = ring0[cj * nx + ci]
    last = max(ci, nx - 1 - ci, cj, ny - 1 - cj)
    while r <= last:
        # anything in ring r or beyond is at least r - 1 bucket widths away
        if min(best, bound) <= (r - 1) * ring_m:
            break
        for j in range(max(0, cj - r), min(ny - 1, cj + r) + 1):
            if j == cj - r or j == cj + r:
                for i in range(max(0, ci - r), min(nx - 1, ci + r) + 1):
                    best = _scan(qx, qy, cq, sq, i, j, x0, y0, b, nx, kx_min, start, ids, seg,
                                 best, bound)
            else:
                if ci - r >= 0:
                    best = _scan(qx, qy, cq, sq, ci - r, j, x0, y0, b, nx, kx_min, start, ids,
                                 seg, best, bound)
                if ci + r <= nx - 1 and r > 0:
                    best = _scan(qx, qy, cq, sq, ci + r, j, x0, y0, b, nx, kx_min, start, ids,
                                 seg, best, bound)
        r += 1
    return best


@nb.njit(cache=True, parallel=True)
def nearest_segment_m(
    qlon: F64, qlat: F64, seg: F64, x0: float, y0: float, b: float, nx: int, ny: int,
    start: I64, ids: I64, ring0: I64, cos_min: float,
) -> F64:
    """Distance in metres from each query to the nearest segment (inf when there is none).

    Consecutive queries are usually neighbours, so the previous answer plus the distance
    between the two (triangle inequality, with slack for the approximate metric) bounds the
    search; if that bound was too tight the query is searched again without it. Blocks of
    queries run in parallel, each block in order.
    """
    n = qlon.shape[0]
    out = np.empty(n)
    # 1 % slack: the per-segment longitude scale may dip a little below cos_min
    kx_min = 0.99 * M_PER_DEG * cos_min
    block = 4096
    for blk in nb.prange((n + block - 1) // block):
        prev_x, prev_y, prev_d = 0.0, 0.0, np.inf
        for k in range(blk * block, min(n, (blk + 1) * block)):
            qx, qy = qlon[k], qlat[k]
            bound = np.inf
            if prev_d < np.inf:
                bound = 1.02 * (prev_d + haversine_m(prev_x, prev_y, qx, qy)) + 1.0
            best = _search(qx, qy, x0, y0, b, nx, ny, start, ids, seg, ring0, kx_min, bound)
            if best >= bound:
                best = _search(qx, qy, x0, y0, b, nx, ny, start, ids, seg, ring0, kx_min,
                               np.inf)
            out[k] = best
            prev_x, prev_y, prev_d = qx, qy, best
    return out


@nb.njit(cache=True, nogil=True)
def bilinear_signed(
    lon: F64, lat: F64, x0: float, y0: float, cell: float, dist: np.ndarray,
    land: np.ndarray, x1: float, y1: float,
) -> F64:
    """Bilinear interpolation between cell centres of the signed distance (land < 0).

    NaN outside the grid's box; within the outer half cell the edge values are held.
    """
    ny, nx = dist.shape
    out = np.empty(lon.shape[0])
    for n in range(lon.shape[0]):
        x, y = lon[n], lat[n]
        if not (x >= x0 and x <= x1 and y >= y0 and y <= y1):
            out[n] = np.nan
            continue
        fx = (x - x0) / cell - 0.5
        fy = (y - y0) / cell - 0.5
        i = min(max(math.floor(fx), 0), max(nx - 2, 0))
        j = min(max(math.floor(fy), 0), max(ny - 2, 0))
        tx = 0.0 if nx == 1 else min(1.0, max(0.0, fx - i))
        ty = 0.0 if ny == 1 else min(1.0, max(0.0, fy - j))
        i1, j1 = min(i + 1, nx - 1), min(j + 1, ny - 1)
        v00 = -dist[j, i] if land[j, i] else dist[j, i]
        v10 = -dist[j, i1] if land[j, i1] else dist[j, i1]
        v01 = -dist[j1, i] if land[j1, i] else dist[j1, i]
        v11 = -dist[j1, i1] if land[j1, i1] else dist[j1, i1]
        out[n] = (v00 * (1 - tx) + v10 * tx) * (1 - ty) + (v01 * (1 - tx) + v11 * tx) * ty
    return out


@nb.njit(cache=True, nogil=True)
def nearest_port(lon: F64, lat: F64, plon: F64, plat: F64, pxyz: F64) -> tuple[F64, I64]:
    """Nearest port by the largest dot product of unit vectors, then its haversine metres."""
    n = lon.shape[0]
    dist = np.full(n, np.nan)
    idx = np.full(n, -1, dtype=np.int64)
    if plon.shape[0] == 0:
        return dist, idx
    for k in range(n):
        x, y = lon[k], lat[k]
        if not (math.isfinite(x) and math.isfinite(y)):
            continue
        cy = math.cos(math.radians(y))
        ux = cy * math.cos(math.radians(x))
        uy = cy * math.sin(math.radians(x))
        uz = math.sin(math.radians(y))
        best, arg = -2.0, 0
        for p in range(plon.shape[0]):
            dot = ux * pxyz[p, 0] + uy * pxyz[p, 1] + uz * pxyz[p, 2]
            if dot > best:
                best, arg = dot, p
        idx[k] = arg
        dist[k] = haversine_m(x, y, plon[arg], plat[arg])
    return dist, idx
