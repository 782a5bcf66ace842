"""`/api/zones`: the zones in use on this data directory, as a GeoJSON FeatureCollection
in the zones-file format (so it can be given back to `pantau ingest --zones`). Replacing
them and their versions: see :mod:`pantau.api.routes.config`."""

# no `from __future__ import annotations`: FastAPI reads these routes' annotations at
# run time, and they name dependencies local to build()
import json
import threading
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from pantau.api.access import DataAccess
from pantau.api.routes._errors import AUTHENTICATED
from pantau.api.users import User
from pantau.pipeline.config import ACTIVE
from pantau.store.embedded import EmbeddedStore
from pantau.zones import defaults as zone_defaults
from pantau.zones import dump_zones, parse_zones


def build(access: DataAccess, reader: Any) -> APIRouter:
    router = APIRouter(prefix="/api/zones", tags=["zones"], responses=AUTHENTICATED)
    # the reference zones are half a megabyte of GeoJSON: parsed and encoded once per
    # version in force, not once per request
    lock = threading.Lock()
    kept: dict[str | None, bytes] = {}

    @router.get("", summary="Zones in use (GeoJSON FeatureCollection)",
                response_model=dict[str, Any])
    def list_zones(db: Annotated[EmbeddedStore, Depends(access.store)],
                   _: Annotated[User, Depends(reader)]) -> Response:
        name = db.get_config(ACTIVE, "zones")
        text = db.get_config("zones", name) if name else None
        with lock:
            body = kept.get(text)
        if body is None:
            zones = (parse_zones(json.loads(text)) if text is not None
                     else zone_defaults.reference_zones())
            body = json.dumps(dump_zones(zones)).encode()
            with lock:
                kept.clear()  # only the version in force is worth keeping
                kept[text] = body
        return Response(body, media_type="application/json")

    return router
