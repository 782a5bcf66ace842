"""The push-style AIS decoder: ``feed(bytes)``, then ``drain()`` Arrow record batches.

Files, standard input and sockets all go through :class:`Decoder`, so they share one
framing and decoding path. Memory stays bounded: at most one partial line, the pending
fragment table and fixed-size output buffers are held between calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from pantau.decode import _state as S
from pantau.decode._arrow import PayloadOutput, build_rejects, build_tables, reject_batch
from pantau.decode._frame import frame
from pantau.decode._payload import decode_payloads
from pantau.decode.reasons import REJECT_NAMES, SKIP_NAMES, Reject
from pantau.decode.specs import TABLE_NAMES, compile_specs

_SPECS = compile_specs()
_NO_BUFFER = np.zeros(0, np.uint8)
_SPEC_TUPLE = (_SPECS.first, _SPECS.table, _SPECS.column, _SPECS.start, _SPECS.width,
               _SPECS.kind, _SPECS.scale, _SPECS.na, _SPECS.has_na, _SPECS.min_bits)


@dataclass(frozen=True)
class DecodeOptions:
    """Decoder settings; the defaults suit a live feed from a handful of receivers."""

    dedup: bool = True
    #: the same message heard again within this many seconds is a duplicate
    dedup_window_s: float = 10.0
    #: for messages without a receive time: within this many messages
    dedup_window_messages: int = 200
    #: a multi-part message still incomplete after this long loses its fragments
    fragment_timeout_s: float = 60.0
    fragment_timeout_records: int = 10_000
    #: reject records whose tag block checksum is wrong (default: decode them, counted as
    #: a warning, since the sentence's own checksum still holds)
    strict_tag_checksum: bool = False
    #: messages per output batch
    batch_messages: int = 65_536

    def __post_init__(self) -> None:
        if self.dedup_window_s < 0 or self.dedup_window_messages < 0:
            raise ValueError("dedup windows must not be negative")
        if self.fragment_timeout_s <= 0 or self.fragment_timeout_records <= 0:
            raise ValueError("fragment timeouts must be positive")
        if self.batch_messages < 1024:
            raise ValueError("batch_messages must be at least 1024")


@dataclass
class DecodeCounts:
    """Where every record went. ``records == decoded + fragments + skipped + rejected``
    once the input has ended (``pending`` is then 0)."""

    lines: int = 0
    records: int = 0
    decoded: int = 0
    fragments: int = 0
    pending: int = 0
    by_type: dict[int, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)
    #: records decoded despite a wrong tag block checksum
    tag_checksum_warnings: int = 0

    @property
    def n_skipped(self) -> int:
        return sum(self.skipped.values())

    @property
    def n_rejected(self) -> int:
        return sum(self.rejected.values())

    def balanced(self) -> bool:
        return self.records == (self.decoded + self.fragments + self.n_skipped
                                + self.n_rejected + self.pending)


@dataclass(frozen=True)
class DecodedBatch:
    positions: pa.RecordBatch
    statics: pa.RecordBatch
    stations: pa.RecordBatch
    aids: pa.RecordBatch
    other: pa.RecordBatch
    rejects: pa.RecordBatch

    def tables(self) -> dict[str, pa.RecordBatch]:
        return {name: getattr(self, name) for name in (*TABLE_NAMES, "rejects")}


class Decoder:
    """Frames and decodes a byte stream of NMEA 0183 / IEC 61162-450 AIS."""

    def __init__(self, options: DecodeOptions | None = None, input_name: str = "stream"):
        self.options = options or DecodeOptions()
        self.input_name = input_name
        o = self.options
        self._state = S.KernelState()
        ctx = self._state.ctx
        ctx[S.X_DEDUP] = int(o.dedup)
        ctx[S.X_DEDUP_WINDOW_US] = int(o.dedup_window_s * 1e6)
        ctx[S.X_DEDUP_WINDOW_MSGS] = o.dedup_window_messages
        ctx[S.X_FRAG_TIMEOUT_US] = int(o.fragment_timeout_s * 1e6)
        ctx[S.X_FRAG_TIMEOUT_RECS] = o.fragment_timeout_records
        ctx[S.X_STRICT_TAG] = int(o.strict_tag_checksum)
        self._out = S.FrameOutput(max_msgs=o.batch_messages)
        self._pay = PayloadOutput(o.batch_messages, _SPECS.n_numeric, _SPECS.n_text)
        self._n = np.zeros(2, np.int64)
        self._tail = b""
        self._skip_rest = False  # dropping the rest of a line already rejected as too long
        self._ready: list[DecodedBatch] = []
        self._by_type = np.zeros(64, np.int64)
        self._row_of = np.zeros(8, np.int64)
        self._words = np.zeros(9, np.uint64)
        st = self._state
        self._st = (st.counters, st.ctx, st.sl_key, st.sl_count, st.sl_mask, st.sl_time,
                    st.sl_rec, st.sl_src, st.sl_line, st.sl_fill, st.sl_pay, st.sl_paylen,
                    st.sl_raw, st.sl_rawlen, st.active, st.src_hash, st.src_bytes, st.src_len,
                    st.dedup)
        fo = self._out
        self._ot = (fo.m_buf, fo.m_off, fo.m_fill, fo.m_time, fo.m_src, fo.m_line, fo.m_raw,
                    fo.m_raw_off, fo.r_line, fo.r_reason, fo.r_raw, fo.r_off, self._n,
                    np.zeros(8, np.int64), np.zeros(9, np.int64), fo.m_raw_start,
                    fo.m_raw_end)

    # -- pushing bytes -------------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        """Add bytes; complete lines are decoded now, a trailing partial line waits."""
        if self._skip_rest:  # the rest of an over-long line: not a new line of its own
            data = bytes(data)
            nl = data.find(b"\n")
            if nl < 0:
                return
            data = data[nl + 1:]
            self._skip_rest = False
        buf = self._tail + data if self._tail else bytes(data)
        arr = np.frombuffer(buf, np.uint8)
        pos = self._run(arr, 0, final=False)
        self._tail = buf[pos:]
        if len(self._tail) > S.MAX_LINE:  # a "line" that never ends: reject it now
            arr = np.frombuffer(self._tail, np.uint8)
            self._run(arr, 0, final=True)
            self._tail = b""
            self._skip_rest = True

    def start_input(self, name: str) -> None:
        """A new input begins: its rejects carry its name and its own line numbers."""
        self.input_name = name
        ctx = self._state.ctx
        ctx[S.X_LINE] = 0
        # a $PGHP time or a lone tag block at the end of one file says nothing of the next
        ctx[S.X_PGHP_TIME] = S.NONE
        ctx[S.X_CARRY_VALID] = 0

    def end_input(self) -> None:
        """The current input ended: decode its last line, give up on pending fragments."""
        if self._tail:
            self._run(np.frombuffer(self._tail, np.uint8), 0, final=True)
            self._tail = b""
        self._skip_rest = False
        while self._state.ctx[S.X_N_ACTIVE] > 0:
            self._reset_out()
            from pantau.decode._assemble import expire

            expire(self._st, self._ot, S.NONE, 0, True,  # type: ignore[no-untyped-call]
                   int(Reject.INCOMPLETE_AT_END))
            self._collect(_NO_BUFFER)  # only fragments: their raw text is in the slots

    def add_reject(self, line: int, reason: Reject, raw: str) -> None:
        """Record a reject found outside the byte stream (a truncated gzip, say)."""
        self._state.counters[S.K_REJECT + int(reason)] += 1
        self._state.counters[S.K_RECORDS] += 1
        empty = self._empty()
        self._ready.append(DecodedBatch(
            **empty, rejects=reject_batch(self.input_name, [line], [REJECT_NAMES[reason]],
                                          [raw])))

    def drain(self) -> list[DecodedBatch]:
        """Batches decoded since the last drain."""
        ready, self._ready = self._ready, []
        return ready

    @property
    def lines(self) -> int:
        return int(self._state.ctx[S.X_LINE])

    @property
    def counts(self) -> DecodeCounts:
        k = self._state.counters
        pending = int(sum(bin(int(m)).count("1") for m, key in
                          zip(self._state.sl_mask, self._state.sl_key, strict=True) if key))
        return DecodeCounts(
            lines=int(k[S.K_LINES]), records=int(k[S.K_RECORDS]), decoded=int(k[S.K_DECODED]),
            fragments=int(k[S.K_FRAGMENTS]), pending=pending,
            tag_checksum_warnings=int(k[S.K_WARN_TAG_CHECKSUM]),
            by_type={t: int(c) for t, c in enumerate(self._by_type) if c},
            skipped={SKIP_NAMES[c]: int(k[S.K_SKIP + c]) for c in SKIP_NAMES
                     if k[S.K_SKIP + c]},
            rejected={REJECT_NAMES[c]: int(k[S.K_REJECT + c]) for c in REJECT_NAMES
                      if k[S.K_REJECT + c]},
        )

    # -- internals -----------------------------------------------------------------------
    def _reset_out(self) -> None:
        self._n[:] = 0
        self._out.m_off[0] = self._out.m_raw_off[0] = self._out.r_off[0] = 0

    def _run(self, arr: np.ndarray, pos: int, final: bool) -> int:
        end = len(arr)
        while pos < end:
            self._reset_out()
            new = frame(arr, pos, end, final, self._st, self._ot)  # type: ignore[no-untyped-call]
            self._collect(arr)
            if new == pos:
                break
            pos = new
        return pos

    def _collect(self, buf: np.ndarray) -> None:
        n_msgs, n_rej = int(self._n[0]), int(self._n[1])
        if n_msgs == 0 and n_rej == 0:
            return
        fo, po = self._out, self._pay
        n_rows = decode_payloads(  # type: ignore[no-untyped-call]
            fo.m_buf, fo.m_off, fo.m_fill, n_msgs, _SPEC_TUPLE, po.vals, po.row_tab,
            po.row_msg, po.txt, po.txt_len, po.m_status, po.m_type, self._state.counters,
            self._row_of, self._words)
        ok = po.m_status[:n_msgs] == 0
        self._by_type += np.bincount(po.m_type[:n_msgs][ok], minlength=64)[:64]
        tables = build_tables(self._state, fo, po, n_msgs, n_rows)
        rejects = build_rejects(fo, po, n_msgs, n_rej, self.input_name, buf)
        self._ready.append(DecodedBatch(**tables, rejects=rejects))

    def _empty(self) -> dict[str, pa.RecordBatch]:
        from pantau.decode.specs import TABLE_SCHEMAS

        return {name: pa.RecordBatch.from_pylist([], schema=sch)
                for name, sch in zip(TABLE_NAMES, TABLE_SCHEMAS, strict=True)}
