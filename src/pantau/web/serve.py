"""Serve the built single-page app: ``/`` is its index.html, ``/assets/...`` its scripts,
styles and icons (names carry a content hash, so they may be cached for good).

The app is built from ``web/`` into ``pantau/web/static`` when pantau is installed
(``hatch_build.py``); an installation without it answers ``/`` with a page saying how to
build it, and the API works as before.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import Scope

from pantau.api.access import DataAccess
from pantau.web import routes

#: no third-party origin is needed: the basemap, fonts and scripts are all served here.
#: MapLibre runs its worker from a blob: URL, and sets styles on its elements.
CSP = ("default-src 'self'; script-src 'self'; worker-src 'self' blob:; "
       "child-src blob:; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
       "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
       "form-action 'self'")
_PAGE_HEADERS = {"Content-Security-Policy": CSP, "Cache-Control": "no-cache",
                 "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}

NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>pantau: web page not built</title></head><body>
<h1>The pantau web page is not built in this installation</h1>
<p>It is built from <code>web/</code> with npm when pantau is installed: install Node.js
and npm, then <code>pip install -e .</code> (or <code>pip install .</code>) again.
The API is served meanwhile: <a href="/api/docs">/api/docs</a>.</p></body></html>"""


def static_dir() -> Path:
    return Path(str(resources.files("pantau.web"))) / "static"


class _Assets(StaticFiles):
    """Hashed assets: cached for a year, never sniffed."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def mount(app: FastAPI, access: DataAccess, reader: object,
          static: Path | None = None) -> None:
    """Add the map endpoints, ``/`` and ``/assets`` to ``app``."""
    root = static or static_dir()
    app.include_router(routes.build(access, reader))

    @app.get("/", include_in_schema=False)
    def index() -> Response:
        page = root / "index.html"
        if not page.is_file():
            return HTMLResponse(NOT_BUILT, status_code=503, headers=_PAGE_HEADERS)
        return HTMLResponse(page.read_text(encoding="utf-8"), headers=_PAGE_HEADERS)

    if (root / "assets").is_dir():
        app.mount("/assets", _Assets(directory=root / "assets"), name="assets")
