"""The reference data shipped with pantau loads, and means what SOURCES.md says."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import shapely

from pantau.geo import haversine_m
from pantau.zones import in_zone
from pantau.zones.defaults import (
    build_distance_grid,
    distance_grid,
    land_geometry,
    port_index,
    reference_index,
    reference_zones,
)


def test_reference_zones() -> None:
    zones = reference_zones()
    eez = zones["EEZ-MYS"]
    assert eez.kind == "eez"
    assert "CC-BY 4.0" in eez.properties["attribution"]
    assert 20_000 < eez.n_vertices < 30_000
    for name in ("Luconia Shoals", "James Shoal", "Straits of Malacca"):
        assert zones[name].kind == "aoi"
    alpha = zones["Exercise Area Alpha"]
    assert alpha.kind == "exercise" and alpha.properties["illustrative"] is True
    assert alpha.is_active(datetime(2025, 3, 4, tzinfo=UTC))
    assert not alpha.is_active(datetime(2025, 4, 1, tzinfo=UTC))
    assets = zones.of_kind("asset")
    assert len(assets) >= 3
    assert all(a.radius_m == 500.0 and a.properties["illustrative"] for a in assets)
    ports = zones.of_kind("port")
    assert len(ports) >= 30 and all(p.radius_m == 3000.0 for p in ports)
    assert {"Port Klang", "Port of Tanjung Pelepas", "Kuching", "Singapore"} <= set(ports.names)


def test_james_shoal_is_a_12_nm_circle() -> None:
    ring = reference_zones()["James Shoal"].polygons[0][0]
    d = [haversine_m(x, y, 112.34889, 3.97389) for x, y in ring]
    assert np.allclose(d, 12 * 1852, rtol=1e-3)


def test_reference_points_fall_where_they_should() -> None:
    zones = reference_zones()
    index = reference_index()
    places = {
        "Luconia group point": (112.6, 5.6),
        "James Shoal": (112.34889, 3.97389),
        "One Fathom Bank": (100.98, 2.88),
        "Platform SK-A": (112.6, 4.3),
        "Kuala Lumpur": (101.69, 3.14),
    }
    mask = index.label([p[0] for p in places.values()], [p[1] for p in places.values()])

    def inside(row: int, name: str) -> bool:
        return bool(in_zone(mask, zones.index(name))[row])

    assert inside(0, "EEZ-MYS") and inside(0, "Luconia Shoals")
    assert inside(1, "EEZ-MYS") and inside(1, "James Shoal")
    assert inside(2, "Straits of Malacca")
    assert inside(3, "Platform SK-A") and inside(3, "EEZ-MYS")
    assert not mask[4].any()


def test_straits_of_malacca_is_over_water() -> None:
    from pantau.zones.geojson import to_shapely_polygons

    strait = to_shapely_polygons(reference_zones()["Straits of Malacca"].polygons)
    # simplification moved the shore by up to ~200 m: a sliver, not a peninsula
    assert shapely.intersection(strait, land_geometry()).area < 1e-3 * strait.area


def test_land_and_ports() -> None:
    land = land_geometry()
    assert land.is_valid
    assert shapely.contains_xy(land, 114.5, 1.0)  # Borneo
    assert not shapely.contains_xy(land, 112.0, 8.0)  # South China Sea
    ports = port_index()
    dist, idx = ports.nearest([101.35], [3.0])
    assert ports.names[idx[0]] == "Port Klang" and dist[0] < 6000


def test_distance_grid_is_cached(tmp_path: Path) -> None:
    grid = distance_grid(tmp_path, cell_deg=0.25)
    files = list(tmp_path.glob("distance_grid_*.npz"))
    assert len(files) == 1 and grid.source in files[0].name
    assert grid.shape == (80, 120)
    assert grid.on_land([114.5], [1.0])[0]
    mtime = files[0].stat().st_mtime_ns
    again = distance_grid(tmp_path, cell_deg=0.25)
    assert files[0].stat().st_mtime_ns == mtime
    np.testing.assert_array_equal(again.cell_distance_m, grid.cell_distance_m)
    files[0].write_bytes(b"damaged")
    rebuilt = distance_grid(tmp_path, cell_deg=0.25)
    np.testing.assert_array_equal(rebuilt.cell_distance_m, grid.cell_distance_m)
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.slow
def test_full_reference_grid() -> None:
    """The real 0.02 degree grid (about 2 s to build on two cores)."""
    grid = build_distance_grid()
    assert grid.shape == (1000, 1500)
    d = grid.distance_m([112.0, 114.5, 101.0], [8.0, 1.0, 2.6])
    land = grid.on_land([112.0, 114.5, 101.0], [8.0, 1.0, 2.6])
    assert d[0] > 100_000 and not land[0]  # South China Sea
    assert d[1] > 100_000 and land[1]  # Borneo
    assert 5_000 < d[2] < 60_000 and not land[2]  # mid-strait
    assert 0.25 < grid.cell_on_land.mean() < 0.35
