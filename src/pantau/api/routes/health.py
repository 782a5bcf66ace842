"""`/api/health`: open to anyone (load balancers, monitoring); says only whether the
service runs and its store can be read, nothing about the data."""

# no `from __future__ import annotations`: FastAPI reads these routes' annotations at
# run time, and they name dependencies local to build()
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from pantau import __version__
from pantau.api.access import DataAccess, StoreUnavailable
from pantau.api.routes._errors import errors


def build(access: DataAccess) -> APIRouter:
    router = APIRouter(prefix="/api/health", tags=["health"], responses=errors(503))

    @router.get("", summary="Liveness and store readiness (no token needed)")
    def health() -> Any:
        try:
            for store in access.store():
                store.schema_version()
        except StoreUnavailable:  # the reason names paths: not for anonymous callers
            return JSONResponse({"status": "degraded", "version": __version__,
                                 "store": "unavailable"}, status_code=503)
        return {"status": "ok", "version": __version__, "store": "ok"}

    return router
