"""Pushing Cursor-on-Target events to a TAK server: plain XML over TCP or TLS.

A TAK server takes a stream of CoT XML events (TAK protocol version 0) on its streaming
input: by convention port 8087 in the clear, 8089 over TLS, where it usually asks for a
client certificate (:func:`client_tls_context` loads one). Every event is checked to be a
CoT ``<event>`` before the connection opens, so a bad batch sends nothing; a connection
that fails is a :class:`TakError` naming the server and how far the push got.
"""

from __future__ import annotations

import socket
import ssl
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from pantau.errors import PantauError

TAK_TCP_PORT = 8087
TAK_TLS_PORT = 8089


class TakError(PantauError):
    """Events could not be delivered to a TAK server, or are not CoT events."""


def _check(events: list[bytes]) -> None:
    for i, event in enumerate(events):
        if not isinstance(event, bytes | bytearray):
            raise TakError(f"event {i} is {type(event).__name__}, not bytes")
        try:
            root = ET.fromstring(event)
        except ET.ParseError as e:
            raise TakError(f"event {i} is not well-formed XML ({e})") from None
        if root.tag != "event" or not root.get("uid") or not root.get("type"):
            raise TakError(f"event {i} is not a CoT event (root <{root.tag}>, needs "
                           "<event> with uid and type)")


def client_tls_context(ca_file: str | Path | None = None, cert_file: str | Path | None = None,
                       key_file: str | Path | None = None,
                       password: str | None = None) -> ssl.SSLContext:
    """A TLS client context that verifies the server against ``ca_file`` (the system's
    CAs when None) and presents ``cert_file``/``key_file`` (PEM) when given."""
    try:
        context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
        if cert_file is not None:
            context.load_cert_chain(str(cert_file), str(key_file) if key_file else None,
                                    password)
    except FileNotFoundError as e:
        raise TakError(f"TLS file {e.filename}: no such file") from None
    except (ssl.SSLError, OSError) as e:
        raise TakError(f"cannot load the TLS files ({e})") from None
    return context


def _hang_up(conn: socket.socket, deadline: float) -> None:
    """Half-close, then read until the server closes (or the deadline passes).

    Closing a socket that still holds unread bytes (a TLS 1.3 server's session tickets, a
    TAK server's own traffic) sends a reset, and a reset makes the server's kernel drop what
    its application has not read yet: the last events would be lost without an error. The
    server reading our end of stream and closing is the sign it has everything."""
    try:
        conn.shutdown(socket.SHUT_WR)  # on a TLS socket: the transport, no close_notify
        while (left := deadline - time.monotonic()) > 0:
            conn.settimeout(left)
            if not conn.recv(65536):
                break
    except OSError:
        pass  # everything was handed over; a server that will not close is its own business


def push_cot(events: list[bytes], host: str, port: int, tls: ssl.SSLContext | None = None,
             timeout_s: float = 10.0) -> int:
    """Send ``events`` (CoT XML documents, see pantau.share.formats.cot_events) to the TAK
    server at ``host:port`` over one connection, TLS when ``tls`` is given; returns how
    many were sent. ``timeout_s`` bounds connecting, each send, and the wait for the server
    to close after our end of stream. An empty list opens no connection."""
    where = f"{host}:{port}"
    if not 0 < port < 65536:
        raise TakError(f"TAK server {where}: port must be 1 to 65535")
    if timeout_s <= 0:
        raise TakError(f"timeout must be positive, got {timeout_s}")
    _check(events)
    if not events:
        return 0
    sent = 0
    stage = "connect to"
    try:
        with socket.create_connection((host, port), timeout=timeout_s) as raw:
            conn: socket.socket = raw
            if tls is not None:
                stage = "complete the TLS handshake with"
                conn = tls.wrap_socket(raw, server_hostname=host)
            stage = "send to"
            with conn:
                for event in events:
                    conn.sendall(event)
                    sent += 1
                _hang_up(conn, time.monotonic() + timeout_s)
    except ConnectionRefusedError:
        raise TakError(f"TAK server {where} refused the connection (nothing listening "
                       "there?)") from None
    except TimeoutError:
        raise TakError(f"could not {stage} TAK server {where}: no answer within "
                       f"{timeout_s:g} s ({sent} of {len(events)} events sent)") from None
    except ssl.SSLError as e:
        raise TakError(f"TLS with TAK server {where} failed: {e.reason or e} "
                       f"({sent} of {len(events)} events sent)") from None
    except OSError as e:
        raise TakError(f"could not {stage} TAK server {where}: {e.strerror or e} "
                       f"({sent} of {len(events)} events sent)") from None
    return sent
