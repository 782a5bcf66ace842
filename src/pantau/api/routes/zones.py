"""`/api/zones`: the zones in use on this data directory, as a GeoJSON FeatureCollection
in the zones-file format (so it can be given back to `pantau ingest --zones`)."""

# no `from __future__ import annotations`: FastAPI reads these routes' annotations at
# run time, and they name dependencies local to build()
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from pantau.api.access import DataAccess
from pantau.api.users import User
from pantau.pipeline.config import load_zoneset
from pantau.store.embedded import EmbeddedStore
from pantau.zones import dump_zones


def build(access: DataAccess, reader: Any) -> APIRouter:
    router = APIRouter(prefix="/api/zones", tags=["zones"])

    @router.get("", summary="Zones in use (GeoJSON FeatureCollection)")
    def list_zones(db: Annotated[EmbeddedStore, Depends(access.store)],
                   _: Annotated[User, Depends(reader)]) -> dict[str, Any]:
        return dump_zones(load_zoneset(db))

    return router
