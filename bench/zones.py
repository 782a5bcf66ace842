"""Benchmark zone labelling, distance to shore and nearest port against shapely.

    python bench/zones.py [--points 4000000] [--cache DIR]

Zones: Malaysia's EEZ (the shipped Marine Regions polygon) plus 20 smaller ones: the
reference areas of interest, exercise area and assets, and generated star-shaped polygons
(some with holes) scattered over the EEZ's box. Positions are uniform over that box, so
about a quarter fall in the EEZ and many cross its many islands' grid cells. The baseline
is shapely 2 at its best: ``contains_xy`` on a prepared geometry, one vectorised call per
zone, on a subsample; its answers are compared with pantau's.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import shapely

from pantau.zones import Zone, ZoneIndex, ZoneSet
from pantau.zones._geo import circle_ring
from pantau.zones.defaults import distance_grid, port_index, reference_zones
from pantau.zones.geojson import to_shapely_polygons
from pantau.zones.label import in_zone


def _best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    best = np.inf
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return float(best)


def _star(rng: np.random.Generator, cx: float, cy: float, r: float, n: int) -> np.ndarray:
    ang = np.sort(rng.uniform(0, 2 * np.pi, n))
    rad = r * rng.uniform(0.5, 1.0, n)
    ring = np.column_stack([cx + rad * np.cos(ang), cy + rad * np.sin(ang)])
    return np.vstack([ring, ring[:1]])


def bench_zones(rng: np.random.Generator) -> ZoneSet:
    ref = reference_zones()
    small = [z for z in ref if z.kind in ("aoi", "exercise", "asset")]
    bbox = ref["EEZ-MYS"].bounds()
    k = 0
    while len(small) < 20:
        cx, cy = rng.uniform(bbox[0] + 1, bbox[2] - 1), rng.uniform(bbox[1] + 1, bbox[3] - 1)
        r = rng.uniform(0.1, 0.8)
        shell = _star(rng, cx, cy, r, int(rng.integers(8, 200)))
        rings = [shell]
        if k % 2 == 0:  # a hole well inside the star's inner radius
            hole = _star(rng, cx, cy, 0.3 * r, 12)
            rings.append(hole[::-1])
        small.append(Zone(name=f"generated-{k}", kind="aoi", polygons=(tuple(rings),)))
        k += 1
    return ZoneSet([ref["EEZ-MYS"], *small])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=4_000_000)
    ap.add_argument("--baseline-points", type=int, default=400_000)
    ap.add_argument("--cache", type=Path, default=None,
                    help="distance grid cache directory (default: a temporary one)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)

    zones = bench_zones(rng)
    eez = zones["EEZ-MYS"]
    print(f"zones: {len(zones)} (EEZ-MYS {eez.n_vertices} vertices in "
          f"{sum(len(p) for p in eez.polygons)} rings, others "
          f"{sum(z.n_vertices for z in zones) - eez.n_vertices} vertices in total)")
    t = time.perf_counter()
    index = ZoneIndex.build(zones)
    print(f"index build: {time.perf_counter() - t:.3f} s, {index.n_cells} cells, "
          f"{index.n_boundary_cells} with edges")

    x0, y0, x1, y1 = eez.bounds()
    lon = rng.uniform(x0, x1, args.points)
    lat = rng.uniform(y0, y1, args.points)
    index.label(lon[:10], lat[:10])  # compile outside the timing
    dt = _best_of(lambda: index.label(lon, lat))
    pantau_rate = args.points / dt
    print(f"pantau label: {pantau_rate / 1e6:.2f} M points/s "
          f"({args.points:,} points x {len(zones)} zones, {dt:.3f} s, one thread)")

    m = args.baseline_points
    geoms = []
    for z in zones:
        g = (to_shapely_polygons(z.polygons) if z.point is None
             else shapely.Polygon(circle_ring(*z.point, z.radius_m or 0.0)))
        shapely.prepare(g)
        geoms.append(g)
    t = time.perf_counter()
    base = [shapely.contains_xy(g, lon[:m], lat[:m]) for g in geoms]
    base_dt = time.perf_counter() - t
    base_rate = m / base_dt
    print(f"shapely contains_xy per zone (prepared): {base_rate / 1e6:.2f} M points/s "
          f"({m:,} points)")
    print(f"ratio pantau / shapely: {pantau_rate / base_rate:.1f}x")
    mask = index.label(lon[:m], lat[:m])
    polygonal = [k for k, z in enumerate(zones) if z.point is None]
    differ = sum(int((in_zone(mask, k) != base[k]).sum()) for k in polygonal)
    print(f"disagreements with shapely on polygon zones: {differ} of {m * len(polygonal):,}")

    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache or Path(tmp)
        t = time.perf_counter()
        grid = distance_grid(cache)
        print(f"distance grid {grid.shape[1]}x{grid.shape[0]} at {grid.cell_deg} deg: "
              f"{time.perf_counter() - t:.2f} s (build or load from {cache})")
        t = time.perf_counter()
        grid = distance_grid(cache)
        print(f"distance grid load from cache: {time.perf_counter() - t:.3f} s")
    grid.distance_m(lon[:10], lat[:10])
    dt = _best_of(lambda: grid.distance_m(lon, lat))
    print(f"distance_m lookups: {args.points / dt / 1e6:.1f} M points/s")
    ports = port_index()
    ports.nearest(lon[:10], lat[:10])
    dt = _best_of(lambda: ports.nearest(lon, lat))
    print(f"nearest port ({len(ports)} ports): {args.points / dt / 1e6:.1f} M points/s")


if __name__ == "__main__":
    main()
