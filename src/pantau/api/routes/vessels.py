"""`/api/vessels`: the current picture (identity and last position), one vessel's
identity and history, and its track from the archive."""

# no `from __future__ import annotations`: FastAPI reads these routes' annotations at
# run time, and they name dependencies local to build()
from enum import StrEnum
from typing import Annotated, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import Field

from pantau.api.access import DataAccess
from pantau.api.params import BBoxFilter, Page, TimeRange
from pantau.api.routes._rows import rows
from pantau.api.users import User
from pantau.registry import CATEGORIES
from pantau.store.embedded import EmbeddedStore

Category = StrEnum("Category", {c: c for c in CATEGORIES})  # type: ignore[misc]

MAX_TRACK = 100_000
IDENTITY = ["mmsi", "shipname", "callsign", "imo", "ship_type", "length_m", "beam_m", "flag",
            "mmsi_kind", "category", "category_basis", "first_seen", "last_seen"]
TRACK = ["received_at", "lon", "lat", "speed", "course", "heading", "status", "segment_id",
         "implied_speed_kn", "zones", "shore_distance_m", "nearest_port", "port_distance_m"]
MMSI = Annotated[int, Path(ge=0, le=999_999_999, description="The vessel's MMSI.")]


class VesselQuery(Page, BBoxFilter):
    category: Annotated[Category | None, Field(description="Only this category.")] = None
    flag: Annotated[str | None, Field(pattern="^[A-Z]{2}$",
                                      description="ISO 3166 alpha-2 flag of the MMSI.")] = None
    zone: Annotated[str | None, Field(
        min_length=1, description="Only vessels whose last position is inside this zone.")] \
        = None


class TrackQuery(TimeRange):
    limit: Annotated[int, Field(ge=1, le=MAX_TRACK, description="At most this many.")] \
        = 10_000
    offset: Annotated[int, Field(ge=0, description="Skip this many positions first.")] = 0


def build(access: DataAccess, reader: Any) -> APIRouter:
    router = APIRouter(prefix="/api/vessels", tags=["vessels"])
    Store = Annotated[EmbeddedStore, Depends(access.store)]
    Reader = Annotated[User, Depends(reader)]

    @router.get("", summary="Vessels: identity and last known position")
    def list_vessels(q: Annotated[VesselQuery, Query()], db: Store, _: Reader
                     ) -> dict[str, Any]:
        where: dict[str, object] = {}
        if q.category is not None:
            where["category"] = q.category.value
        if q.flag is not None:
            where["flag"] = q.flag
        table = db.select("vessels", where or None, order_by="mmsi").select(IDENTITY)
        table = _with_last_position(table, access.last_positions())
        box = q.box()
        if box is not None:
            inside = pc.and_(pc.and_(pc.greater_equal(table["lon"], box[0]),
                                     pc.less_equal(table["lon"], box[2])),
                             pc.and_(pc.greater_equal(table["lat"], box[1]),
                                     pc.less_equal(table["lat"], box[3])))
            table = table.filter(pc.fill_null(inside, False))
        if q.zone is not None:
            table = table.filter(_in_zone(table["zones"], q.zone))
        table = table.sort_by("mmsi")
        return {"total": table.num_rows, "limit": q.limit, "offset": q.offset,
                "items": rows(table.slice(q.offset, q.limit))}

    @router.get("/{mmsi}", summary="One vessel: identity, identity history, last position")
    def get_vessel(mmsi: MMSI, db: Store, _: Reader) -> dict[str, Any]:
        found = db.select("vessels", {"mmsi": mmsi}, limit=1).select(IDENTITY)
        picture = access.last_positions()
        last = picture.filter(pc.equal(picture["mmsi"], mmsi))
        if not found.num_rows and not last.num_rows:
            raise HTTPException(404, f"no vessel {mmsi} in the registry or the archive")
        vessel: dict[str, Any] = (rows(found)[0] if found.num_rows
                                  else {k: None for k in IDENTITY} | {"mmsi": mmsi})
        position = rows(last.drop_columns(["mmsi"]))
        vessel["last_position"] = position[0] if position else None
        vessel["history"] = rows(db.select("vessel_history", {"mmsi": mmsi},
                                           order_by="changed_at").drop_columns(["mmsi"]))
        return vessel

    @router.get("/{mmsi}/track", summary="A vessel's positions in time order")
    def get_track(mmsi: MMSI, q: Annotated[TrackQuery, Query()], _: Reader
                  ) -> dict[str, Any]:
        table = access.archive.query(mmsi=mmsi, since=q.since, until=q.until)
        if table.num_rows:
            table = table.select([c for c in TRACK if c in table.column_names])
        return {"mmsi": mmsi, "total": table.num_rows, "limit": q.limit, "offset": q.offset,
                "items": rows(table.slice(q.offset, q.limit))}

    return router


def _with_last_position(vessels: pa.Table, last: pa.Table) -> pa.Table:
    # Table.join cannot carry the list column `zones`: look rows up by index instead
    at = pc.index_in(vessels["mmsi"], value_set=last["mmsi"])
    found = last.take(at)
    for name in last.column_names[1:]:
        vessels = vessels.append_column(name, found[name])
    return vessels


def _in_zone(zones: pa.ChunkedArray, zone: str) -> pa.Array:
    # pyarrow has no list_contains kernel: compare the flattened names and mark their rows
    flat = zones.combine_chunks()
    mask = np.zeros(len(flat), dtype=bool)
    hit = pc.equal(pc.list_flatten(flat), zone).to_numpy(zero_copy_only=False)
    mask[pc.list_parent_indices(flat).to_numpy(zero_copy_only=False)[hit]] = True
    return pa.array(mask)
