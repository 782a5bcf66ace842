"""Pushing CoT to a TAK server: a real listener on localhost, in the clear and over mutual
TLS with certificates made by openssl for the test."""

from __future__ import annotations

import shutil
import socket
import ssl
import struct
import subprocess
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pantau.errors import PantauError
from pantau.share.formats import cot_events
from pantau.share.tak import TakError, client_tls_context, push_cot

from .formats._release import golden_release


class Listener:
    """A one-connection TAK stand-in: reads the stream to its end and parses every
    ``<event>`` document in it."""

    def __init__(self, tls: ssl.SSLContext | None = None, serve: bool = True) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.server.getsockname()[1]
        self.tls = tls
        self.raw = b""
        self.error: Exception | None = None
        self.peer_cert: dict[str, object] | None = None
        self.thread = threading.Thread(target=self._serve, daemon=True)
        if serve:
            self.thread.start()

    def _serve(self) -> None:
        self.server.settimeout(10)
        try:
            conn, _ = self.server.accept()
            conn.settimeout(10)
            if self.tls is not None:
                conn = self.tls.wrap_socket(conn, server_side=True)
                self.peer_cert = conn.getpeercert()  # type: ignore[attr-defined]
            with conn:
                chunks = []
                while data := conn.recv(65536):
                    chunks.append(data)
            self.raw = b"".join(chunks)
        except (OSError, ssl.SSLError) as e:
            self.error = e

    def events(self) -> list[ET.Element]:
        self.thread.join(10)
        assert not self.thread.is_alive()
        parts = self.raw.split(b"</event>")
        assert parts[-1].strip() == b"", "the stream ends inside an event"
        return [ET.fromstring(part.strip() + b"</event>") for part in parts[:-1]]

    def close(self) -> None:
        self.server.close()


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as s:
        port: int = s.getsockname()[1]
    return port


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tak-certs")
    for name in ("server", "client"):
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
             "-keyout", str(folder / f"{name}.key"), "-out", str(folder / f"{name}.pem"),
             "-subj", f"/CN=pantau-test-{name}",
             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
            check=True, capture_output=True, timeout=60)
    return folder


def server_context(certs: Path) -> ssl.SSLContext:
    # like a TAK server's 8089: its own certificate, and a client certificate required
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certs / "server.pem", certs / "server.key")
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(certs / "client.pem")
    return context


def test_events_reach_a_tcp_listener_whole_and_in_order() -> None:
    events = cot_events(golden_release())
    listener = Listener()
    try:
        assert push_cot(events, "127.0.0.1", listener.port, timeout_s=5) == len(events) == 5
        received = listener.events()
    finally:
        listener.close()
    assert listener.raw == b"".join(events)
    assert [e.get("uid") for e in received] == [ET.fromstring(e).get("uid") for e in events]
    friend = next(e for e in received if e.get("uid") == "pantau-mmsi-533000001")
    track = friend.find("detail/track")
    assert track is not None and track.get("speed") == "6.430556"
    assert friend.get("access") == "REL TO AUS, USA"


def test_events_reach_a_tls_listener_that_requires_a_client_certificate(certs: Path) -> None:
    events = cot_events(golden_release())
    listener = Listener(tls=server_context(certs))
    tls = client_tls_context(certs / "server.pem", certs / "client.pem", certs / "client.key")
    try:
        assert push_cot(events, "localhost", listener.port, tls=tls, timeout_s=5) == 5
        received = listener.events()
    finally:
        listener.close()
    assert listener.error is None and len(received) == 5
    assert listener.peer_cert is not None
    assert "pantau-test-client" in str(listener.peer_cert["subject"])


def test_a_server_certificate_nobody_vouches_for_is_a_tls_error(certs: Path) -> None:
    listener = Listener(tls=server_context(certs))
    try:
        with pytest.raises(TakError) as info:
            push_cot(cot_events(golden_release()), "localhost", listener.port,
                     tls=client_tls_context(), timeout_s=5)
    finally:
        listener.close()
    message = str(info.value)
    assert isinstance(info.value, PantauError)
    assert f"TLS with TAK server localhost:{listener.port} failed" in message
    assert "CERTIFICATE_VERIFY_FAILED" in message and "0 of 5 events sent" in message


def test_nothing_listening_is_a_refused_connection_naming_the_server() -> None:
    port = free_port()
    with pytest.raises(TakError, match=rf"TAK server 127\.0\.0\.1:{port} refused"):
        push_cot(cot_events(golden_release()), "127.0.0.1", port, timeout_s=2)


def test_a_server_that_never_answers_times_out(certs: Path) -> None:
    # the kernel completes the TCP connection; nobody ever starts the TLS handshake
    silent = Listener(serve=False)
    try:
        with pytest.raises(TakError) as info:
            push_cot(cot_events(golden_release()), "localhost", silent.port,
                     tls=client_tls_context(certs / "server.pem"), timeout_s=0.3)
    finally:
        silent.close()
    assert str(info.value) == (f"could not complete the TLS handshake with TAK server "
                               f"localhost:{silent.port}: no answer within 0.3 s "
                               "(0 of 5 events sent)")


def test_a_server_that_hangs_up_mid_stream_is_an_error_with_the_count_sent() -> None:
    big = cot_events(golden_release()) * 4000  # megabytes: more than socket buffers hold
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def hang_up() -> None:
        conn, _ = server.accept()
        conn.recv(1000)  # the client is past connecting and sending
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()  # linger 0: a reset, not a polite close

    thread = threading.Thread(target=hang_up, daemon=True)
    thread.start()
    try:
        with pytest.raises(TakError) as info:
            push_cot(big, "127.0.0.1", port, timeout_s=5)
    finally:
        thread.join(5)
        server.close()
    assert f"could not send to TAK server 127.0.0.1:{port}" in str(info.value)
    assert f"of {len(big)} events sent" in str(info.value)


def test_a_server_that_keeps_the_connection_open_costs_at_most_the_timeout() -> None:
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    got: list[bytes] = []
    done = threading.Event()

    def stubborn() -> None:
        conn, _ = server.accept()
        with conn:
            while data := conn.recv(65536):
                got.append(data)
            done.wait(5)  # read everything, then keep the connection open

    thread = threading.Thread(target=stubborn, daemon=True)
    thread.start()
    events = cot_events(golden_release())
    try:
        t0 = time.monotonic()
        assert push_cot(events, "127.0.0.1", port, timeout_s=0.5) == 5
        assert 0.4 < time.monotonic() - t0 < 3
    finally:
        done.set()
        thread.join(5)
        server.close()
    assert b"".join(got) == b"".join(events)


@pytest.mark.parametrize(("events", "message"), [
    ([b"<event uid='x' type='a-u-S-X'>"], "event 0 is not well-formed XML"),
    ([cot_events(golden_release())[0], b"<kml/>"], "event 1 is not a CoT event (root <kml>"),
    ([b"<event type='a-u-S-X'/>"], "event 0 is not a CoT event"),
    (["<event uid='x' type='t'/>"], "event 0 is str, not bytes"),
])
def test_bad_events_are_refused_before_any_connection(events: list[bytes],
                                                       message: str) -> None:
    # the port has nothing listening: the error is about the events, not the connection
    with pytest.raises(TakError) as info:
        push_cot(events, "127.0.0.1", free_port())
    assert message in str(info.value)


def test_an_empty_batch_opens_no_connection() -> None:
    assert push_cot([], "127.0.0.1", free_port()) == 0


@pytest.mark.parametrize(("port", "timeout_s", "message"), [
    (0, 5.0, "port must be 1 to 65535"), (70000, 5.0, "port must be 1 to 65535"),
    (8087, 0.0, "timeout must be positive")])
def test_bad_settings_are_refused(port: int, timeout_s: float, message: str) -> None:
    with pytest.raises(TakError, match=message):
        push_cot(cot_events(golden_release()), "127.0.0.1", port, timeout_s=timeout_s)


def test_missing_tls_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(TakError, match="no such file"):
        client_tls_context(tmp_path / "ca.pem")
    (tmp_path / "junk.pem").write_text("not a certificate")
    with pytest.raises(TakError, match="cannot load the TLS files"):
        client_tls_context(None, tmp_path / "junk.pem")
