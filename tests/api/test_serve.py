"""`pantau serve` over a real TCP socket, and a port in use."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from pantau.cli.main import app as cli
from tests.api.conftest import Served


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()[1].decode()
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"pantau serve did not answer on {url} within {timeout_s} s")


def test_serve_answers_over_tcp_and_stops(served: Served) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "pantau.cli.main", "serve", "--data-dir", str(served.data_dir),
         "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ | {"NO_COLOR": "1"})
    try:
        _wait_healthy(url, proc)
        assert httpx.get(f"{url}/api/zones").status_code == 401
        r = httpx.get(f"{url}/api/vessels/209273000", headers=served.auth(), timeout=10)
        assert r.status_code == 200 and r.json()["shipname"] == "ALLERDIEP"
        assert httpx.get(f"{url}/api/openapi.json").json()["info"]["title"] == "pantau"
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=15)
    # uvicorn shuts down gracefully, then re-raises the signal it caught
    assert proc.returncode in (0, -signal.SIGTERM), err.decode()
    assert served.tokens["analyst"] not in err.decode()  # secrets never logged


def test_a_port_in_use_is_a_clear_error(served: Served) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--data-dir", str(served.data_dir),
                                          "--port", str(port)])
    assert result.exit_code == 2
    assert f"port {port}" in result.output and "--port" in result.output


def test_serve_refuses_a_store_from_a_newer_pantau(tmp_path: Path) -> None:
    import duckdb

    from pantau.store.embedded import DB_FILE, EmbeddedStore
    from pantau.store.migrations import SCHEMA_VERSION

    EmbeddedStore(tmp_path).close()
    con = duckdb.connect(str(tmp_path / DB_FILE))
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                [str(SCHEMA_VERSION + 1)])
    con.close()
    result = CliRunner().invoke(cli, ["serve", "--data-dir", str(tmp_path),
                                      "--port", str(_free_port())])
    assert result.exit_code == 2 and "newer pantau" in result.output
