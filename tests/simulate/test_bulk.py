"""The bulk encoder and line writer agree with the per-message encoder and framing."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.decode.specs import Layout
from pantau.simulate import bulk, encode_payload, sentences, tagged
from tests.simulate.conftest import Decoded

LON = 180 * 600_000
LAT = 90 * 600_000


@st.composite
def class_a(draw: st.DrawFn) -> dict[str, float | int]:
    return {
        "msg_type": draw(st.sampled_from([1, 2, 3])), "mmsi": draw(st.integers(0, 999_999_999)),
        "status": draw(st.integers(0, 15)), "turn": draw(st.floats(-700, 700)),
        "speed": draw(st.integers(0, 1022)) / 10, "accuracy": draw(st.integers(0, 1)),
        "lon": draw(st.integers(-LON, LON)) / 600_000,
        "lat": draw(st.integers(-LAT, LAT)) / 600_000,
        "course": draw(st.integers(0, 3599)) / 10, "heading": draw(st.integers(0, 359)),
        "second": draw(st.integers(0, 59)), "maneuver": draw(st.integers(0, 2)),
        "raim": draw(st.integers(0, 1)), "radio": draw(st.integers(0, (1 << 19) - 1)),
    }


def _raw(values: dict[str, float | int], columns: tuple[str, ...]) -> np.ndarray:
    scale = {"speed": 10, "course": 10, "lon": 600_000, "lat": 600_000}
    row = []
    for c in columns:
        v = values.get(c, 0)
        if c == "turn":
            row.append(int(bulk.raw_turn(np.array([float(v)]))[0]))
        else:
            row.append(round(float(v) * scale.get(c, 1)))
    return np.array([row], np.int64)


@settings(max_examples=200, deadline=None)
@given(class_a())
def test_class_a_payload_matches_encode_payload(values: dict[str, float | int]) -> None:
    payload, fill = encode_payload(Layout.POSITION_A, values)
    packed = bulk.pack(_raw(values, bulk.POSITION_A_COLUMNS), bulk.POSITION_A)
    assert fill == 0
    assert packed.tobytes().decode() == payload


@settings(max_examples=100, deadline=None)
@given(class_a(), st.booleans())
def test_class_b_payload_matches_encode_payload(values: dict[str, float | int],
                                                heading_na: bool) -> None:
    b = {k: values[k] for k in ("mmsi", "speed", "accuracy", "lon", "lat", "course",
                                "heading", "second", "raim")}
    b.update(msg_type=18, cs=1, display=0, dsc=1, band=1, msg22=1, assigned=0,
             radio=int(values["radio"]) | (1 << 19))
    raw = _raw(b, bulk.POSITION_B_COLUMNS)
    if heading_na:
        b["heading"] = None  # type: ignore[assignment]
        raw[0, bulk.POSITION_B_COLUMNS.index("heading")] = 511
    payload, _ = encode_payload(Layout.POSITION_B, b)
    assert bulk.pack(raw, bulk.POSITION_B).tobytes().decode() == payload


def _lines(payloads: list[tuple[str, int]], corrupt: list[int] | None = None,
           ) -> tuple[bulk.Lines, np.ndarray]:
    """One single-sentence message, then a two-fragment one (fragments at 60 chars)."""
    chunks: list[tuple[str, int, int, int]] = []  # text, fill, k, n
    for text, fill in payloads:
        parts = [text[i:i + 60] for i in range(0, len(text), 60)]
        for k, part in enumerate(parts, 1):
            chunks.append((part, fill if k == len(parts) else 0, k, len(parts)))
    pool = np.frombuffer("".join(c[0] for c in chunks).encode(), np.uint8).copy()
    offs = np.cumsum([0] + [len(c[0]) for c in chunks[:-1]])
    n = len(chunks)
    lines = bulk.Lines(
        c_s=np.full(n, 1_757_894_400, np.int64), rx=np.array([0] + [1] * (n - 1), np.int32),
        pay_off=offs.astype(np.int64), pay_len=np.array([len(c[0]) for c in chunks], np.int32),
        fill=np.array([c[1] for c in chunks], np.int8),
        frag_n=np.array([c[3] for c in chunks], np.int8),
        frag_k=np.array([c[2] for c in chunks], np.int8),
        seq=np.array([-1 if c[3] == 1 else 7 for c in chunks], np.int8),
        gid=np.array([0 if c[3] == 1 else 42 for c in chunks], np.int64),
        chan=np.full(n, ord("B"), np.uint8),
        corrupt=np.array(corrupt or [0] * n, np.int8), cut=np.full(n, 20, np.int32))
    return lines, pool


def test_lines_match_the_framing_of_encode() -> None:
    pos = encode_payload(Layout.POSITION_A, {"mmsi": 533123456, "lon": 101.2, "lat": 2.9})
    static = encode_payload(Layout.STATIC_VOYAGE, {"mmsi": 533123456, "shipname": "TEST",
                                                   "callsign": "9MABC", "ship_type": 70})
    lines, pool = _lines([pos, static])
    got = bulk.write_lines(lines, pool, ["MY-A", "MY-B"]).decode().splitlines()
    t = datetime.fromtimestamp(1_757_894_400, UTC)
    want = [tagged(sentences(*pos, channel="B")[0], t, "MY-A")]
    frags = sentences(*static, channel="B", seq_id=7)
    want += [tagged(s, t, "MY-B", (k, 2, 42)) for k, s in enumerate(frags, 1)]
    assert got == want


def test_corrupt_lines_are_rejected_and_nothing_else() -> None:
    pos = encode_payload(Layout.POSITION_A, {"mmsi": 533123456, "lon": 101.2, "lat": 2.9})
    pos2 = encode_payload(Layout.POSITION_A, {"mmsi": 533123457, "lon": 101.3, "lat": 2.8})
    lines, pool = _lines([pos, pos2, pos])
    lines.corrupt[:] = [bulk.BAD_CHECKSUM, bulk.TRUNCATED, bulk.CLEAN]
    out = Decoded(bulk.write_lines(lines, pool, ["MY-A", "MY-B"]))
    reasons = sorted(out.rejects.column("reason").to_pylist())
    assert reasons == ["bad_checksum", "no_checksum"]
    assert out.positions.num_rows == 1
