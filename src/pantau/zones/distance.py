"""Distance to shore and to the nearest port, per position, fast.

:class:`DistanceGrid` holds, for each cell of a regular lon/lat grid, the distance in metres
from the cell centre to the nearest coastline and whether the centre is on land. A position
is answered by bilinear interpolation of the *signed* distance (negative on land) between
the four surrounding centres, so the coast falls where that interpolation crosses zero
rather than on a cell border: with 0.02 degree cells (about 2.2 km) a position 1 km off a
straight coast reads about 1 km. Build it once (seconds for the reference region), save it
with :meth:`DistanceGrid.save` and load it afterwards.

:class:`PortIndex` answers the nearest port and the great-circle distance to it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely

from pantau.errors import InputError, OutputError
from pantau.zones import _nearest
from pantau.zones._arrays import F64, I64, Mask, as_float64
from pantau.zones.errors import ZoneError
from pantau.zones.model import ZoneSet

_FORMAT = "pantau.zones.DistanceGrid/1"
BBox = tuple[float, float, float, float]


def _check_bbox(bbox: Sequence[float]) -> BBox:
    if len(bbox) != 4:
        raise ZoneError(f"bbox must be (min_lon, min_lat, max_lon, max_lat), got {bbox!r}")
    x0, y0, x1, y1 = (float(v) for v in bbox)
    if not (-180 <= x0 < x1 <= 180 and -90 <= y0 < y1 <= 90):
        raise ZoneError(f"bbox {bbox!r} is not an ordered lon/lat box")
    return x0, y0, x1, y1


def _segments(lines: Iterable[shapely.Geometry]) -> F64:
    chunks = []
    for line in lines:
        xy = shapely.get_coordinates(line)
        if len(xy) >= 2:
            chunks.append(np.hstack([xy[:-1], xy[1:]]))
    return np.vstack(chunks) if chunks else np.zeros((0, 4))


def _on_box_edge(seg: F64, box: BBox) -> Mask:
    x0, y0, x1, y1 = box
    edge: Mask = (
        ((seg[:, 0] == x0) & (seg[:, 2] == x0)) | ((seg[:, 0] == x1) & (seg[:, 2] == x1))
        | ((seg[:, 1] == y0) & (seg[:, 3] == y0)) | ((seg[:, 1] == y1) & (seg[:, 3] == y1))
    )
    return edge


def nearest_coast_m(
    lon: F64, lat: F64, segments: F64, bucket_deg: float = 0.25
) -> F64:
    """Exact-search distance in metres from each position to the nearest segment
    (rows ``lon0, lat0, lon1, lat1``); ``inf`` when there are no segments."""
    if len(lon) == 0 or len(segments) == 0:
        return np.full(len(lon), np.inf)
    x0 = min(float(lon.min()), float(segments[:, [0, 2]].min())) - bucket_deg
    y0 = min(float(lat.min()), float(segments[:, [1, 3]].min())) - bucket_deg
    x1 = max(float(lon.max()), float(segments[:, [0, 2]].max())) + bucket_deg
    y1 = max(float(lat.max()), float(segments[:, [1, 3]].max())) + bucket_deg
    nx, ny = math.ceil((x1 - x0) / bucket_deg), math.ceil((y1 - y0) / bucket_deg)
    counts = np.zeros(nx * ny, dtype=np.int64)
    empty = np.zeros(0, dtype=np.int64)
    _nearest.bucket_segments(segments, x0, y0, bucket_deg, nx, ny, counts, empty, empty)
    start = np.zeros(nx * ny + 1, dtype=np.int64)
    np.cumsum(counts, out=start[1:])
    ids = np.empty(start[-1], dtype=np.int64)
    _nearest.bucket_segments(segments, x0, y0, bucket_deg, nx, ny, counts, start[:-1].copy(),
                             ids)
    ring0 = _nearest.chessboard_to_nonempty(counts, nx, ny)
    cos_min = math.cos(math.radians(min(89.0, max(abs(y0), abs(y1)))))
    out: F64 = _nearest.nearest_segment_m(
        np.ascontiguousarray(lon, dtype=np.float64), np.ascontiguousarray(lat, dtype=np.float64),
        np.ascontiguousarray(segments), x0, y0, bucket_deg, nx, ny, start, ids, ring0, cos_min,
    )
    return out


@dataclass(frozen=True, eq=False)
class DistanceGrid:
    """Distance to the coastline (metres) and a land mask at the centres of a lon/lat grid.

    Row ``j``, column ``i`` is the cell centred on
    ``(bbox[0] + (i + 0.5) * cell_deg, bbox[1] + (j + 0.5) * cell_deg)``.
    """

    bbox: BBox
    cell_deg: float
    cell_distance_m: npt.NDArray[np.float32]
    cell_on_land: Mask
    source: str = ""

    def __post_init__(self) -> None:
        if self.cell_distance_m.shape != self.cell_on_land.shape or (
            self.cell_distance_m.ndim != 2
        ):
            raise ZoneError("cell_distance_m and cell_on_land must be 2-D arrays of one shape")

    @classmethod
    def build(
        cls,
        land: shapely.Geometry | Iterable[shapely.Geometry],
        bbox: Sequence[float],
        cell_deg: float,
        *,
        clip_box: Sequence[float] | None = None,
        source: str = "",
        bucket_deg: float = 0.25,
    ) -> DistanceGrid:
        """Compute the grid from land polygons and/or coastline lines.

        Polygon boundaries and lines are the coastline; polygons alone make the land mask
        (with lines only, no cell is on land). ``clip_box``: the box the land data was cut
        to, whose edges are artefacts of the cut, not coastline.
        """
        box = _check_bbox(bbox)
        if not (cell_deg > 0 and math.isfinite(cell_deg)):
            raise ZoneError(f"cell_deg must be a positive number, got {cell_deg}")
        geoms = [land] if isinstance(land, shapely.Geometry) else list(land)
        parts = shapely.get_parts(np.asarray(geoms, dtype=object))
        if len(parts) and not all(isinstance(p, shapely.Geometry) for p in parts):
            raise ZoneError("land must be shapely geometries")
        types = shapely.get_type_id(parts)
        polys = parts[np.isin(types, (3, 6))]
        lines = list(parts[np.isin(types, (1, 2, 5))])
        nx = max(1, round((box[2] - box[0]) / cell_deg))
        ny = max(1, round((box[3] - box[1]) / cell_deg))
        cx = box[0] + (np.arange(nx) + 0.5) * cell_deg
        cy = box[1] + (np.arange(ny) + 0.5) * cell_deg
        qx, qy = (a.ravel() for a in np.meshgrid(cx, cy))
        on_land = np.zeros(qx.shape, dtype=np.bool_)
        if len(polys):
            union = shapely.union_all(polys)
            shapely.prepare(union)
            on_land = shapely.contains_xy(union, qx, qy)
            lines.extend(shapely.get_parts(shapely.boundary(union)))
        seg = _segments(lines)
        if clip_box is not None:
            seg = seg[~_on_box_edge(seg, _check_bbox(clip_box))]
        dist = nearest_coast_m(qx, qy, seg, bucket_deg).astype(np.float32)
        return cls(
            bbox=(box[0], box[1], box[0] + nx * cell_deg, box[1] + ny * cell_deg),
            cell_deg=float(cell_deg), cell_distance_m=dist.reshape(ny, nx),
            cell_on_land=on_land.reshape(ny, nx), source=source,
        )

    @property
    def shape(self) -> tuple[int, int]:
        ny, nx = self.cell_distance_m.shape
        return ny, nx

    def _signed(self, lon: Any, lat: Any) -> F64:
        x, y = as_float64(lon, "lon"), as_float64(lat, "lat")
        if x.shape != y.shape:
            raise ZoneError(f"lon and lat differ in length: {x.shape[0]} != {y.shape[0]}")
        x0, y0, x1, y1 = self.bbox
        out: F64 = _nearest.bilinear_signed(x, y, x0, y0, self.cell_deg, self.cell_distance_m,
                                            self.cell_on_land, x1, y1)
        return out

    def distance_m(self, lon: Any, lat: Any) -> F64:
        """Distance to the coastline in metres (on land too); NaN outside the grid."""
        return np.abs(self._signed(lon, lat))

    def on_land(self, lon: Any, lat: Any) -> Mask:
        """Whether each position is on land (false outside the grid and for NaN)."""
        return np.asarray(self._signed(lon, lat) < 0, dtype=np.bool_)

    def save(self, path: str | PathLike[str]) -> None:
        """Write the grid to a ``.npz`` file (the caller picks the path)."""
        meta = {"format": _FORMAT, "bbox": list(self.bbox), "cell_deg": self.cell_deg,
                "source": self.source}
        try:
            with open(path, "wb") as fh:
                np.savez_compressed(fh, cell_distance_m=self.cell_distance_m,
                                    cell_on_land=self.cell_on_land,
                                    meta=np.array(json.dumps(meta)))
        except OSError as exc:
            raise OutputError(f"cannot write distance grid {path}: {exc.strerror}") from None

    @classmethod
    def load(cls, path: str | PathLike[str]) -> DistanceGrid:
        """Read a grid written by :meth:`save`."""
        try:
            with np.load(Path(path), allow_pickle=False) as npz:
                meta = json.loads(str(npz["meta"]))
                dist, land = npz["cell_distance_m"], npz["cell_on_land"]
        except FileNotFoundError:
            raise InputError(f"distance grid {path} does not exist") from None
        except (OSError, ValueError, KeyError) as exc:
            raise InputError(f"distance grid {path} is not a pantau grid file: {exc}") from None
        if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
            raise InputError(f"distance grid {path} has an unknown format")
        bbox = meta["bbox"]
        return cls(bbox=(bbox[0], bbox[1], bbox[2], bbox[3]), cell_deg=float(meta["cell_deg"]),
                   cell_distance_m=dist.astype(np.float32, copy=False),
                   cell_on_land=land.astype(np.bool_, copy=False), source=str(meta["source"]))


class PortIndex:
    """Ports as points; :meth:`nearest` gives the closest one and the distance to it."""

    def __init__(self, names: Sequence[str], lon: Any, lat: Any) -> None:
        x, y = as_float64(lon, "lon"), as_float64(lat, "lat")
        if not len(names) == x.shape[0] == y.shape[0]:
            raise ZoneError("names, lon and lat of ports must have the same length")
        if not (np.isfinite(x).all() and np.isfinite(y).all()):
            raise ZoneError("port coordinates must be finite")
        self.names = tuple(names)
        self.lon, self.lat = x, y
        rx, ry = np.radians(x), np.radians(y)
        self._xyz = np.ascontiguousarray(
            np.column_stack([np.cos(ry) * np.cos(rx), np.cos(ry) * np.sin(rx), np.sin(ry)])
        )

    @classmethod
    def from_zones(cls, zones: ZoneSet) -> PortIndex:
        """The point zones of kind ``port``, in their order in the set."""
        ports = [z for z in zones if z.kind == "port" and z.point is not None]
        return cls([z.name for z in ports], [z.point[0] for z in ports if z.point],
                   [z.point[1] for z in ports if z.point])

    def __len__(self) -> int:
        return len(self.names)

    def nearest(self, lon: Any, lat: Any) -> tuple[F64, I64]:
        """(distance_m, port number) per position; NaN and -1 for a NaN or null position."""
        x, y = as_float64(lon, "lon"), as_float64(lat, "lat")
        if x.shape != y.shape:
            raise ZoneError(f"lon and lat differ in length: {x.shape[0]} != {y.shape[0]}")
        dist, idx = _nearest.nearest_port(x, y, self.lon, self.lat, self._xyz)
        return dist, idx
