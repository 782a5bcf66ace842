"""The live stream (`/api/stream`, a WebSocket) and live ingest status (`/api/live`).

The stream pushes JSON text messages, per batch of live input:
``{"type": "positions", "batch": N, "items": [...]}``, the newest position of each vessel
heard in the batch, then ``{"type": "event", "batch": N, "event": {...}}`` for each event the
batch produced (the events contract: ``event_id, kind, mmsi, other_mmsi, start, end, lat,
lon, zone, duration_s, details``), then ``{"type": "alert", "batch": N, "alert": {...}}`` for
each alert those events raised under the rules in force, as `/api/alerts` lists it (kept in
the store before it is sent). An event or alert already sent may come again, updated,
under the same ``event_id`` or ``alert_id``.

The token goes in ``?token=`` (browsers cannot set headers on a WebSocket) or in an
``Authorization: Bearer`` header; the web page's session cookie also serves, from a page
of the same origin (the Origin header must name this host: a page on another site cannot
open the stream with the cookie). Without a valid one the socket is accepted and closed
at once with code 4401 (4403 for a role that may not read), so that a client sees why;
a client too slow to keep up is closed with 1013 (try again later) rather than being
allowed to hold back every other client or grow the service's memory.
"""

# no `from __future__ import annotations`: FastAPI reads these routes' annotations at
# run time, and they name dependencies local to build()
import asyncio
import json
from datetime import UTC, datetime
from typing import Annotated, Any

import pyarrow as pa
from fastapi import APIRouter, Depends, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from pantau.api.access import DataAccess
from pantau.api.auth import READERS
from pantau.api.receivers import LiveService
from pantau.api.routes._errors import AUTHENTICATED
from pantau.api.routes._rows import jsonable
from pantau.api.sessions import COOKIE, verify_session
from pantau.api.users import User, verify_token
from pantau.pipeline.live import LiveStep

CLIENT_QUEUE = 256  # messages a client may fall behind before it is closed
_CLOSE = None


class StreamHub:
    """Fans each batch's messages out to the connected clients. Event-loop thread only."""

    def __init__(self) -> None:
        self._clients: set[asyncio.Queue[str | None]] = set()

    def subscribe(self) -> asyncio.Queue[str | None]:
        q: asyncio.Queue[str | None] = asyncio.Queue(CLIENT_QUEUE)
        self._clients.add(q)
        return q

    def unsubscribe(self, q: asyncio.Queue[str | None]) -> None:
        self._clients.discard(q)

    @property
    def clients(self) -> int:
        return len(self._clients)

    def publish(self, step: LiveStep) -> None:
        if not self._clients:
            return
        messages = stream_messages(step)
        for q in list(self._clients):
            if q.maxsize - q.qsize() < len(messages):
                self._clients.discard(q)
                while not q.empty():
                    q.get_nowait()
                q.put_nowait(_CLOSE)
                continue
            for m in messages:
                q.put_nowait(m)


def stream_messages(step: LiveStep) -> list[str]:
    sent_at = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    out: list[str] = []
    if step.latest.num_rows:
        out.append(json.dumps({"type": "positions", "batch": step.batch, "sent_at": sent_at,
                               "items": _items(step.latest)}))
    out += [json.dumps({"type": "event", "batch": step.batch, "sent_at": sent_at,
                        "event": e.to_json()}) for e in step.events]
    out += [json.dumps({"type": "alert", "batch": step.batch, "sent_at": sent_at,
                        "alert": {k: jsonable(v) for k, v in a.items()}})
            for a in step.alerts]
    return out


def _items(table: pa.Table) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = table.to_pylist()
    for item in items:
        t = item["received_at"]
        item["received_at"] = t.isoformat().replace("+00:00", "Z")
    return items


def _bearer(websocket: WebSocket, token: str | None) -> str | None:
    if token:
        return token
    header = websocket.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def build(access: DataAccess, reader: Any, hub: StreamHub,
          live: LiveService | None) -> APIRouter:
    router = APIRouter(tags=["live"])

    def who(token: str | None, session_id: str | None) -> User | None:
        for store in access.store():
            if token:
                return verify_token(store, token)
            return verify_session(store, session_id or "", datetime.now(UTC))
        return None

    @router.websocket("/api/stream")
    async def stream(websocket: WebSocket, token: str | None = None) -> None:
        presented = _bearer(websocket, token)
        session_id = None if presented else _session(websocket)
        user = (await run_in_threadpool(who, presented, session_id)
                if presented or session_id else None)
        await websocket.accept()
        if user is None:
            await websocket.close(4401, "missing or invalid token (?token= or "
                                  "Authorization: Bearer)")
            return
        if user.role not in READERS:
            await websocket.close(4403, f"role {user.role!r} may not read the stream")
            return
        q = hub.subscribe()
        listen = asyncio.create_task(_until_closed(websocket))
        try:
            while True:
                get = asyncio.create_task(q.get())
                done, _ = await asyncio.wait({get, listen},
                                             return_when=asyncio.FIRST_COMPLETED)
                if listen in done:
                    get.cancel()
                    return
                message = get.result()
                if message is _CLOSE:
                    await websocket.close(1013, "too slow for the live stream")
                    return
                await websocket.send_text(message)
        except (WebSocketDisconnect, RuntimeError):
            return  # the client went away while we sent
        finally:
            hub.unsubscribe(q)
            listen.cancel()

    @router.get("/api/live", summary="Live ingest: inputs, counts decoded and committed",
                responses=AUTHENTICATED)
    def live_status(_: Annotated[User, Depends(reader)]) -> dict[str, Any]:
        if live is None:
            return {"running": False, "stream_clients": hub.clients}
        return {"running": True, "stream_clients": hub.clients, **live.status()}

    return router


def _session(websocket: WebSocket) -> str | None:
    """The session cookie, if the page that opened the socket is of this origin."""
    session_id = websocket.cookies.get(COOKIE)
    origin = websocket.headers.get("origin", "")
    host = websocket.headers.get("host", "")
    if not session_id or not host or origin.partition("://")[2] != host:
        return None
    return session_id


async def _until_closed(websocket: WebSocket) -> None:
    # the stream is one way: anything a client sends is read and ignored, which is also
    # how a disconnect is noticed while no batch arrives
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
    except (WebSocketDisconnect, RuntimeError):
        return
