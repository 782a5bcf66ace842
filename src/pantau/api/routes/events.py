"""`/api/events`: behaviour events found by ingest, newest first, as in the events
contract (times in UTC with Z, ``details`` an object)."""

# no `from __future__ import annotations`: FastAPI reads these routes' annotations at
# run time, and they name dependencies local to build()
import json
from enum import StrEnum
from typing import Annotated, Any

import pyarrow.compute as pc
from fastapi import APIRouter, Depends, Query
from pydantic import Field

from pantau.api.access import DataAccess
from pantau.api.params import BBoxFilter, Page, TimeRange
from pantau.api.routes._errors import AUTHENTICATED
from pantau.api.routes._rows import rows
from pantau.api.users import User
from pantau.detect import KINDS
from pantau.store.embedded import EmbeddedStore

Kind = StrEnum("Kind", {k: k for k in KINDS})  # type: ignore[misc]


class EventQuery(Page, TimeRange, BBoxFilter):
    kind: Annotated[Kind | None, Field(description="Only this kind.")] = None
    mmsi: Annotated[int | None, Field(ge=0, le=999_999_999,
                                      description="Only events of this vessel, either side "
                                      "of a pair.")] = None
    zone: Annotated[str | None, Field(min_length=1, description="Only events in this zone.")] \
        = None


def build(access: DataAccess, reader: Any) -> APIRouter:
    router = APIRouter(prefix="/api/events", tags=["events"], responses=AUTHENTICATED)

    @router.get("", summary="Behaviour events, newest first; since/until select events "
                "overlapping the range")
    def list_events(q: Annotated[EventQuery, Query()],
                    db: Annotated[EmbeddedStore, Depends(access.store)],
                    _: Annotated[User, Depends(reader)]) -> dict[str, Any]:
        where: dict[str, object] = {}
        if q.kind is not None:
            where["kind"] = q.kind.value
        if q.zone is not None:
            where["zone"] = q.zone
        if q.since is not None:
            where["end"] = (">=", q.since)
        if q.until is not None:
            where["start"] = ("<", q.until)
        found = db.select("events", where or None, order_by="start desc")
        if q.mmsi is not None:
            found = found.filter(pc.or_(
                pc.equal(found["mmsi"], q.mmsi),
                pc.fill_null(pc.equal(found["other_mmsi"], q.mmsi), False)))
        box = q.box()
        if box is not None:
            found = found.filter(pc.fill_null(pc.and_(
                pc.and_(pc.greater_equal(found["lon"], box[0]),
                        pc.less_equal(found["lon"], box[2])),
                pc.and_(pc.greater_equal(found["lat"], box[1]),
                        pc.less_equal(found["lat"], box[3]))), False))
        items = rows(found.slice(q.offset, q.limit))
        for item in items:
            item["details"] = json.loads(item["details"] or "{}")
        return {"total": found.num_rows, "limit": q.limit, "offset": q.offset,
                "items": items}

    return router
