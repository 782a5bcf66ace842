"""Label positions with the zones they lie in, and find where tracks cross zone borders.

A label is a row of uint64 words: bit ``k % 64`` of word ``k // 64`` is set when the
position lies in zone ``k`` of the :class:`~pantau.zones.model.ZoneSet`. Positions with a
null or NaN coordinate lie in no zone. Points exactly on a polygon edge may be labelled
either way; anywhere else the answer is that of shapely's ``contains``. Point zones are
circles: inside when the equirectangular distance (at the centre's latitude) is at most
``radius_m``, which matches the great-circle distance to well under a metre at port sizes.

Longitudes are taken as given: zones must not cross the antimeridian (the reference region,
95E to 125E, does not).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from pantau.geo import M_PER_DEG
from pantau.zones import _pip
from pantau.zones._arrays import F64, I64, U64, Mask, as_float64
from pantau.zones.errors import ZoneError
from pantau.zones.geojson import to_shapely_polygons
from pantau.zones.model import Zone, ZoneSet

#: grid cells per polygon edge; 8 keeps most cells free of edges at a few bytes per cell
CELLS_PER_EDGE = 8
MAX_CELLS_PER_ZONE = 1 << 22


@dataclass(frozen=True)
class _PolygonGrid:
    bbox: tuple[float, float, float, float]
    nx: int
    ny: int
    cell_state: np.ndarray  # int32 per cell: OUTSIDE, INSIDE or boundary record index
    b_ref: F64
    b_in: np.ndarray
    b_start: I64
    e_xy: F64


def _edges(zone: Zone) -> F64:
    rings = [r for poly in zone.polygons for r in poly]
    e = np.vstack([np.hstack([r[:-1], r[1:]]) for r in rings])
    return np.ascontiguousarray(e[(e[:, 0] != e[:, 2]) | (e[:, 1] != e[:, 3])])


def _build_polygon(zone: Zone, cells_per_edge: int, max_cells: int) -> _PolygonGrid:
    edges = _edges(zone)
    x0, y0, x1, y1 = zone.bounds()
    w, h = max(x1 - x0, 1e-9), max(y1 - y0, 1e-9)
    target = min(max(cells_per_edge * edges.shape[0], 1), max_cells)
    side = math.sqrt(w * h / target)
    nx = int(min(max(1, math.ceil(w / side)), max_cells))
    ny = int(min(max(1, math.ceil(h / side)), max(1, max_cells // nx)))
    sx, sy = w / nx, h / ny
    n_cells = nx * ny
    counts = np.zeros(n_cells, dtype=np.int64)
    empty = np.zeros(0, dtype=np.int64)
    _pip._edge_cells(edges, x0, y0, sx, sy, nx, ny, counts, empty, empty)
    start = np.zeros(n_cells + 1, dtype=np.int64)
    np.cumsum(counts, out=start[1:])
    edge_ids = np.empty(start[-1], dtype=np.int64)
    _pip._edge_cells(edges, x0, y0, sx, sy, nx, ny, counts, start[:-1].copy(), edge_ids)

    geom = to_shapely_polygons(zone.polygons)
    shapely.prepare(geom)
    boundary = np.flatnonzero(counts)
    cell_state = np.full(n_cells, _pip.OUTSIDE, dtype=np.int32)
    free = np.flatnonzero(counts == 0)
    cx = x0 + (free % nx + 0.5) * sx
    cy = y0 + (free // nx + 0.5) * sy
    cell_state[free[shapely.contains_xy(geom, cx, cy)]] = _pip.INSIDE
    cell_state[boundary] = np.arange(boundary.size, dtype=np.int32)

    b_start = np.zeros(boundary.size + 1, dtype=np.int64)
    np.cumsum(counts[boundary], out=b_start[1:])
    # edge_ids lists cells in increasing order and empty cells add nothing, so it is
    # already the concatenation of the boundary cells' lists that b_start indexes
    b_ref = _pip.reference_points(boundary, b_start, edge_ids, edges, x0, y0, sx, sy, nx)
    b_in = shapely.contains_xy(geom, b_ref[:, 0], b_ref[:, 1]).astype(np.uint8)
    return _PolygonGrid(
        bbox=(x0, y0, x0 + nx * sx, y0 + ny * sy), nx=nx, ny=ny, cell_state=cell_state,
        b_ref=b_ref, b_in=b_in, b_start=b_start, e_xy=np.ascontiguousarray(edges[edge_ids]),
    )


class ZoneIndex:
    """Precomputed lookup structures for one :class:`ZoneSet`; build once, label often."""

    def __init__(self, zones: ZoneSet, arrays: dict[str, np.ndarray]) -> None:
        self.zones = zones
        self._a = arrays

    @classmethod
    def build(
        cls, zones: ZoneSet, cells_per_edge: int = CELLS_PER_EDGE,
        max_cells_per_zone: int = MAX_CELLS_PER_ZONE,
    ) -> ZoneIndex:
        if not isinstance(zones, ZoneSet):
            raise ZoneError(f"ZoneIndex.build needs a ZoneSet, got {type(zones).__name__}")
        if cells_per_edge < 1 or max_cells_per_zone < 1:
            raise ZoneError("cells_per_edge and max_cells_per_zone must be at least 1")
        n = len(zones)
        z_type = np.zeros(n, dtype=np.int8)
        z_bbox = np.zeros((n, 4))
        z_grid = np.zeros((n, 4))
        z_dims = np.zeros((n, 3), dtype=np.int64)
        grids: list[_PolygonGrid] = []
        cell_off = b_off = e_off = 0
        for k, zone in enumerate(zones):
            if zone.point is not None:
                lon, lat = zone.point
                assert zone.radius_m is not None
                cos_lat = math.cos(math.radians(lat))
                dlat = zone.radius_m / M_PER_DEG * 1.001
                dlon = dlat / max(cos_lat, 1e-6)
                z_type[k] = _pip.CIRCLE
                z_bbox[k] = (lon - dlon, lat - dlat, lon + dlon, lat + dlat)
                z_grid[k] = (lon, lat, zone.radius_m, cos_lat)
                continue
            g = _build_polygon(zone, cells_per_edge, max_cells_per_zone)
            z_bbox[k] = g.bbox
            z_grid[k] = (g.bbox[0], g.bbox[1], g.nx / (g.bbox[2] - g.bbox[0]),
                         g.ny / (g.bbox[3] - g.bbox[1]))
            z_dims[k] = (g.nx, g.ny, cell_off)
            # make record and edge indices global across zones
            state = g.cell_state.copy()
            state[state >= 0] += b_off
            grids.append(_PolygonGrid(g.bbox, g.nx, g.ny, state, g.b_ref, g.b_in,
                                      g.b_start[:-1] + e_off, g.e_xy))
            cell_off += g.cell_state.size
            b_off += g.b_in.size
            e_off += g.e_xy.shape[0]
        cat = np.concatenate
        arrays = {
            "z_type": z_type, "z_bbox": z_bbox, "z_grid": z_grid, "z_dims": z_dims,
            "z_word": np.arange(n, dtype=np.int64) // 64,
            "z_bit": np.left_shift(np.uint64(1), (np.arange(n) % 64).astype(np.uint64)),
            "cell_state": cat([g.cell_state for g in grids] or [np.zeros(0, np.int32)]),
            "b_ref": cat([g.b_ref for g in grids] or [np.zeros((0, 2))]),
            "b_in": cat([g.b_in for g in grids] or [np.zeros(0, np.uint8)]),
            "b_start": cat([g.b_start for g in grids] + [np.array([e_off], np.int64)]),
            "e_xy": cat([g.e_xy for g in grids] or [np.zeros((0, 4))]),
        }
        return cls(zones, {k: np.ascontiguousarray(v) for k, v in arrays.items()})

    @property
    def n_words(self) -> int:
        return self.zones.n_words

    @property
    def n_cells(self) -> int:
        return int(self._a["cell_state"].size)

    @property
    def n_boundary_cells(self) -> int:
        return int(self._a["b_in"].size)

    def label(self, lon: Any, lat: Any) -> U64:
        """(n, n_words) uint64 zone bits per position; NaN or null lies in no zone."""
        x = as_float64(lon, "lon")
        y = as_float64(lat, "lat")
        if x.shape != y.shape:
            raise ZoneError(f"lon and lat differ in length: {x.shape[0]} != {y.shape[0]}")
        out = np.zeros((x.shape[0], self.n_words), dtype=np.uint64)
        a = self._a
        _pip.label_kernel(x, y, a["z_type"], a["z_bbox"], a["z_grid"], a["z_dims"],
                          a["z_word"], a["z_bit"], a["cell_state"], a["b_ref"], a["b_in"],
                          a["b_start"], a["e_xy"], out)
        return out


def in_zone(mask: U64, k: int) -> Mask:
    """Bool per row: is bit ``k`` (zone ``k``) set in a label mask."""
    if not 0 <= k < mask.shape[1] * 64:
        raise ZoneError(f"zone {k} is not in a mask of {mask.shape[1]} words")
    bit = np.uint64(1) << np.uint64(k % 64)
    return np.asarray((mask[:, k // 64] & bit) != 0, dtype=np.bool_)


def zone_indices(row: U64) -> list[int]:
    """The zone numbers set in one mask row, ascending."""
    out = []
    # Python ints, lowest bit first: called once per changed row, so no NumPy overhead
    for j, word in enumerate(np.asarray(row, np.uint64).tolist()):
        while word:
            low = word & -word
            out.append(j * 64 + low.bit_length() - 1)
            word ^= low
    return out


@dataclass(frozen=True)
class Transitions:
    """Zone border crossings between consecutive positions of a segment.

    ``*_point`` is the row of the later position of the pair (the first one inside for an
    entry, the first one outside for an exit) and ``*_zone`` the zone number; both sorted
    by row, then zone.
    """

    entry_point: I64
    entry_zone: I64
    exit_point: I64
    exit_zone: I64


def _changes(words: U64, rows: I64) -> tuple[I64, I64]:
    hit = np.flatnonzero(words.any(axis=1))
    if hit.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    bits = np.unpackbits(np.ascontiguousarray(words[hit], dtype="<u8").view(np.uint8),
                         axis=1, bitorder="little")
    r, z = np.nonzero(bits)
    return rows[hit[r]].astype(np.int64), z.astype(np.int64)


def transitions(mask: U64, segment_ids: Any, valid: Any = None) -> Transitions:
    """Entries and exits per pair of consecutive positions in the same segment.

    ``mask`` is a label mask in track order (sorted by segment, then time). Rows with
    ``valid`` false (e.g. no position) are stepped over, so a missing fix between two
    positions inside a zone is not taken for an exit and a re-entry.
    """
    mask = np.asarray(mask)
    if mask.ndim != 2 or mask.dtype != np.uint64:
        raise ZoneError(f"mask must be a 2-D uint64 label mask, got {mask.dtype} {mask.shape}")
    seg = np.asarray(segment_ids)
    if seg.shape != (mask.shape[0],):
        raise ZoneError(f"segment_ids has shape {seg.shape}, mask has {mask.shape[0]} rows")
    rows = np.arange(mask.shape[0], dtype=np.int64)
    if valid is not None:
        keep = np.asarray(valid, dtype=np.bool_)
        if keep.shape != seg.shape:
            raise ZoneError(f"valid has shape {keep.shape}, mask has {mask.shape[0]} rows")
        rows, mask, seg = rows[keep], mask[keep], seg[keep]
    same = seg[1:] == seg[:-1]
    before, after = mask[:-1][same], mask[1:][same]
    later = rows[1:][same]
    entry_point, entry_zone = _changes(after & ~before, later)
    exit_point, exit_zone = _changes(before & ~after, later)
    return Transitions(entry_point, entry_zone, exit_point, exit_zone)
