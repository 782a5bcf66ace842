"""The HTTP API: one FastAPI application over one data directory.

Every route but ``/api/health``, the sign-in (``POST /api/session``) and the web page's
static files (``/``, ``/assets``, see :mod:`pantau.web`) needs a bearer token or the web
page's session cookie (see :mod:`pantau.api.auth`); errors
are JSON ``{"detail": ...}``: 401/403 for who, 404 for what does not exist, 422 for
parameters that do not validate, 400 for a request pantau refuses (an unknown zone), 503
while the store cannot be read. See :mod:`pantau.api.access` for how the store is read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from pantau import __version__
from pantau.api.access import DataAccess, StoreUnavailable, prepare
from pantau.api.auth import READERS, require
from pantau.api.receivers import LiveInputs, LiveService, open_live
from pantau.api.routes import alerts, events, health, incidents, presence, sharing, vessels, zones
from pantau.api.routes import config as config_routes
from pantau.api.routes import session as web_session
from pantau.api.routes._errors import errors, invalid_request
from pantau.api.stream import StreamHub
from pantau.api.stream import build as stream_routes
from pantau.errors import PantauError
from pantau.web import serve as web

OPENAPI_URL = "/api/openapi.json"


def create_app(data_dir: str | Path, live_inputs: LiveInputs | None = None,
               batch_s: float = 0.5) -> FastAPI:
    """The API over ``data_dir``, whose store is created or upgraded first; with live
    inputs, the process becomes the store's writer and ingests them while it serves."""
    path = Path(data_dir)
    prepare(path)
    hub = StreamHub()
    live: LiveService | None = None
    if live_inputs:
        shared, live = open_live(path, live_inputs, hub.publish, batch_s)
    access = DataAccess(path, shared if live is not None else None)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if live is None:
            yield
            return
        try:
            await live.start()
            yield
        finally:
            await live.stop()
            shared.close()

    app = FastAPI(title="pantau", version=__version__, openapi_url=OPENAPI_URL,
                  lifespan=lifespan,
                  docs_url="/api/docs", redoc_url=None,
                  # every route: a body that does not parse, a PantauError, a busy store
                  responses=errors(400, 503),
                  description="Maritime domain awareness: vessels, tracks, events, zones "
                  "and presence from one pantau data directory.")
    reader = require(READERS, access.store)
    app.include_router(health.build(access))
    for module in (vessels, events, zones, presence):
        app.include_router(module.build(access, reader))
    app.include_router(alerts.build(access, reader))
    app.include_router(incidents.build(access, reader))
    app.include_router(config_routes.build(access, reader))  # zones, watchlist, rules
    app.include_router(stream_routes(access, reader, hub, live))
    app.include_router(sharing.build(access))
    app.include_router(web_session.build(access))
    web.mount(app, access, reader)  # the web page at / and its map endpoints

    app.add_exception_handler(RequestValidationError, invalid_request)

    @app.exception_handler(StoreUnavailable)
    def _busy(request: Request, exc: StoreUnavailable) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503,
                            headers={"Retry-After": "1"})

    @app.exception_handler(PantauError)
    def _refused(request: Request, exc: PantauError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    return app
