"""From heard messages to the lines of the feed: one line per message per receiver (a
type 5 in two fragments), with the dirt of a real multi-receiver feed, in arrival order.

The lines are kept as arrays (:class:`~pantau.simulate.bulk.Lines`) and only turned into
bytes when written, chunk by chunk, so a two-day feed never has to sit in memory as text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from pantau.decode.specs import Layout
from pantau.simulate import bulk, dirt
from pantau.simulate.encode import encode_payload
from pantau.simulate.fleet import Identity
from pantau.simulate.paths import F64, I64
from pantau.simulate.reporting import POSITION, STATIC_5, STATIC_24A, STATIC_24B

#: type 5 split as most transponders do: 60 payload characters, then the rest
FRAGMENT_CHARS = 60
CHUNK_LINES = 400_000


def static_payloads(identity: Identity, ais_class: str) -> dict[int, tuple[str, int]]:
    """Armoured payload and fill bits of each static message kind of one identity."""
    if ais_class == "A":
        month, day, hour, minute = identity.eta
        return {STATIC_5: encode_payload(Layout.STATIC_VOYAGE, {
            "mmsi": identity.mmsi, "ais_version": 0, "imo": identity.imo,
            "callsign": identity.callsign, "shipname": identity.name,
            "ship_type": identity.ship_type, "to_bow": identity.to_bow,
            "to_stern": identity.to_stern, "to_port": identity.to_port,
            "to_starboard": identity.to_starboard, "epfd": 1, "month": month, "day": day,
            "hour": hour, "minute": minute, "draught": identity.draught_m,
            "destination": identity.destination, "dte": 0})}
    layout_b = (Layout.STATIC_24B_AUXILIARY if identity.mmsi // 10_000_000 == 98
                else Layout.STATIC_24B)
    return {
        STATIC_24A: encode_payload(Layout.STATIC_24A, {"mmsi": identity.mmsi,
                                                       "shipname": identity.name}),
        STATIC_24B: encode_payload(layout_b, {
            "mmsi": identity.mmsi, "ship_type": identity.ship_type, "vendorid": "SMT",
            "model": 1, "serial": identity.mmsi % 1_000_000, "callsign": identity.callsign,
            "to_bow": identity.to_bow, "to_stern": identity.to_stern,
            "to_port": identity.to_port, "to_starboard": identity.to_starboard}),
    }


@dataclass
class StaticPool:
    """Static payload fragments, stored once per vessel identity and kind; each such
    message has an id whose fragments are ``offset[id, k]``, ``length[id, k]``,
    ``fill[id, k]`` (k = 0, 1; length 0 when there is no second fragment)."""

    chunks: list[bytes] = field(default_factory=list)
    size: int = 0
    offset: list[tuple[int, int]] = field(default_factory=list)
    length: list[tuple[int, int]] = field(default_factory=list)
    fill: list[tuple[int, int]] = field(default_factory=list)

    def add(self, identity: Identity, ais_class: str) -> dict[int, int]:
        """Store the identity's static messages; returns their ids by message kind."""
        ids = {}
        for kind, (payload, fill) in static_payloads(identity, ais_class).items():
            parts = [payload[i:i + FRAGMENT_CHARS]
                     for i in range(0, len(payload), FRAGMENT_CHARS)]
            if len(parts) > 2:
                raise ValueError("static messages of more than two fragments")
            offs, lens, fills = [0, 0], [0, 0], [0, 0]
            for k, part in enumerate(parts):
                data = part.encode("ascii")
                offs[k], lens[k] = self.size, len(data)
                fills[k] = fill if k == len(parts) - 1 else 0
                self.chunks.append(data)
                self.size += len(data)
            ids[kind] = len(self.offset)
            self.offset.append((offs[0], offs[1]))
            self.length.append((lens[0], lens[1]))
            self.fill.append((fills[0], fills[1]))
        return ids

    def array(self) -> npt.NDArray[np.uint8]:
        return np.frombuffer(b"".join(self.chunks), np.uint8).copy()


@dataclass
class Heard:
    """Every emitted message of every vessel (time order within a vessel)."""

    vessel: npt.NDArray[np.int32]
    t: F64
    kind: npt.NDArray[np.int8]
    #: position reports: row in the packed payloads; statics: id in the StaticPool
    ref: I64
    heard: npt.NDArray[np.bool_]  # (messages, receivers)


@dataclass
class Feed:
    lines: bulk.Lines
    pool: npt.NDArray[np.uint8]
    receiver_ids: list[str]
    #: per message: whether at least one of its lines is intact (what a decoder keeps)
    decodable: npt.NDArray[np.bool_]
    line_message: I64  # message of each line

    def chunks(self, size: int = CHUNK_LINES) -> Iterator[bytes]:
        for a in range(0, len(self.lines), size):
            yield bulk.write_lines(self.lines.take(slice(a, a + size)), self.pool,
                                   self.receiver_ids)

    def write(self, path: str | Path) -> int:
        n = 0
        with open(path, "wb") as fh:
            for chunk in self.chunks():
                fh.write(chunk)
                n += len(chunk)
        return n

    def to_bytes(self) -> bytes:
        return b"".join(self.chunks())


def build_feed(msgs: Heard, payloads: npt.NDArray[np.uint8], statics: StaticPool,
               receiver_ids: list[str], start_unix: int, rng: np.random.Generator,
               protected: npt.NDArray[np.bool_], one_receiver: bool) -> Feed:
    """Lines in arrival order. ``protected`` (per vessel): never corrupt its lines (the
    truth of scripted behaviours is timed on them). ``one_receiver``: one line per
    message, as an aggregator passes on (no duplicates)."""
    heard = msgs.heard
    if one_receiver:
        heard = _one_each(heard, rng)
    m_idx, rx = np.nonzero(heard)
    n_msg = len(msgs.t)
    chan = np.where(rng.random(n_msg) < 0.5, ord("A"), ord("B")).astype(np.uint8)
    jitter_ms = rng.integers(0, int(dirt.REORDER_S * 1000) + 1, len(m_idx))
    key = np.floor(msgs.t[m_idx] * 1000).astype(np.int64) + jitter_ms
    kind = msgs.kind[m_idx]
    pos_pool = payloads.size
    static_pool = statics.array()
    pool = np.concatenate([payloads.reshape(-1), static_pool])

    # one line per (message, receiver, fragment), fragments adjacent
    n_frag = np.where(kind == STATIC_5, 2, 1)
    rep = np.repeat(np.arange(len(m_idx)), n_frag)
    frag_k = (np.arange(len(rep)) - np.repeat(np.cumsum(n_frag) - n_frag, n_frag) + 1)
    line_msg = m_idx[rep]
    ref = msgs.ref[line_msg]
    is_pos = msgs.kind[line_msg] == POSITION
    s_ref = np.where(is_pos, 0, ref)
    s_off = np.asarray(statics.offset, np.int64).reshape(-1, 2)
    s_len = np.asarray(statics.length, np.int32).reshape(-1, 2)
    s_fill = np.asarray(statics.fill, np.int8).reshape(-1, 2)
    k0 = frag_k - 1
    pay_off = np.where(is_pos, ref * payloads.shape[1],
                       pos_pool + (s_off[s_ref, k0] if len(s_off) else 0))
    pay_len = np.where(is_pos, payloads.shape[1],
                       s_len[s_ref, k0] if len(s_len) else 0).astype(np.int32)
    fill = np.where(is_pos, 0, s_fill[s_ref, k0] if len(s_fill) else 0).astype(np.int8)
    multi = np.repeat(n_frag, n_frag)
    seq = np.where(multi > 1, line_msg % 10, -1).astype(np.int8)

    order = np.argsort(key[rep], kind="stable")
    line_msg = line_msg[order]
    multi = multi[order]
    frag_k = frag_k[order]
    first = (multi > 1) & (frag_k == 1)
    gid = np.where(multi > 1, np.cumsum(first), 0).astype(np.int64)
    corrupt, cut = dirt.corruption(multi == 1, protected[msgs.vessel[line_msg]], rng)
    lines = bulk.Lines(
        c_s=np.floor(start_unix + msgs.t[line_msg]).astype(np.int64),
        rx=rx[rep][order].astype(np.int32),
        pay_off=pay_off[order], pay_len=pay_len[order], fill=fill[order],
        frag_n=multi.astype(np.int8), frag_k=frag_k.astype(np.int8), seq=seq[order],
        gid=gid, chan=chan[line_msg], corrupt=corrupt, cut=cut)
    # a message reaches the decoder when one receiver's copy came through whole
    decodable = np.zeros(n_msg, np.bool_)
    decodable[line_msg[corrupt == bulk.CLEAN]] = True
    return Feed(lines, pool, receiver_ids, decodable, line_msg)


def _one_each(heard: npt.NDArray[np.bool_], rng: np.random.Generator) -> npt.NDArray[np.bool_]:
    """Keep one receiver (drawn among those that heard it) per message."""
    n, r = heard.shape
    score = rng.random((n, r)) * heard
    pick = np.argmax(score, axis=1)
    out = np.zeros_like(heard)
    rows = np.flatnonzero(heard.any(axis=1))
    out[rows, pick[rows]] = True
    return out
