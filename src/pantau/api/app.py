"""The HTTP API: one FastAPI application over one data directory.

Every route but ``/api/health`` needs a bearer token (see :mod:`pantau.api.auth`); errors
are JSON ``{"detail": ...}``: 401/403 for who, 404 for what does not exist, 422 for
parameters that do not validate, 400 for a request pantau refuses (an unknown zone), 503
while the store cannot be read. See :mod:`pantau.api.access` for how the store is read.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from pantau import __version__
from pantau.api.access import DataAccess, StoreUnavailable, prepare
from pantau.api.auth import READERS, require
from pantau.api.routes import events, health, presence, vessels, zones
from pantau.errors import PantauError

OPENAPI_URL = "/api/openapi.json"


def create_app(data_dir: str | Path) -> FastAPI:
    """The API over ``data_dir``, whose store is created or upgraded first."""
    path = Path(data_dir)
    prepare(path)
    access = DataAccess(path)
    app = FastAPI(title="pantau", version=__version__, openapi_url=OPENAPI_URL,
                  docs_url="/api/docs", redoc_url=None,
                  description="Maritime domain awareness: vessels, tracks, events, zones "
                  "and presence from one pantau data directory.")
    reader = require(READERS, access.store)
    app.include_router(health.build(access))
    for module in (vessels, events, zones, presence):
        app.include_router(module.build(access, reader))

    @app.exception_handler(StoreUnavailable)
    def _busy(request: Request, exc: StoreUnavailable) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503,
                            headers={"Retry-After": "1"})

    @app.exception_handler(PantauError)
    def _refused(request: Request, exc: PantauError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    return app
