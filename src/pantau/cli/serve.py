"""`pantau serve [--data-dir DIR] [--host 127.0.0.1] [--port 8000] [--udp HOST:PORT]...
[--tcp-listen HOST:PORT]... [--tcp-connect HOST:PORT]...`: the HTTP API, and live ingest
of NMEA from receivers while it serves.

With live inputs the service is the only process that may write the data directory's
store (DuckDB allows one writer): `pantau ingest` and `pantau users` refuse to run
against it until the service stops.
"""

from __future__ import annotations

import errno
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pantau.cli._console import err_console, user_errors
from pantau.cli.ingest import DATA_DIR
from pantau.errors import PantauError

if TYPE_CHECKING:
    from pantau.api.receivers import LiveInputs


def serve(
    data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0: every "
                                           "interface; put TLS in front).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    udp: Annotated[list[str] | None, typer.Option(
        help="Receive NMEA datagrams on HOST:PORT (10110 is common); repeatable.")] = None,
    tcp_listen: Annotated[list[str] | None, typer.Option(
        help="Accept receivers' TCP connections on HOST:PORT; repeatable.")] = None,
    tcp_connect: Annotated[list[str] | None, typer.Option(
        help="Read NMEA from a TCP server at HOST:PORT, reconnecting with backoff; "
             "repeatable.")] = None,
) -> None:
    """Serve the HTTP API (OpenAPI at /api/openapi.json) and ingest live inputs (stream
    at /api/stream) until interrupted."""
    import uvicorn

    from pantau.api.app import OPENAPI_URL, create_app
    from pantau.api.receivers import Endpoint, LiveInputs

    with user_errors():
        inputs = LiveInputs(
            udp=tuple(Endpoint.parse(x, "--udp") for x in udp or ()),
            tcp_listen=tuple(Endpoint.parse(x, "--tcp-listen") for x in tcp_listen or ()),
            tcp_connect=tuple(Endpoint.parse(x, "--tcp-connect") for x in tcp_connect or ()))
        sock = _bind(host, port)
        app = create_app(data_dir, inputs)
    live = f"; live: {_describe(inputs)}" if inputs else ""
    err_console.print(f"pantau API on http://{host}:{port} (data {data_dir}; "
                      f"OpenAPI at {OPENAPI_URL}{live}); Ctrl-C stops it", highlight=False)
    config = uvicorn.Config(app, log_level="warning", access_log=False,
                            ws="websockets-sansio")
    # the socket is bound here rather than by uvicorn, so that a port in use is a clear
    # message and exit 2 instead of a log line and exit 1
    uvicorn.Server(config).run(sockets=[sock])


def _describe(inputs: LiveInputs) -> str:
    return ", ".join([*(f"udp {e}" for e in inputs.udp),
                      *(f"tcp server {e}" for e in inputs.tcp_listen),
                      *(f"tcp client of {e}" for e in inputs.tcp_connect)])


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
