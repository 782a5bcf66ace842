"""`pantau serve [--data-dir DIR] [--host 127.0.0.1] [--port 8000]`: the HTTP API."""

from __future__ import annotations

import errno
import socket
from pathlib import Path
from typing import Annotated

import typer

from pantau.cli._console import err_console, user_errors
from pantau.cli.ingest import DATA_DIR
from pantau.errors import PantauError


def serve(
    data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0: every "
                                           "interface; put TLS in front).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
) -> None:
    """Serve the HTTP API (OpenAPI at /api/openapi.json) until interrupted."""
    import uvicorn

    from pantau.api.app import OPENAPI_URL, create_app

    with user_errors():
        app = create_app(data_dir)
        sock = _bind(host, port)
    err_console.print(f"pantau API on http://{host}:{port} (data {data_dir}; "
                      f"OpenAPI at {OPENAPI_URL}); Ctrl-C stops it", highlight=False)
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    # the socket is bound here rather than by uvicorn, so that a port in use is a clear
    # message and exit 2 instead of a log line and exit 1
    uvicorn.Server(config).run(sockets=[sock])


def _bind(host: str, port: int) -> socket.socket:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise PantauError(f"--host {host!r}: cannot resolve ({e.strerror})") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise PantauError(f"port {port} on {host} is in use; choose another with "
                              f"--port (e.g. --port {port + 1})") from None
        raise PantauError(f"cannot listen on {host}:{port} ({e.strerror or e})") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock
