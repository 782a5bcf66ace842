"""The vessel registry kept current from both kinds of report.

Static reports change identity (pantau.registry.merge_statics); position reports only
make a vessel known and move its first and last sighting. Pure: tables in, table out.
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

from pantau.registry import VesselState, categorise, flag_of, merge_statics, mmsi_kind
from pantau.registry.schema import VESSELS


def sightings(positions: pa.Table) -> pa.Table:
    """(mmsi, received_at_min, received_at_max) of a batch of positions."""
    return positions.group_by("mmsi", use_threads=False).aggregate(
        [("received_at", "min"), ("received_at", "max")])


def observe_positions(vessels: pa.Table, seen: pa.Table,
                      watchlist: pa.Table | None) -> pa.Table:
    """vessels with every MMSI of ``seen`` (see :func:`sightings`, several batches'
    concatenated will do) present and first/last_seen widened."""
    if seen.num_rows == 0:
        return vessels
    seen = seen.group_by("mmsi", use_threads=False).aggregate(
        [("received_at_min", "min"), ("received_at_max", "max")]).rename_columns(
        ["mmsi", "received_at_min", "received_at_max"])
    known = pc.is_in(seen["mmsi"], value_set=vessels["mmsi"].combine_chunks())
    new = seen.filter(pc.invert(known))
    if new.num_rows:
        cats = categorise(new["mmsi"], pa.nulls(new.num_rows, pa.uint8()), watchlist)
        rows = {name: pa.nulls(new.num_rows, VESSELS.field(name).type) for name in VESSELS.names}
        rows.update({
            "mmsi": new["mmsi"].combine_chunks(),
            "flag": flag_of(new["mmsi"]), "mmsi_kind": mmsi_kind(new["mmsi"]),
            "first_seen": new["received_at_min"].combine_chunks(),
            "last_seen": new["received_at_max"].combine_chunks(),
            "n_static_reports": pa.array([0] * new.num_rows, pa.int64()),
            "category": cats["category"].combine_chunks(),
            "category_basis": cats["category_basis"].combine_chunks(),
        })
        vessels = pa.concat_tables([vessels, pa.table(rows, schema=VESSELS)])
    joined = vessels.join(seen, "mmsi", join_type="left outer", use_threads=False)
    first = _widest(pc.min_element_wise, joined["first_seen"], joined["received_at_min"])
    last = _widest(pc.max_element_wise, joined["last_seen"], joined["received_at_max"])
    out = joined.drop_columns(["received_at_min", "received_at_max"])
    out = out.set_column(out.schema.get_field_index("first_seen"), "first_seen", first)
    out = out.set_column(out.schema.get_field_index("last_seen"), "last_seen", last)
    return out.select(VESSELS.names).cast(VESSELS).sort_by("mmsi")


def _widest(fn: Callable[..., pa.ChunkedArray], a: pa.ChunkedArray,
            b: pa.ChunkedArray) -> pa.ChunkedArray:
    # Arrow's element-wise min/max have no kernel for zoned timestamps: go through int64
    ints = fn(pc.cast(a, pa.int64()), pc.cast(b, pa.int64()))
    return pc.cast(ints, a.type)


def update_registry(vessels: pa.Table, statics: pa.Table, seen: pa.Table,
                    watchlist: pa.Table | None) -> tuple[pa.Table, pa.Table]:
    """(vessels, new history rows) after static reports and position sightings."""
    merged = merge_statics(statics, VesselState(vessels), watchlist)
    return observe_positions(merged.vessels, seen, watchlist), merged.history
