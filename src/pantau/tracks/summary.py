"""One row per segment of a labelled positions table: where and when it starts and ends."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pantau.tracks._arrays import as_table, utc
from pantau.tracks.schema import SEGMENT_SUMMARY


def segments_summary(labelled: pa.Table) -> pa.Table:
    """Per segment (:data:`~pantau.tracks.schema.SEGMENT_SUMMARY`): mmsi, segment_id,
    start, end, duration_s, n_points, distance_m, first and last lon/lat.

    Covers the rows of this table only: for a batch of an incremental run, a segment that
    began in an earlier batch starts here at its first row of this batch, and its
    distance_m includes the link from the earlier batch's last point, so per-batch
    distances add up. Rows are taken in table order, which :func:`pantau.tracks.segment`
    keeps in time order within each segment. Sorted by (mmsi, start, segment_id).
    """
    table = as_table(labelled, "labelled positions",
                     ("mmsi", "segment_id", "received_at", "lon", "lat", "distance_m"))
    t = utc(table.column("received_at"), "received_at")
    work = pa.table({
        "mmsi": table.column("mmsi").cast(pa.int64()),
        "segment_id": table.column("segment_id").cast(pa.int64()),
        "t": t,
        "lon": table.column("lon").cast(pa.float64()),
        "lat": table.column("lat").cast(pa.float64()),
        "distance_m": table.column("distance_m").cast(pa.float64()).fill_null(0.0),
    })
    # no threads: "first" and "last" then follow the table's row order
    g = work.group_by(["mmsi", "segment_id"], use_threads=False).aggregate([
        ("t", "min"), ("t", "max"), ("t", "count"), ("distance_m", "sum"),
        ("lon", "first"), ("lat", "first"), ("lon", "last"), ("lat", "last"),
    ])
    start = g.column("t_min").cast(SEGMENT_SUMMARY.field("start").type)
    end = g.column("t_max").cast(SEGMENT_SUMMARY.field("end").type)
    duration_s = pc.divide(pc.subtract(end.cast(pa.int64()), start.cast(pa.int64())).cast(
        pa.float64()), 1e6)
    out = pa.Table.from_arrays([
        g.column("mmsi"), g.column("segment_id"), start, end, duration_s,
        g.column("t_count").cast(pa.int64()), g.column("distance_m_sum"),
        g.column("lon_first"), g.column("lat_first"), g.column("lon_last"),
        g.column("lat_last"),
    ], schema=SEGMENT_SUMMARY)
    if out.num_rows == 0:
        return out
    order = np.lexsort((out.column("segment_id").to_numpy(),
                        out.column("start").cast(pa.int64()).to_numpy(),
                        out.column("mmsi").to_numpy()))
    return out.take(pa.array(order, pa.int64()))
