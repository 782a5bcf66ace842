"""Live AIS in: UDP listeners, a TCP server, TCP clients, and the loop that batches what
they receive through the live pipeline.

The sockets live in the service's event loop and only append bytes to an :class:`Intake`;
everything that costs CPU (framing, decoding, tracks, zones, detectors, the commit) runs
in one worker thread, so the API stays responsive while a batch is processed. Every source
(a UDP sender, a TCP connection) has its own :class:`Decoder`, since framing state (a
partial line, the fragments of a multi-part message) belongs to one stream of bytes.

Every ``batch_s`` (or sooner, once ``batch_lines`` lines wait) the bytes are taken, decoded
and handed to :class:`pantau.pipeline.live.LivePipeline` as one batch; the result goes to
the live stream. Batches never overlap: while one is processed, the next accumulates.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pantau.api.access import SharedStore
from pantau.decode import DecodeCounts, DecodedBatch, Decoder
from pantau.errors import PantauError
from pantau.pipeline import config
from pantau.pipeline.live import LivePipeline, LiveStep
from pantau.store.base import StoreError, StoreVersionError
from pantau.store.embedded import EmbeddedStore

log = logging.getLogger("pantau.live")

UDP_BUFFER = 8 << 20  # bursts at thousands of datagrams a second fit while a batch runs
READ_SIZE = 1 << 16
BACKOFF_S = (0.5, 30.0)  # first retry, cap: a receiver that is down is asked ever less


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int

    @staticmethod
    def parse(text: str, option: str) -> Endpoint:
        m = re.fullmatch(r"\[?([^\[\]]*)\]?:(\d{1,5})", text)
        if m is None or not 0 < int(m.group(2)) < 65536:
            raise PantauError(f"{option} {text!r}: expected HOST:PORT (e.g. 0.0.0.0:10110)")
        return Endpoint(m.group(1) or "0.0.0.0", int(m.group(2)))

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class LiveInputs:
    udp: tuple[Endpoint, ...] = ()
    tcp_listen: tuple[Endpoint, ...] = ()
    tcp_connect: tuple[Endpoint, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.udp or self.tcp_listen or self.tcp_connect)


class Intake:
    """Bytes waiting for the next batch, by source. Event-loop thread only."""

    def __init__(self, batch_lines: int):
        self.batch_lines = batch_lines
        self.pending: dict[str, list[bytes]] = {}
        self.ended: list[str] = []
        self.lines = 0
        self.full = asyncio.Event()

    def put(self, source: str, data: bytes) -> None:
        self.pending.setdefault(source, []).append(data)
        self.lines += data.count(b"\n")
        if self.lines >= self.batch_lines:
            self.full.set()

    def end(self, source: str) -> None:
        self.ended.append(source)

    def take(self) -> tuple[dict[str, list[bytes]], list[str]]:
        pending, ended = self.pending, self.ended
        self.pending, self.ended, self.lines = {}, [], 0
        self.full.clear()
        return pending, ended


class Decoders:
    """One decoder per source, with totals over every source seen. Worker thread only."""

    def __init__(self) -> None:
        self._live: dict[str, Decoder] = {}
        self._closed = DecodeCounts()

    def decode(self, pending: dict[str, list[bytes]], ended: list[str]
               ) -> list[DecodedBatch]:
        out: list[DecodedBatch] = []
        for source, chunks in pending.items():
            decoder = self._live.get(source)
            if decoder is None:
                decoder = self._live[source] = Decoder(input_name=source)
            decoder.feed(b"".join(chunks))
            out += decoder.drain()
        for source in ended:
            decoder = self._live.pop(source, None)
            if decoder is not None:  # a connection closed: its last line and fragments
                decoder.end_input()
                out += decoder.drain()
                _add(self._closed, decoder.counts)
        return out

    def counts(self) -> DecodeCounts:
        total = DecodeCounts()
        _add(total, self._closed)
        for decoder in list(self._live.values()):
            _add(total, decoder.counts)
        return total

    @property
    def sources(self) -> int:
        return len(self._live)


def _add(total: DecodeCounts, c: DecodeCounts) -> None:
    total.lines += c.lines
    total.records += c.records
    total.decoded += c.decoded
    total.fragments += c.fragments
    total.pending += c.pending
    for t, n in c.by_type.items():
        total.by_type[t] = total.by_type.get(t, 0) + n
    for mine, theirs in ((total.skipped, c.skipped), (total.rejected, c.rejected)):
        for k, v in theirs.items():
            mine[k] = mine.get(k, 0) + v


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, intake: Intake, name: str):
        self.intake = intake
        self.name = name

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        # a datagram holds whole lines: one without a final newline must not run on into
        # the next sender's datagram
        if not data.endswith(b"\n"):
            data += b"\n"
        self.intake.put(f"udp:{self.name}<-{addr[0]}:{addr[1]}", data)


class LiveService:
    """Receivers, batching and the worker thread; ``publish`` gets each batch's result
    in the event loop."""

    def __init__(self, pipeline: LivePipeline, inputs: LiveInputs,
                 publish: Callable[[LiveStep], None], batch_s: float = 0.5,
                 batch_lines: int = 20_000):
        self.pipeline = pipeline
        self.inputs = inputs
        self.publish = publish
        self.batch_s = batch_s
        self.batch_lines = batch_lines
        self.decoders = Decoders()
        self._counts = DecodeCounts()
        self.failed_batches = 0
        self.connections = 0
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pantau-live")
        self._tasks: list[asyncio.Task[None]] = []
        self._closers: list[Callable[[], object]] = []
        self._stopping = asyncio.Event()
        self._intake: Intake | None = None

    # -- lifecycle (in the event loop) ------------------------------------------------------
    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._intake = intake = Intake(self.batch_lines)
        for ep in self.inputs.udp:
            sock = socket.socket(socket.AF_INET6 if ":" in ep.host else socket.AF_INET,
                                 socket.SOCK_DGRAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, UDP_BUFFER)
            try:
                sock.bind((ep.host, ep.port))
            except OSError as e:
                sock.close()
                raise PantauError(f"--udp {ep}: cannot listen ({e.strerror or e})") from None
            transport, _ = await loop.create_datagram_endpoint(
                functools.partial(_Udp, intake, str(ep)), sock=sock)
            self._closers.append(transport.close)
        for ep in self.inputs.tcp_listen:
            try:
                server = await asyncio.start_server(self._serve_tcp, ep.host, ep.port)
            except OSError as e:
                raise PantauError(f"--tcp-listen {ep}: cannot listen ({e.strerror or e})"
                                  ) from None
            self._closers.append(server.close)
        for ep in self.inputs.tcp_connect:
            self._tasks.append(asyncio.create_task(self._connect(ep)))
        self._tasks.append(asyncio.create_task(self._batches()))

    async def stop(self) -> None:
        """Stop listening, process what was received, commit, stop the worker."""
        for close in self._closers:
            close()
        self._stopping.set()
        for task in self._tasks[:-1]:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._worker.shutdown(wait=True)

    # -- sources ----------------------------------------------------------------------------
    async def _read(self, source: str, reader: asyncio.StreamReader) -> None:
        assert self._intake is not None
        self.connections += 1
        try:
            while data := await reader.read(READ_SIZE):
                self._intake.put(source, data)
        except (ConnectionError, OSError) as e:
            log.info("%s: connection lost (%s)", source, e)
        finally:
            self.connections -= 1
            self._intake.end(source)

    async def _serve_tcp(self, reader: asyncio.StreamReader,
                         writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        here = writer.get_extra_info("sockname")
        source = f"tcp:{here[0]}:{here[1]}<-{peer[0]}:{peer[1]}"
        try:
            await self._read(source, reader)
        finally:
            writer.close()

    async def _connect(self, ep: Endpoint) -> None:
        delay = BACKOFF_S[0]
        attempt = 0
        while True:
            try:
                reader, writer = await asyncio.open_connection(ep.host, ep.port)
            except OSError as e:
                log.warning("--tcp-connect %s: %s; retrying in %.1f s", ep, e, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, BACKOFF_S[1])
                continue
            delay = BACKOFF_S[0]  # connected: a later drop starts the backoff afresh
            attempt += 1
            try:
                await self._read(f"tcp:{ep}#{attempt}", reader)
            finally:
                writer.close()
            await asyncio.sleep(delay)

    # -- batches ------------------------------------------------------------------------------
    async def _batches(self) -> None:
        assert self._intake is not None
        loop = asyncio.get_running_loop()
        # batches start every batch_s, counted from the previous start, not from the end of
        # its processing: a line that arrives just after a take then waits batch_s at most,
        # not batch_s plus a batch's processing time
        next_take = loop.time() + self.batch_s
        while True:
            stopping = self._stopping.is_set()
            if not stopping:
                waits = [asyncio.create_task(self._intake.full.wait()),
                         asyncio.create_task(self._stopping.wait())]
                await asyncio.wait(waits, timeout=max(0.0, next_take - loop.time()),
                                   return_when=asyncio.FIRST_COMPLETED)
                for w in waits:
                    w.cancel()
            next_take = loop.time() + self.batch_s
            pending, ended = self._intake.take()
            if pending or ended:
                step = await loop.run_in_executor(self._worker, self._process, pending,
                                                  ended, datetime.now(UTC))
                if step is not None:
                    self.publish(step)
            if stopping:
                return

    def _process(self, pending: dict[str, list[bytes]], ended: list[str],
                 arrived_at: datetime) -> LiveStep | None:
        batches = self.decoders.decode(pending, ended)
        self._counts = self.decoders.counts()  # read by status() in other threads
        if not batches:
            return None
        try:
            for note in self.pipeline.reload_config():  # rules or watchlist edited
                log.warning("live ingest: %s", note)
            return self.pipeline.step(batches, arrived_at)
        except Exception:
            # a batch that cannot be committed (disk full, say) is lost to the store but
            # must not stop the service; its run is discarded at the next start, and the
            # pipeline's state is read back from the last commit
            log.exception("a live batch failed; continuing from the last commit")
            self.failed_batches += 1
            self.pipeline = self.pipeline.reopen()
            return None

    def status(self) -> dict[str, object]:
        c = self._counts
        s = self.pipeline.stats
        return {
            "inputs": {"udp": [str(e) for e in self.inputs.udp],
                       "tcp_listen": [str(e) for e in self.inputs.tcp_listen],
                       "tcp_connect": [str(e) for e in self.inputs.tcp_connect]},
            "sources": self.decoders.sources, "connections": self.connections,
            "decode": {"lines": c.lines, "decoded": c.decoded, "rejected": c.rejected,
                       "skipped": c.skipped, "pending_fragments": c.pending,
                       "by_type": {str(k): v for k, v in sorted(c.by_type.items())}},
            "committed": {"batches": s.batches, "positions": s.positions,
                          "statics": s.statics, "rejected": s.rejected,
                          "set_aside": s.dropped, "late": s.late, "events": s.events,
                          "events_by_kind": s.by_kind, "alerts": s.alerts},
            # (name, version) of each in force; zones stored since the start wait for a
            # restart
            "config": {k: list(v) if v else None
                       for k, v in self.pipeline.versions.items()},
            "zones_waiting": list(self.pipeline.pending_zones)
            if self.pipeline.pending_zones else None,
            "failed_batches": self.failed_batches,
            "last_batch_s": round(s.last_commit_s, 4),
        }


def open_live(data_dir: Path, inputs: LiveInputs, publish: Callable[[LiveStep], None],
              batch_s: float = 0.5) -> tuple[SharedStore, LiveService]:
    """The process's one writable store and the live service over it, with the zones and
    watchlist the data directory uses (the reference zones if none were given)."""
    try:
        store = EmbeddedStore(data_dir)
    except StoreVersionError:
        raise
    except StoreError as e:
        raise StoreError(f"{e}; live inputs need the store to themselves: stop the other "
                         "pantau process using it first") from None
    shared = SharedStore(store)
    try:
        zones = config.load_zoneset(shared)
        watchlist = config.watchlist_table(config.use_watchlist(shared, None))
        geo = config.geography(zones, data_dir / "cache")
        pipeline = LivePipeline(data_dir, shared, geo, zones, watchlist)
    except BaseException:
        shared.close()
        raise
    for note in pipeline.notes:
        log.warning("live ingest: %s", note)
    return shared, LiveService(pipeline, inputs, publish, batch_s=batch_s)
