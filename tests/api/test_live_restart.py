"""A restart loses nothing acknowledged: `pantau serve --udp` killed with SIGKILL in the
middle of a UDP replay, then started again on the same data directory."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from typer.testing import CliRunner

from pantau.cli.main import app as cli
from pantau.store.archive import PositionArchive
from pantau.store.embedded import EmbeddedStore
from tests.api.test_live import MMSI, T0, crossing, free_port, grid_cache, make_data_dir

__all__ = ["grid_cache"]  # the fixture, shared


def _start(data: Path, http: int, udp: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "pantau.cli.main", "serve", "--data-dir", str(data),
         "--port", str(http), "--udp", f"127.0.0.1:{udp}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ | {"NO_COLOR": "1"})


def _live(url: str, token: str, proc: subprocess.Popen[bytes], ok: Any,
          timeout_s: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()[1].decode()
        try:
            r = httpx.get(f"{url}/api/live", headers={"Authorization": f"Bearer {token}"},
                          timeout=2)
            if r.status_code == 200 and ok(r.json()):
                body: dict[str, Any] = r.json()
                return body
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise AssertionError("the live service did not get there in time")


def test_sigkill_mid_replay_loses_nothing_committed(tmp_path: Path, grid_cache: Path
                                                    ) -> None:
    data, token = make_data_dir(tmp_path, grid_cache)
    http, udp = free_port(), free_port(socket.SOCK_DGRAM)
    url = f"http://127.0.0.1:{http}"
    # 200 vessels crossing into Box, one after another in time: a long replay
    feed = [line for v in range(200)
            for line in crossing(MMSI + v, T0 + timedelta(minutes=10 * v))]
    stop = threading.Event()

    def replay() -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for line in feed:
                if stop.is_set():
                    return
                s.sendto(line, ("127.0.0.1", udp))
                time.sleep(0.002)

    proc = _start(data, http, udp)
    sender = threading.Thread(target=replay)
    try:
        _live(url, token, proc, lambda s: True)
        # the service is the store's one writer while it runs: other commands say so
        refused = CliRunner().invoke(cli, ["users", "add", "late", "--role", "analyst",
                                           "--data-dir", str(data)])
        assert refused.exit_code != 0 and "another process holds the store" in \
            " ".join(refused.output.split())
        sender.start()
        acked = _live(url, token, proc, lambda s: s["committed"]["events"] >= 20)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        stop.set()
        if sender.is_alive():
            sender.join()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert acked["committed"]["positions"] < len(feed)  # killed part way through
    # whatever was acknowledged (committed) before the kill is there, in one piece
    proc = _start(data, http, udp)
    try:
        after = _live(url, token, proc, lambda s: s["running"])
        assert after["committed"]["positions"] == 0  # a new process, nothing new yet
        r = httpx.get(f"{url}/api/events", params={"kind": "zone_entry", "limit": 1000},
                      headers={"Authorization": f"Bearer {token}"}, timeout=5)
        assert r.json()["total"] >= acked["committed"]["events"]
    finally:
        proc.terminate()
        proc.communicate(timeout=20)
    assert proc.returncode in (0, -signal.SIGTERM)
    assert PositionArchive(data).count() >= acked["committed"]["positions"]
    with EmbeddedStore(data, read_only=True) as store:
        assert store.count("ingests", {"status": ("!=", "done")}) == 0  # settled
        assert store.count("vessels") >= acked["committed"]["events"]
    assert not list((data / "staging").glob("*/day=*/*.parquet"))
