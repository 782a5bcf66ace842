"""Positions made ready for the archive: cleaned, segmented, labelled with zones and
distances. Pure: tables in, tables out; the caller carries the segment state."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pantau.tracks import SegmentState, prepare, segment
from pantau.zones import DistanceGrid, PortIndex, ZoneIndex, in_zone

#: columns of the positions archive beyond the decoder's positions table
ENRICHED = ("segment_id", "dt_s", "distance_m", "implied_speed_kn", "zones",
            "shore_distance_m", "port_distance_m", "nearest_port")


@dataclass(frozen=True)
class Geography:
    """What positions are labelled with: zones, distance to shore, nearest port."""

    zones: ZoneIndex
    shore: DistanceGrid | None
    ports: PortIndex | None


@dataclass(frozen=True)
class Enriched:
    positions: pa.Table  # archive rows
    dropped: pa.Table  # rows set aside by cleaning, with a reason
    state: SegmentState


def zone_names(index: ZoneIndex, lon: np.ndarray, lat: np.ndarray) -> pa.Array:
    """Names of the zones each point lies in, as list<string> (empty list: none)."""
    words = index.label(lon, lat)
    names = [z.name for z in index.zones]
    n = len(lon)
    rows_list: list[np.ndarray] = []
    zone_list: list[np.ndarray] = []
    for k in range(len(names)):
        inside = np.flatnonzero(in_zone(words, k))
        rows_list.append(inside)
        zone_list.append(np.full(len(inside), k, np.int32))
    rows = np.concatenate(rows_list) if rows_list else np.zeros(0, np.int64)
    zone = np.concatenate(zone_list) if zone_list else np.zeros(0, np.int32)
    order = np.lexsort((zone, rows))
    counts = np.bincount(rows, minlength=n)
    offsets = np.zeros(n + 1, np.int32)
    np.cumsum(counts, out=offsets[1:])
    values = pa.DictionaryArray.from_arrays(pa.array(zone[order]), pa.array(names, pa.string()))
    return pa.ListArray.from_arrays(pa.array(offsets), values.cast(pa.string()))


def enrich(positions: pa.Table, state: SegmentState | None, geo: Geography) -> Enriched:
    prepared = prepare(positions)
    segmented = segment(prepared.clean, state)
    table = segmented.labelled
    lon = table["lon"].to_numpy(zero_copy_only=False)
    lat = table["lat"].to_numpy(zero_copy_only=False)
    table = table.append_column("zones", zone_names(geo.zones, lon, lat))
    if geo.shore is not None:
        shore = geo.shore.distance_m(lon, lat)
        table = table.append_column("shore_distance_m",
                                    pa.array(shore, pa.float32(), mask=np.isnan(shore)))
    else:
        table = table.append_column("shore_distance_m", pa.nulls(len(table), pa.float32()))
    if geo.ports is not None and len(geo.ports):
        dist, idx = geo.ports.nearest(lon, lat)
        names = pa.array(geo.ports.names, pa.string())
        table = table.append_column("port_distance_m", pa.array(dist, pa.float32()))
        table = table.append_column("nearest_port", pc.take(names, pa.array(idx)))
    else:
        table = table.append_column("port_distance_m", pa.nulls(len(table), pa.float32()))
        table = table.append_column("nearest_port", pa.nulls(len(table), pa.string()))
    return Enriched(table, prepared.dropped, segmented.state)
