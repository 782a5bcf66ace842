"""`/api/vessels`: the current picture (identity and last position), one vessel's
identity and history, and its track from the archive."""

# no `from __future__ import annotations`: FastAPI reads these routes' annotations at
# run time, and they name dependencies local to build()
from enum import StrEnum
from typing import Annotated, Any

import pyarrow.compute as pc
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response
from pydantic import AwareDatetime, BaseModel, Field

from pantau.api.access import DataAccess
from pantau.api.params import BBoxFilter, Page, TimeRange
from pantau.api.routes._errors import AUTHENTICATED, errors
from pantau.api.routes._picture import Filters, PictureCache
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


class Vessel(BaseModel):
    """A vessel of the current picture (the registry's identity and the last archived
    position); null where unknown."""

    mmsi: int
    shipname: str | None
    callsign: str | None
    imo: int | None
    ship_type: int | None
    length_m: int | None
    beam_m: int | None
    flag: str | None
    mmsi_kind: str | None
    category: str | None
    category_basis: str | None
    first_seen: AwareDatetime | None
    last_seen: AwareDatetime | None
    lon: float | None
    lat: float | None
    last_position_at: AwareDatetime | None
    zones: list[str] | None


class VesselPage(BaseModel):
    total: Annotated[int, Field(description="Vessels that pass the filters.")]
    limit: int
    offset: int
    items: list[Vessel]


class TrackQuery(TimeRange):
    limit: Annotated[int, Field(ge=1, le=MAX_TRACK, description="At most this many.")] \
        = 10_000
    offset: Annotated[int, Field(ge=0, description="Skip this many positions first.")] = 0


def build(access: DataAccess, reader: Any) -> APIRouter:
    router = APIRouter(prefix="/api/vessels", tags=["vessels"], responses=AUTHENTICATED)
    pictures = PictureCache()
    Store = Annotated[EmbeddedStore, Depends(access.store)]
    Reader = Annotated[User, Depends(reader)]

    @router.get("", summary="Vessels: identity and last known position",
                response_model=VesselPage)
    def list_vessels(q: Annotated[VesselQuery, Query()], db: Store, _: Reader) -> Response:
        identity = db.select("vessels", order_by="mmsi").select(IDENTITY)
        picture = pictures.get(identity, access.last_positions())
        found = picture.select(Filters(q.category.value if q.category else None, q.flag,
                                       q.zone, q.box()))
        # the items are JSON already: returned as they are, not checked against the model
        return Response(picture.page(found, q.limit, q.offset),
                        media_type="application/json")

    @router.get("/{mmsi}", summary="One vessel: identity, identity history, last position",
                responses=errors(404))
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

