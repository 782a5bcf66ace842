"""Layout of the arrays the Numba kernels share: counters, context, tables, outputs.

Kernels take plain NumPy arrays (no classes), so the meaning of each slot is fixed here
and used by both the kernels and the Python side.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

NONE = np.iinfo(np.int64).min  # "no time" in int64 microsecond columns

# counters (int64[K_SIZE])
K_RECORDS = 0  # records seen: lines, plus extra sentences on lines that hold several
K_LINES = 1
K_FRAGMENTS = 2  # fragments folded into a completed message (not counting the last)
K_MESSAGES = 3  # messages handed to the payload decoder
K_DECODED = 4
K_EXTRA_RECORDS = 5
K_WARN_TAG_CHECKSUM = 6  # tag block checksum wrong, sentence checksum right: decoded
K_SKIP = 32  # + Skip code
K_REJECT = 64  # + Reject code
K_SIZE = 96

# context (int64[X_SIZE]): running state and options
X_LINE = 0  # line number of the last line read
X_MSG_ORD = 1  # ordinal of the last message (dedup window when untimed)
X_REC_ORD = 2  # ordinal of the last record (fragment timeout when untimed)
X_PGHP_TIME = 3  # time from a $PGHP line, for the next sentence
X_CARRY_VALID = 4  # a line held only a tag block: apply it to the next line
X_CARRY_TIME = 5
X_CARRY_SRC = 6
X_CARRY_GTOT = 7
X_CARRY_GID = 8
X_N_SRC = 9
X_N_ACTIVE = 10
X_DEDUP = 11
X_DEDUP_WINDOW_US = 12
X_DEDUP_WINDOW_MSGS = 13
X_FRAG_TIMEOUT_US = 14
X_FRAG_TIMEOUT_RECS = 15
X_STRICT_TAG = 16  # reject, rather than warn on, a wrong tag block checksum
X_SIZE = 24

MAX_PARTS = 9  # NMEA fragment count is one digit
PAYLOAD_CAP = 96  # payload characters kept per fragment (NMEA caps a sentence at 82)
RAW_CAP = 1024  # raw characters kept per record for rejects
FRAG_RAW_CAP = 200  # raw characters kept per pending fragment
MAX_LINE = 65536  # a longer line is rejected whole
MAX_RECORDS_PER_LINE = 32


@dataclass
class KernelState:
    """Everything that persists between kernel calls of one decoder."""

    n_slots: int = 2048
    n_sources: int = 16384
    n_dedup: int = 131072  # even: rows pair up into 2-way sets
    counters: np.ndarray = field(init=False)
    ctx: np.ndarray = field(init=False)
    # pending multi-part fragments
    sl_key: np.ndarray = field(init=False)
    sl_count: np.ndarray = field(init=False)
    sl_mask: np.ndarray = field(init=False)
    sl_time: np.ndarray = field(init=False)
    sl_rec: np.ndarray = field(init=False)
    sl_src: np.ndarray = field(init=False)
    sl_line: np.ndarray = field(init=False)
    sl_fill: np.ndarray = field(init=False)
    sl_pay: np.ndarray = field(init=False)
    sl_paylen: np.ndarray = field(init=False)
    sl_raw: np.ndarray = field(init=False)
    sl_rawlen: np.ndarray = field(init=False)
    active: np.ndarray = field(init=False)
    # receiver ids from tag blocks
    src_hash: np.ndarray = field(init=False)
    src_bytes: np.ndarray = field(init=False)
    src_len: np.ndarray = field(init=False)
    # recently seen messages
    dedup: np.ndarray = field(init=False)  # (n_dedup, 4): hash, time_us, ordinal, unused
    # receiver names as an Arrow array, for the `source` columns (see _arrow._sources)
    names: pa.Array | None = field(init=False, default=None)
    names_known: int = field(init=False, default=-1)

    def __post_init__(self) -> None:
        s, p = self.n_slots, MAX_PARTS
        self.counters = np.zeros(K_SIZE, np.int64)
        self.ctx = np.zeros(X_SIZE, np.int64)
        self.ctx[X_PGHP_TIME] = NONE
        self.sl_key = np.zeros(s, np.int64)
        self.sl_count = np.zeros(s, np.int8)
        self.sl_mask = np.zeros(s, np.int32)
        self.sl_time = np.full(s, NONE, np.int64)
        self.sl_rec = np.zeros(s, np.int64)
        self.sl_src = np.full(s, -1, np.int32)
        self.sl_line = np.zeros((s, p), np.int64)
        self.sl_fill = np.zeros((s, p), np.int8)
        self.sl_pay = np.zeros((s, p, PAYLOAD_CAP), np.uint8)
        self.sl_paylen = np.zeros((s, p), np.int16)
        self.sl_raw = np.zeros((s, p, FRAG_RAW_CAP), np.uint8)
        self.sl_rawlen = np.zeros((s, p), np.int16)
        self.active = np.zeros(s, np.int32)
        self.src_hash = np.zeros(self.n_sources, np.int64)
        self.src_bytes = np.zeros((self.n_sources, 64), np.uint8)
        self.src_len = np.zeros(self.n_sources, np.int16)
        self.dedup = np.zeros((self.n_dedup, 4), np.int64)
        self.dedup[:, 1] = NONE

    def source_name(self, index: int) -> str:
        n = int(self.src_len[index])
        return bytes(self.src_bytes[index, :n]).decode("latin-1")


@dataclass
class FrameOutput:
    """Per-call output buffers of the framing kernel (reused between calls)."""

    max_msgs: int = 65536
    msg_bytes: int = 4 << 20
    raw_bytes: int = 8 << 20
    max_rejects: int = 16384
    reject_bytes: int = 4 << 20
    m_buf: np.ndarray = field(init=False)
    m_off: np.ndarray = field(init=False)
    m_fill: np.ndarray = field(init=False)
    m_time: np.ndarray = field(init=False)
    m_src: np.ndarray = field(init=False)
    m_line: np.ndarray = field(init=False)
    m_raw: np.ndarray = field(init=False)
    m_raw_off: np.ndarray = field(init=False)
    m_raw_start: np.ndarray = field(init=False)  # single-sentence raw text: span in the
    m_raw_end: np.ndarray = field(init=False)  # input buffer (-1: copied into m_raw)
    r_line: np.ndarray = field(init=False)
    r_reason: np.ndarray = field(init=False)
    r_raw: np.ndarray = field(init=False)
    r_off: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        m, r = self.max_msgs, self.max_rejects
        self.m_buf = np.zeros(self.msg_bytes, np.uint8)
        self.m_off = np.zeros(m + 1, np.int64)
        self.m_fill = np.zeros(m, np.int8)
        self.m_time = np.zeros(m, np.int64)
        self.m_src = np.zeros(m, np.int32)
        self.m_line = np.zeros(m, np.int64)
        self.m_raw = np.zeros(self.raw_bytes, np.uint8)
        self.m_raw_off = np.zeros(m + 1, np.int64)
        self.m_raw_start = np.zeros(m, np.int64)
        self.m_raw_end = np.zeros(m, np.int64)
        self.r_line = np.zeros(r, np.int64)
        self.r_reason = np.zeros(r, np.int16)
        self.r_raw = np.zeros(self.reject_bytes, np.uint8)
        self.r_off = np.zeros(r + 1, np.int64)
