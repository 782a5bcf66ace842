"""Frames built by hand for detector tests."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from pantau.detect.base import Context, Vessels
from pantau.detect.frame import Frame
from pantau.tracks import vessel_time_order
from pantau.zones import Zone, ZoneIndex, ZoneSet

T0 = int(datetime(2025, 9, 15, tzinfo=UTC).timestamp()) * 1_000_000
MIN = 60 * 1_000_000
HOUR = 60 * MIN


def square(name: str, kind: str, lon0: float, lat0: float, size: float, **kw: object) -> Zone:
    ring = np.array([[lon0, lat0], [lon0 + size, lat0], [lon0 + size, lat0 + size],
                     [lon0, lat0 + size], [lon0, lat0]])
    return Zone(name, kind, polygons=((ring,),), **kw)  # type: ignore[arg-type]


def context(zones: list[Zone] | None = None, vessels: Vessels | None = None) -> Context:
    zs = ZoneSet(zones or [square("Box", "aoi", 112.0, 5.0, 0.2)])
    return Context(zones=zs, index=ZoneIndex.build(zs),
                   vessels=vessels or Vessels.from_table(None))


def frame(rows: list[dict[str, float]]) -> Frame:
    """Rows with mmsi, t_us, lon, lat and optionally sog_kn, segment, shore_m, port_m."""
    def col(name: str, default: float, dtype: type) -> np.ndarray:
        return np.array([r.get(name, default) for r in rows], dtype)
    f = Frame(mmsi=col("mmsi", 0, np.int64), t_us=col("t_us", 0, np.int64),
              lon=col("lon", 0, np.float64), lat=col("lat", 0, np.float64),
              sog_kn=col("sog_kn", 10.0, np.float64), cog_deg=col("cog_deg", 90.0, np.float64),
              segment=col("segment", 1, np.int64), shore_m=col("shore_m", 1e6, np.float64),
              port_m=col("port_m", 1e6, np.float64), msg_type=col("msg_type", 1, np.int32),
              source=col("source", 0, np.int64))
    return f.take(vessel_time_order(f.mmsi, f.t_us).order)


def leg(mmsi: int, t0_us: int, minutes: int, lon0: float, lat0: float, dlon_per_min: float,
        dlat_per_min: float = 0.0, every_min: int = 1, **extra: float) -> list[dict[str, float]]:
    return [dict(mmsi=mmsi, t_us=t0_us + k * MIN, lon=lon0 + k * dlon_per_min,
                 lat=lat0 + k * dlat_per_min, **extra)
            for k in range(0, minutes + 1, every_min)]


def split(f: Frame, cut_us: int) -> tuple[Frame, Frame]:
    first = f.t_us <= cut_us
    return f.take(np.flatnonzero(first)), f.take(np.flatnonzero(~first))
