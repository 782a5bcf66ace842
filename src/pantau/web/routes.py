"""`/api/map/...`: what the web page's map needs in one request each (the offline
basemap, the current picture, a replay of the last hours), readable by the same roles as
the rest of the picture. Large answers are gzip-compressed when the client accepts it."""

# no `from __future__ import annotations`: FastAPI reads these routes' annotations at
# run time, and they name dependencies local to build()
import gzip
import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import Field, model_validator

from pantau.api.access import DataAccess
from pantau.api.params import TimeRange
from pantau.api.routes._errors import AUTHENTICATED, errors
from pantau.api.users import User
from pantau.pipeline.config import ACTIVE, load_zoneset
from pantau.store.embedded import EmbeddedStore
from pantau.web import basemap
from pantau.web.picture import (
    IDENTITY,
    ReplayTooLarge,
    ReplayWindow,
    current_picture,
    newest_position,
    replay,
)

GZIP_FROM = 4096  # bytes; smaller answers are not worth compressing


class ReplayQuery(TimeRange):
    hours: Annotated[float, Field(gt=0, le=48, description="Replay this many hours before "
                                  "`until` (default: the newest archived position).")] = 3.0
    step_s: Annotated[int, Field(ge=10, le=3600, description="Seconds between frames.")] \
        = 300

    @model_validator(mode="after")
    def _not_both(self) -> "ReplayQuery":
        if self.since is not None and "hours" in self.model_fields_set:
            raise ValueError("give since or hours, not both")
        return self


@dataclass(frozen=True)
class Encoded:
    """A JSON answer encoded once, plain and gzipped, to be sent many times."""

    raw: bytes
    gz: bytes | None
    etag: str

    @classmethod
    def of(cls, body: Any) -> "Encoded":
        raw = json.dumps(body, separators=(",", ":"), allow_nan=False).encode()
        gz = gzip.compress(raw, 6) if len(raw) >= GZIP_FROM else None
        return cls(raw, gz, f'"{hashlib.sha256(raw).hexdigest()[:32]}"')


def json_response(request: Request, body: Any | Encoded,
                  headers: dict[str, str] | None = None) -> Response:
    encoded = body if isinstance(body, Encoded) else Encoded.of(body)
    out = {"Vary": "Accept-Encoding", "ETag": encoded.etag, **(headers or {})}
    if request.headers.get("if-none-match") == encoded.etag:
        return Response(status_code=304, headers=out)
    if encoded.gz is not None and "gzip" in request.headers.get("accept-encoding", ""):
        return Response(encoded.gz, media_type="application/json",
                        headers={**out, "Content-Encoding": "gzip"})
    return Response(encoded.raw, media_type="application/json", headers=out)


def build(access: DataAccess, reader: Any) -> APIRouter:
    router = APIRouter(prefix="/api/map", tags=["map"], responses=AUTHENTICATED | {
        304: {"description": "Not modified: the answer has the ETag sent in If-None-Match"}})
    Store = Annotated[EmbeddedStore, Depends(access.store)]
    Reader = Annotated[User, Depends(reader)]
    lock = threading.Lock()
    cached: dict[str, tuple[object, Encoded]] = {}

    def remember(name: str, key: object, make: Callable[[], Any]) -> Encoded:
        with lock:
            hit = cached.get(name)
        if hit is not None and hit[0] == key:
            return hit[1]
        value = Encoded.of(make())
        with lock:
            cached[name] = (key, value)
        return value

    @router.get("/basemap", summary="Offline basemap: Natural Earth land (and so the "
                "coastline) and the zones in use, point zones as circles (GeoJSON)")
    def get_basemap(request: Request, db: Store, _: Reader) -> Response:
        # the zones in use change only with `pantau ingest --zones`: their stored text is
        # the key (as load_zoneset finds it), so the megabyte is built once per version
        active = db.get_config(ACTIVE, "zones")
        text = db.get_config("zones", active) if active else None
        key = hashlib.sha256((text or "reference zones").encode()).hexdigest()
        return json_response(request, remember("basemap", key, lambda: {
            "land": basemap.land(), "zones": basemap.map_zones(load_zoneset(db))}),
            {"Cache-Control": "private, no-cache"})

    @router.get("/picture", summary="Every vessel heard in the last 24 h of data: newest "
                "position, course, heading, speed and identity, as columns")
    def get_picture(request: Request, db: Store, _: Reader) -> Response:
        files = tuple(str(f) for f in access.archive.files())
        vessels = db.select("vessels").select(["mmsi", *IDENTITY])
        key = (files, vessels.num_rows, hash(tuple(vessels["category"].to_pylist())))
        return json_response(request, remember(
            "picture", key, lambda: current_picture(access.archive, vessels)),
            {"Cache-Control": "private, no-cache"})

    @router.get("/replay", summary="Every vessel's position at the end of each step of "
                "the last hours of data (or since/until), as columns",
                responses=errors(400))
    def get_replay(request: Request, q: Annotated[ReplayQuery, Query()], _: Reader
                   ) -> Response:
        until = q.until or newest_position(access.archive)
        if until is None:
            return json_response(request, {"times": [], "step_s": q.step_s, "mmsi": [],
                                           "lon": [], "lat": [], "heading": []})
        try:
            since = q.since or until - timedelta(hours=q.hours)
            if since >= until:
                raise HTTPException(400, "since must be before until (by default the "
                                    "newest archived position)")
            return json_response(request, replay(access.archive,
                                                 ReplayWindow(since, until, q.step_s)))
        except ReplayTooLarge as e:
            raise HTTPException(400, str(e)) from None
        except OverflowError:  # a time near year 1 or 9999, less the hold or the hours
            raise HTTPException(400, "since/until out of range") from None

    return router
