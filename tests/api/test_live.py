"""Live ingest over real sockets into a real uvicorn server, and the live stream.

The server runs in this process (uvicorn in a thread, on free ports); the NMEA lines are
made with pantau.simulate's encoder: one vessel crossing into a box zone, so that a
zone_entry event follows from a few lines.
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from pantau.api import users
from pantau.api.app import create_app
from pantau.api.receivers import Endpoint, LiveInputs
from pantau.decode.specs import Layout
from pantau.pipeline import config
from pantau.simulate import encode_payload, sentences, tagged
from pantau.store.embedded import EmbeddedStore
from pantau.zones import defaults as zone_defaults

BOX = {"type": "FeatureCollection", "features": [{
    "type": "Feature", "properties": {"name": "Box", "kind": "aoi"},
    "geometry": {"type": "Polygon", "coordinates": [[
        [104.5, 2.0], [105.0, 2.0], [105.0, 2.5], [104.5, 2.5], [104.5, 2.0]]]}}]}
MMSI = 533000001
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def crossing(mmsi: int = MMSI, t0: datetime = T0, n: int = 8) -> list[bytes]:
    """``n`` position reports a minute apart at 7 kn, heading east into Box across its
    west edge between the fourth and the fifth."""
    lines = []
    for k in range(n):
        lon = 104.4925 + 0.002 * k
        payload, fill = encode_payload(Layout.POSITION_A, {
            "msg_type": 1, "mmsi": mmsi, "status": 0, "speed": 10.0, "accuracy": 1,
            "lon": lon, "lat": 2.2, "course": 90.0, "heading": 90, "second": 0})
        (line,) = sentences(payload, fill)
        lines.append(tagged(line, t0 + timedelta(minutes=k), source="rx1").encode() + b"\r\n")
    return lines


@pytest.fixture(scope="session")
def grid_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # the distance grid takes seconds to build: once for every data directory here
    cache = tmp_path_factory.mktemp("grid")
    zone_defaults.distance_grid(cache)
    return cache


def make_data_dir(root: Path, grid_cache: Path) -> tuple[Path, str]:
    """A data directory with the Box zone and an analyst; returns it and the token."""
    data = root / "data"
    shutil.copytree(grid_cache, data / "cache")
    zones = root / "box.geojson"
    zones.write_text(json.dumps(BOX))
    with EmbeddedStore(data) as store:
        config.use_zones(store, zones)
        users.add_user(store, "watch", "watch_officer")
        token = users.issue_token(store, "watch").token
    return data, token


@dataclass
class Live:
    url: str
    ws: str
    token: str
    udp: int
    tcp: int
    data_dir: Path

    def status(self) -> dict[str, Any]:
        r = httpx.get(f"{self.url}/api/live", headers=self.auth(), timeout=5)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def send_udp(self, lines: list[bytes]) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for line in lines:
                s.sendto(line, ("127.0.0.1", self.udp))

    def wait(self, what: str, ok: Any, timeout_s: float = 10) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while True:
            status = self.status()
            if ok(status):
                return status
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} within {timeout_s} s: {status}")
            time.sleep(0.05)


@contextmanager
def serving(data_dir: Path, token: str, tcp_connect: tuple[Endpoint, ...] = ()
            ) -> Iterator[Live]:
    """uvicorn in a thread with UDP and TCP-server inputs on free ports."""
    udp, tcp, http = free_port(socket.SOCK_DGRAM), free_port(), free_port()
    inputs = LiveInputs(udp=(Endpoint("127.0.0.1", udp),),
                        tcp_listen=(Endpoint("127.0.0.1", tcp),), tcp_connect=tcp_connect)
    app = create_app(data_dir, inputs, batch_s=0.2)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=http,
                                           log_level="warning", ws="websockets-sansio"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    try:
        yield Live(f"http://127.0.0.1:{http}", f"ws://127.0.0.1:{http}/api/stream", token,
                   udp, tcp, data_dir)
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@pytest.fixture
def live(tmp_path: Path, grid_cache: Path) -> Iterator[Live]:
    data, token = make_data_dir(tmp_path, grid_cache)
    with serving(data, token) as running:
        yield running


def test_udp_lines_reach_the_stream_and_the_store(live: Live) -> None:
    lines = crossing()
    with connect(f"{live.ws}?token={live.token}", open_timeout=5) as ws:
        sent = time.monotonic()
        live.send_udp(lines)
        positions: list[dict[str, Any]] = []
        event = None
        while event is None:
            message = json.loads(ws.recv(timeout=5))
            if message["type"] == "positions":
                positions += message["items"]
            elif message["event"]["kind"] == "zone_entry":
                event = message["event"]
        latency = time.monotonic() - sent
    assert event["mmsi"] == MMSI and event["zone"] == "Box"
    assert event["start"] == "2026-03-01T08:04:00Z"  # the first report inside
    assert latency < 2.0  # a 0.2 s batch; the issue's bar is 1 s, measured in bench/live.py
    assert positions[-1]["mmsi"] == MMSI and positions[-1]["zones"] in (["Box"], [])
    status = live.status()
    assert status["decode"]["decoded"] == len(lines)
    assert status["committed"]["positions"] == len(lines)
    # what the stream showed is in the store: the API reads it through the shared store
    r = httpx.get(f"{live.url}/api/events", params={"kind": "zone_entry"},
                  headers=live.auth(), timeout=5)
    assert [e["event_id"] for e in r.json()["items"]] == [event["event_id"]]
    r = httpx.get(f"{live.url}/api/vessels/{MMSI}", headers=live.auth(), timeout=5)
    assert r.status_code == 200


def test_the_stream_needs_a_valid_token(live: Live) -> None:
    for url, headers in ((live.ws, None), (f"{live.ws}?token=pt_forged", None),
                         (live.ws, {"Authorization": "Bearer nonsense"})):
        with connect(url, additional_headers=headers, open_timeout=5) as ws, \
                pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    with connect(live.ws, additional_headers=live.auth(), open_timeout=5) as ws:
        live.send_udp(crossing()[:1])
        assert json.loads(ws.recv(timeout=5))["type"] == "positions"


def test_garbage_on_the_ports_is_rejected_and_the_service_goes_on(live: Live) -> None:
    junk = [b"hello\n", b"\x00\xff" * 300 + b"\n", b"!AIVDM,1,1,,A,garbage*00\r\n",
            b"x" * 5000]
    live.send_udp(junk)
    with socket.create_connection(("127.0.0.1", live.tcp)) as tcp:
        tcp.sendall(b"".join(junk[:3]) + b"\x00" * 70_000 + b"\n")
        tcp.sendall(b"".join(crossing(MMSI + 1)))
    live.send_udp(crossing())
    status = live.wait("decoded lines", lambda s: s["decode"]["decoded"] == 16)
    assert sum(status["decode"]["rejected"].values()) >= 6
    live.wait("committed rejects", lambda s: s["committed"]["rejected"] >= 6)
    assert list((live.data_dir / "rejects").glob("*rejects.parquet"))
    assert httpx.get(f"{live.url}/api/health", timeout=5).json()["status"] == "ok"


def test_tcp_client_reconnects_with_backoff(tmp_path: Path, grid_cache: Path) -> None:
    data, token = make_data_dir(tmp_path, grid_cache)
    port = free_port()
    with serving(data, token, (Endpoint("127.0.0.1", port),)) as live:
        time.sleep(0.7)  # the first attempts find nothing listening
        with socket.create_server(("127.0.0.1", port)) as server:
            server.settimeout(10)
            lines = crossing()
            for part in (lines[:4], lines[4:]):  # two connections: a receiver restarts
                conn, _ = server.accept()
                with conn:
                    conn.sendall(b"".join(part))
            live.wait("both connections' lines",
                      lambda s: s["committed"]["positions"] == len(lines))
