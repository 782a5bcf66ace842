"""What the routes that change data share: a writable store per request, one writer at a
time, and a cap on request bodies.

The service reads through read-only leases (see :mod:`pantau.api.lease`); a change
attaches the file read-write for its request only, so that `pantau ingest` and `pantau
users` still find the file free between requests. DuckDB admits one writing process, and
within this one a lock keeps changes in turn, so that an incident's log numbers never
collide; a change waits for this process's reads in flight to end and holds new ones back
while it runs. While another process holds the file the attach retries briefly and then
answers 503.
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

from pantau.api.access import DataAccess
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
            # once this process's readers are done (see pantau.api.lease)
            with access.leases.write(_RETRIES_S) as db:
                yield db

    return store


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse({"detail": f"request body over {limit} bytes"}, status_code=413)


class LimitedRoute(APIRoute):
    """A route whose request body is refused (413) past ``max_body`` bytes, before it is
    parsed, whether or not the client declared its length."""

    max_body = MAX_BODY

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        limit = self.max_body

        async def limited(request: Request) -> Response:
            declared = request.headers.get("content-length")
            if declared is not None:
                if not declared.isdigit():
                    return JSONResponse({"detail": "bad Content-Length"}, status_code=400)
                if int(declared) > limit:
                    return _too_large(limit)
            body = bytearray()
            async for chunk in request.stream():
                body += chunk
                if len(body) > limit:
                    return _too_large(limit)
            request._body = bytes(body)  # what FastAPI parses next
            return await handler(request)

        return limited


def limited_to(max_body: int) -> type[LimitedRoute]:
    """A route class whose bodies may be up to ``max_body`` bytes (a zones file is)."""
    return type(f"LimitedRoute{max_body}", (LimitedRoute,), {"max_body": max_body})
