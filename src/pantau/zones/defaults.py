"""The reference data shipped with pantau (Malaysia): zones, land, ports, distance grid.

This module is the file-reading edge of the zones package: it loads
``pantau/data/zones/malaysia.geojson`` and ``land.geojson`` (see SOURCES.md there) and
caches what it builds. The distance grid takes a few seconds to build, so it is written to
a cache directory the caller chooses and read from there afterwards; a grid built from
other land data or other parameters is never reused, because its file name carries a
digest of both.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import cache
from importlib import resources
from os import PathLike
from pathlib import Path

import shapely

from pantau.errors import InputError, OutputError
from pantau.zones.distance import DistanceGrid, PortIndex
from pantau.zones.geojson import parse_zones
from pantau.zones.label import ZoneIndex
from pantau.zones.model import ZoneSet

#: the region the shipped land data was cut to (lon 95..125, lat -5..15)
REFERENCE_BBOX = (95.0, -5.0, 125.0, 15.0)
REFERENCE_CELL_DEG = 0.02
_ZONES = "malaysia.geojson"
_LAND = "land.geojson"
#: bump when the grid algorithm changes, so cached grids are rebuilt
_GRID_VERSION = "1"


def _data(name: str) -> bytes:
    return resources.files("pantau.data").joinpath("zones", name).read_bytes()


@cache
def reference_zones() -> ZoneSet:
    """EEZ-MYS, areas of interest, an illustrative exercise area and assets, ports."""
    return parse_zones(json.loads(_data(_ZONES)), source=f"pantau/data/zones/{_ZONES}")


@cache
def reference_index() -> ZoneIndex:
    """A :class:`ZoneIndex` over :func:`reference_zones`, built once per process."""
    return ZoneIndex.build(reference_zones())


@cache
def land_geometry() -> shapely.Geometry:
    """Natural Earth 10m land and minor islands, merged into one (Multi)Polygon."""
    features = json.loads(_data(_LAND))["features"]
    land = shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in features])
    shapely.prepare(land)
    return land


@cache
def port_index() -> PortIndex:
    """The port zones of :func:`reference_zones` as a :class:`PortIndex`."""
    return PortIndex.from_zones(reference_zones())


def _grid_source(cell_deg: float) -> str:
    h = hashlib.sha256(_data(_LAND))
    h.update(f"{REFERENCE_BBOX}|{cell_deg!r}|{_GRID_VERSION}".encode())
    return h.hexdigest()[:16]


def build_distance_grid(cell_deg: float = REFERENCE_CELL_DEG) -> DistanceGrid:
    """Build the reference region's grid in memory (a few seconds at 0.02 degrees)."""
    return DistanceGrid.build(land_geometry(), REFERENCE_BBOX, cell_deg,
                              clip_box=REFERENCE_BBOX, source=_grid_source(cell_deg))


def distance_grid(
    cache_dir: str | PathLike[str], cell_deg: float = REFERENCE_CELL_DEG
) -> DistanceGrid:
    """The reference region's distance grid, built on first use into ``cache_dir``."""
    directory = Path(cache_dir)
    source = _grid_source(cell_deg)
    path = directory / f"distance_grid_{source}.npz"
    if path.is_file():
        try:
            grid = DistanceGrid.load(path)
        except InputError:
            grid = None  # a damaged cache file is rebuilt, not trusted
        if grid is not None and grid.source == source:
            return grid
    grid = build_distance_grid(cell_deg)
    tmp: str | None = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        # write then rename, so a concurrent reader never sees half a file
        fd, tmp = tempfile.mkstemp(dir=directory, suffix=".npz.tmp")
        os.close(fd)
        grid.save(tmp)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise OutputError(f"cannot write the distance grid cache in {directory}: {exc}") from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return grid
