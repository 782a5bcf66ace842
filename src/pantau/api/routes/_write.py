"""What the routes that change data share: a writable store per request, one writer at a
time, and a cap on request bodies.

The service reads through read-only connections opened per request (see
:mod:`pantau.api.access`); a change opens a writable one for its request only, so that
`pantau ingest` and `pantau users` still find the file free between requests. DuckDB admits
one writing process, and within this one a lock keeps changes in turn, so that an
incident's log numbers never collide. While another process writes, or a read in this one
holds the file with another configuration, the open retries briefly and then answers 503.
With live inputs the service holds one read-write store for its life, and changes go
through it (see :class:`pantau.api.access.SharedStore`).
"""

# no `from __future__ import annotations`: FastAPI reads these annotations at run time
import threading
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from pantau.api.access import DataAccess, open_store
from pantau.store.embedded import EmbeddedStore

MAX_BODY = 64 * 1024  # bytes; the largest legitimate body (a long note) is far smaller
_RETRIES_S = (0.02, 0.05, 0.1, 0.2, 0.4, 0.8)
_lock = threading.Lock()


def writer(access: DataAccess) -> Callable[[], Iterator[EmbeddedStore]]:
    """A FastAPI dependency giving a writable store for one request, changes in turn."""

    def store() -> Iterator[EmbeddedStore]:
        with _lock:
            if access.shared is not None:  # with live inputs the service is the writer
                yield access.shared  # type: ignore[misc]
                return
            db = _open(access)
            try:
                yield db
            finally:
                db.close()

    return store


def _open(access: DataAccess) -> EmbeddedStore:
    return open_store(access.data_dir, read_only=False, retries_s=_RETRIES_S)


def _too_large() -> JSONResponse:
    return JSONResponse({"detail": f"request body over {MAX_BODY} bytes"}, status_code=413)


class LimitedRoute(APIRoute):
    """A route whose request body is refused (413) past MAX_BODY bytes, before it is
    parsed, whether or not the client declared its length."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def limited(request: Request) -> Response:
            declared = request.headers.get("content-length")
            if declared is not None:
                if not declared.isdigit():
                    return JSONResponse({"detail": "bad Content-Length"}, status_code=400)
                if int(declared) > MAX_BODY:
                    return _too_large()
            body = bytearray()
            async for chunk in request.stream():
                body += chunk
                if len(body) > MAX_BODY:
                    return _too_large()
            request._body = bytes(body)  # what FastAPI parses next
            return await handler(request)

        return limited
