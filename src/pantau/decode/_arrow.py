"""Kernel outputs to Arrow record batches, a whole column at a time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from pantau import schema
from pantau.decode._state import NONE, RAW_CAP, X_N_SRC, FrameOutput, KernelState
from pantau.decode.reasons import REJECT_NAMES
from pantau.decode.specs import MAX_TEXT_CHARS, TABLE_NAMES, TABLE_SCHEMAS, Table, table_columns

_COLUMNS = {t: table_columns(t) for t in Table}
_CHAR_INDEX = np.arange(MAX_TEXT_CHARS)


@dataclass
class PayloadOutput:
    """Per-call buffers of the payload kernel (reused between calls)."""

    max_msgs: int
    n_numeric: int
    n_text: int
    vals: np.ndarray = field(init=False)
    row_tab: np.ndarray = field(init=False)
    row_msg: np.ndarray = field(init=False)
    txt: np.ndarray = field(init=False)
    txt_len: np.ndarray = field(init=False)
    m_status: np.ndarray = field(init=False)
    m_type: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        rows = 2 * self.max_msgs  # type 19 gives a position row and a static row
        self.vals = np.zeros((rows, self.n_numeric), np.float64)
        self.row_tab = np.zeros(rows, np.int8)
        self.row_msg = np.zeros(rows, np.int64)
        self.txt = np.zeros((rows, self.n_text, MAX_TEXT_CHARS), np.uint8)
        self.txt_len = np.zeros((rows, self.n_text), np.int8)
        self.m_status = np.zeros(self.max_msgs, np.int16)
        self.m_type = np.zeros(self.max_msgs, np.uint8)


def _turn(raw: np.ndarray) -> np.ndarray:
    """ROT_AIS to degrees per minute; +/-127 (no turn indicator) to +/-720."""
    rate = np.sign(raw) * (raw / 4.733) ** 2
    out: np.ndarray = np.where(np.abs(raw) == 127, np.sign(raw) * 720.0, rate)
    return out


_TRANSFORMS: dict[str, Callable[[np.ndarray], np.ndarray]] = {"turn": _turn}


def _numeric(values: np.ndarray, name: str, dtype: pa.DataType) -> pa.Array:
    mask = np.isnan(values)
    if name in _TRANSFORMS:
        values = _TRANSFORMS[name](values)
    if pa.types.is_floating(dtype):
        return pa.array(values, type=dtype, mask=mask)
    clean = np.where(mask, 0, values)
    if pa.types.is_boolean(dtype):
        return pa.array(clean != 0, type=dtype, mask=mask)
    return pa.array(clean.astype(dtype.to_pandas_dtype()), type=dtype, mask=mask)


def _strings(chars: np.ndarray, lengths: np.ndarray) -> pa.Array:
    """Fixed-width character rows with lengths (-1: null) to a string array."""
    valid = lengths >= 0
    lens = np.where(valid, lengths, 0).astype(np.int32)
    offsets = np.zeros(len(lens) + 1, np.int32)
    np.cumsum(lens, out=offsets[1:])
    data = chars[:, : chars.shape[1]][_CHAR_INDEX[: chars.shape[1]] < lens[:, None]]
    bitmap = np.packbits(valid, bitorder="little")
    return pa.Array.from_buffers(
        pa.string(), len(lens),
        [pa.py_buffer(bitmap), pa.py_buffer(offsets), pa.py_buffer(data.tobytes())],
    )


def _slices(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> pa.Array:
    """buf[starts[i]:ends[i]] for every i, as a string array, without a Python loop."""
    lens = (ends - starts).astype(np.int64)
    offsets = np.zeros(len(lens) + 1, np.int64)
    np.cumsum(lens, out=offsets[1:])
    gather = np.repeat(starts - offsets[:-1], lens) + np.arange(offsets[-1])
    return pa.Array.from_buffers(
        pa.large_string(), len(lens),
        [None, pa.py_buffer(offsets), pa.py_buffer(buf[gather].tobytes())],
    ).cast(pa.string())


def _times(us: np.ndarray) -> pa.Array:
    mask = us == NONE
    return pa.array(np.where(mask, 0, us).view("datetime64[us]"), mask=mask).cast(schema.UTC_TS)


def _sources(state: KernelState, idx: np.ndarray) -> pa.Array:
    """Receiver names by index: a take from an array of every name known so far, rebuilt
    only when a new receiver appeared (at most once per batch)."""
    n_known = int(state.ctx[X_N_SRC])
    if state.names is None or state.names_known != n_known:
        slots = np.flatnonzero(state.src_hash)
        names = [""] * state.src_hash.shape[0]
        for i in slots:
            names[i] = state.source_name(int(i))
        state.names, state.names_known = pa.array(names, pa.string()), n_known
    missing = idx < 0
    return state.names.take(pa.array(np.where(missing, 0, idx).astype(np.int32), mask=missing))


def build_tables(state: KernelState, fo: FrameOutput, po: PayloadOutput, n_msgs: int,
                 n_rows: int) -> dict[str, pa.RecordBatch]:
    out: dict[str, pa.RecordBatch] = {}
    row_tab = po.row_tab[:n_rows]
    for t in Table:
        rows = np.flatnonzero(row_tab == t)
        msgs = po.row_msg[rows]
        sch = TABLE_SCHEMAS[t]
        numeric, text = _COLUMNS[t]
        arrays: dict[str, pa.Array] = {}
        block = np.ascontiguousarray(po.vals[rows, :len(numeric)].T)
        for j, name in enumerate(numeric):
            arrays[name] = _numeric(block[j], name, sch.field(name).type)
        if text:
            tx, tl = po.txt[rows], po.txt_len[rows]
        for k, name in enumerate(text):
            arrays[name] = _strings(tx[:, k], tl[:, k])
        if t == Table.OTHER:
            arrays["payload"] = _slices(fo.m_buf, fo.m_off[msgs], fo.m_off[msgs + 1])
            arrays["fill_bits"] = pa.array(fo.m_fill[msgs].astype(np.uint8))
        arrays["received_at"] = _times(fo.m_time[msgs])
        arrays["source"] = _sources(state, fo.m_src[msgs])
        out[TABLE_NAMES[t]] = pa.RecordBatch.from_arrays(
            [arrays[f.name] for f in sch], schema=sch)
    return out


def _text(raw: bytes) -> str:
    return raw[:RAW_CAP].decode("utf-8", errors="backslashreplace")


def build_rejects(fo: FrameOutput, po: PayloadOutput, n_msgs: int, n_rej: int,
                  input_name: str, buf: np.ndarray) -> pa.RecordBatch:
    """Rejects of one kernel call; buf is the input buffer that call framed."""
    lines: list[int] = []
    reasons: list[str] = []
    raws: list[str] = []
    for i in range(n_rej):
        lines.append(int(fo.r_line[i]))
        reasons.append(REJECT_NAMES[int(fo.r_reason[i])])
        raws.append(_text(fo.r_raw[fo.r_off[i]:fo.r_off[i + 1]].tobytes()))
    for m in np.flatnonzero(po.m_status[:n_msgs]):
        lines.append(int(fo.m_line[m]))
        reasons.append(REJECT_NAMES[int(po.m_status[m])])
        start = fo.m_raw_start[m]
        raw = buf[start:fo.m_raw_end[m]] if start >= 0 else \
            fo.m_raw[fo.m_raw_off[m]:fo.m_raw_off[m + 1]]
        raws.append(_text(raw.tobytes()))
    return reject_batch(input_name, lines, reasons, raws)


def reject_batch(input_name: str, lines: list[int], reasons: list[str],
                 raws: list[str]) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays(
        [pa.array([input_name] * len(lines), pa.string()), pa.array(lines, pa.int64()),
         pa.array(reasons, pa.string()), pa.array(raws, pa.string())],
        schema=schema.REJECTS)
