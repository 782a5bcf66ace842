"""pantau.simulate.encode: encoded messages decode back, through pantau and pyais."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import pyais
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pantau.decode import DecodeOptions, Decoder
from pantau.decode.specs import LAYOUTS, TABLE_NAMES, B, F, I, Layout, T, Table
from pantau.simulate import STANDARD_BITS, encode_payload, sentences, tagged

# independent of the encoder's own tables: what each layout may carry
TYPES = {
    Layout.POSITION_A: [1, 2, 3], Layout.POSITION_B: [18], Layout.POSITION_B_EXTENDED: [19],
    Layout.POSITION_LONG_RANGE: [27], Layout.STATIC_VOYAGE: [5], Layout.STATIC_24A: [24],
    Layout.STATIC_24B: [24], Layout.STATIC_24B_AUXILIARY: [24], Layout.STATION: [4, 11],
    Layout.AID: [21], Layout.OTHER: [6, 7, 8, 9, 10, 12, 14, 15, 17, 20, 22, 23, 25, 26],
}
PARTNO = {Layout.STATIC_24A: 0, Layout.STATIC_24B: 1, Layout.STATIC_24B_AUXILIARY: 1}
DOMAIN = {"lon": 180.0, "lat": 90.0}  # |value| <= this
SIX_BIT = "".join(chr(c) for c in range(32, 96) if c != 64)  # '@' ends a text
TEXT_CHARS = SIX_BIT + "abcdefghijklmnopqrstuvwxyz"
T0 = datetime(2024, 5, 17, 6, 30, 0, tzinfo=UTC)


def columns(layout: Layout) -> dict[str, F]:
    out: dict[str, F] = {}
    for f in LAYOUTS[layout][0]:
        out.setdefault(f.column, f)
    return out


def tables_of(layout: Layout) -> set[str]:
    fields, home, _ = LAYOUTS[layout]
    return {TABLE_NAMES[f.table if f.table is not None else home] for f in fields}


def raw_range(f: F) -> tuple[int, int]:
    if f.kind == I:
        return -(1 << (f.width - 1)), (1 << (f.width - 1)) - 1
    return 0, (1 << f.width) - 1


@st.composite
def scaled(draw: st.DrawFn, f: F) -> float:
    lo, hi = raw_range(f)
    if f.column in DOMAIN:
        lim = round(DOMAIN[f.column] * f.scale)
        lo, hi = max(lo, -lim), min(hi, lim)
    if f.column == "course":
        hi = round(360 * f.scale) - 1
    raw = draw(st.integers(lo, hi).filter(lambda r: r != f.na))
    if f.scale == 1 and f.column != "course" and f.column != "speed":
        return raw
    jitter = draw(st.floats(-0.45, 0.45)) / f.scale
    return raw / f.scale + jitter if lo < raw < hi else raw / f.scale


def turn_values() -> st.SearchStrategy[float | None]:
    grid = st.integers(-126, 126).map(lambda r: math.copysign((r / 4.733) ** 2, r))
    return st.one_of(st.none(), st.sampled_from([720.0, -720.0]), grid)


def field_values(layout: Layout, f: F) -> st.SearchStrategy[Any]:
    if f.column == "msg_type":
        return st.sampled_from(TYPES[layout])
    if f.column == "partno":
        return st.just(PARTNO[layout])
    if f.column == "mmsi":
        if layout == Layout.STATIC_24B_AUXILIARY:
            return st.integers(980_000_000, 989_999_999)
        return st.integers(0, 999_999_999).filter(lambda m: m // 10_000_000 != 98)
    if f.column == "mothership_mmsi":
        return st.integers(0, 999_999_999)
    if f.column == "turn":
        return turn_values()
    if f.column == "heading":
        return st.one_of(st.none(), st.integers(0, 359))
    if f.kind == T:
        return st.one_of(st.none(), st.text(TEXT_CHARS, max_size=f.width // 6))
    if f.kind == B:
        return st.booleans()
    value = scaled(f)
    return st.one_of(st.none(), value) if f.na is not None else value


@st.composite
def messages(draw: st.DrawFn, layout: Layout) -> dict[str, Any]:
    values = {}
    for name, f in columns(layout).items():
        if name == "name_ext":
            values[name] = draw(st.one_of(st.none(), st.text(SIX_BIT, max_size=14)))
        elif draw(st.integers(0, 9)) or f.column in ("msg_type", "mmsi", "partno"):
            values[name] = draw(field_values(layout, f))
        # else: left out, encoded as not available / 0
    return values


def expected(f: F, value: Any) -> Any:
    if f.kind == T:
        if value is None:
            return None
        return value.upper().strip(" ") or None
    if value is None:
        return None if f.na is not None else (False if f.kind == B else 0)
    return value


def decode(lines: list[str]) -> dict[str, list[dict[str, Any]]]:
    d = Decoder(DecodeOptions(dedup=False))
    d.feed(("\r\n".join(lines) + "\r\n").encode())
    d.end_input()
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLE_NAMES}
    for batch in d.drain():
        for name in TABLE_NAMES:
            rows[name] += getattr(batch, name).to_pylist()
    return rows


def check_row(layout: Layout, row: dict[str, Any], values: dict[str, Any], table: str) -> None:
    fields, home, _ = LAYOUTS[layout]
    for f in fields:
        if TABLE_NAMES[f.table if f.table is not None else home] != table:
            continue
        want, got = expected(f, values.get(f.column)), row[f.column]
        if f.column == "turn" and want is not None:
            assert got == pytest.approx(want, abs=1e-9), f.column
        elif f.kind not in (T, B) and isinstance(want, float):
            assert got == pytest.approx(want, abs=0.5 / f.scale + 1e-9), f.column
        else:
            assert got == want, (f.column, values.get(f.column), got)


def test_standard_lengths() -> None:
    for layout in Layout:
        mmsi = 981234567 if layout == Layout.STATIC_24B_AUXILIARY else 0
        payload, fill = encode_payload(layout, {"msg_type": TYPES[layout][0], "mmsi": mmsi})
        assert 6 * len(payload) - fill == STANDARD_BITS[layout]
        assert STANDARD_BITS[layout] >= LAYOUTS[layout][2]


@pytest.mark.parametrize("layout", list(Layout), ids=lambda x: x.name)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_round_trip(layout: Layout, data: st.DataObject) -> None:
    values = data.draw(messages(layout))
    payload, fill = encode_payload(layout, values)
    max_payload = data.draw(st.sampled_from([60, 60, 20]))
    seq = data.draw(st.integers(0, 9))
    lines = sentences(payload, fill, channel=data.draw(st.sampled_from("AB")), seq_id=seq,
                      max_payload=max_payload)
    when = source = None
    if data.draw(st.booleans()):
        when = T0 + timedelta(seconds=data.draw(st.integers(0, 10**8)))
        source = data.draw(st.sampled_from([None, "rx1", "base-7"]))
        gid = data.draw(st.integers(0, 99_999))
        lines = [tagged(s, when, source, (k, len(lines), gid) if len(lines) > 1 else None)
                 for k, s in enumerate(lines, 1)]
    rows = decode(lines)
    tables = tables_of(layout)
    for name in TABLE_NAMES:
        assert len(rows[name]) == (1 if name in tables else 0), (name, lines)
    for name in tables:
        row = rows[name][0]
        check_row(layout, row, values, name)
        assert row["received_at"] == when
        assert row["source"] == source
    if layout == Layout.OTHER:
        assert rows["other"][0]["payload"] == payload
        assert rows["other"][0]["fill_bits"] == fill


def test_turn_quantisation() -> None:
    for turn in (0.0, 0.3, -5.0, 45.0, -300.0, 700.0, 710.0, -719.9):
        payload, fill = encode_payload(Layout.POSITION_A, {"mmsi": 1, "turn": turn})
        got = decode(sentences(payload, fill))["positions"][0]["turn"]
        raw = min(round(4.733 * math.sqrt(abs(turn))), 126)
        assert got == pytest.approx(math.copysign((raw / 4.733) ** 2, turn) if raw else 0.0)
    payload, fill = encode_payload(Layout.POSITION_A, {"mmsi": 1})
    assert decode(sentences(payload, fill))["positions"][0]["turn"] is None


def test_multipart_type5_with_tag_groups() -> None:
    values = {"msg_type": 5, "mmsi": 351759000, "imo": 9134270, "callsign": "3FOF8",
              "shipname": "EVER DIADEM", "ship_type": 70, "to_bow": 225, "to_stern": 70,
              "to_port": 1, "to_starboard": 31, "epfd": 1, "month": 5, "day": 15,
              "hour": 14, "minute": 0, "draught": 12.2, "destination": "NEW YORK"}
    payload, fill = encode_payload(Layout.STATIC_VOYAGE, values)
    assert (6 * len(payload) - fill, fill) == (424, 2)
    parts = sentences(payload, fill, seq_id=3, channel="B")
    assert len(parts) == 2
    assert parts[0].split(",")[6].startswith("0*") and parts[1].split(",")[6].startswith("2*")
    when = T0 + timedelta(microseconds=700_000)  # c: carries whole seconds
    lines = [tagged(parts[0], when, "rx9", (1, 2, 4711)),
             tagged(parts[1], when, None, (2, 2, 4711))]
    rows = decode(lines)["statics"]
    assert len(rows) == 1
    assert rows[0]["received_at"] == T0
    assert rows[0]["source"] == "rx9"
    check_row(Layout.STATIC_VOYAGE, rows[0], values, "statics")
    assert pyais.decode(*parts).asdict()["destination"] == "NEW YORK"


PYAIS_CASES = [
    (Layout.POSITION_A, {"mmsi": 371798000, "lon": -73.9857, "lat": 40.7484, "speed": 12.3,
                         "course": 271.4, "heading": 270, "turn": -12.0}),
    (Layout.POSITION_B, {"mmsi": 244123456, "lon": 4.4777, "lat": 51.9244, "speed": 6.5}),
    (Layout.POSITION_B_EXTENDED, {"mmsi": 211234567, "lon": 9.99, "lat": 53.55,
                                  "shipname": "Nordlicht", "ship_type": 37}),
    (Layout.POSITION_LONG_RANGE, {"mmsi": 563001234, "lon": 103.8, "lat": 1.25,
                                  "speed": 14, "course": 90}),
    (Layout.STATIC_24A, {"mmsi": 338123456, "shipname": "SEA BREEZE"}),
    (Layout.STATION, {"mmsi": 2655619, "lon": 18.0, "lat": 59.3, "year": 2024, "month": 5}),
    (Layout.AID, {"mmsi": 992351234, "lon": 1.5, "lat": 50.2, "aid_type": 14,
                  "name": "NORTH CARDINAL MARK7", "name_ext": "EXT"}),
]


@pytest.mark.parametrize(("layout", "values"), PYAIS_CASES, ids=lambda x: getattr(x, "name", ""))
def test_pyais_agrees(layout: Layout, values: dict[str, Any]) -> None:
    payload, fill = encode_payload(layout, values)
    msg = pyais.decode(*sentences(payload, fill, seq_id=1)).asdict()
    assert msg["mmsi"] == values["mmsi"]
    tol = 1 / 600 if layout == Layout.POSITION_LONG_RANGE else 1 / 600_000
    if "lon" in values:
        assert msg["lon"] == pytest.approx(values["lon"], abs=tol)
        assert msg["lat"] == pytest.approx(values["lat"], abs=tol)
    if "shipname" in values:
        assert msg["shipname"].strip() == values["shipname"].upper()
    if layout == Layout.AID:
        assert msg["name"] + msg["name_ext"] == values["name"] + values["name_ext"]
    if "speed" in values:
        assert msg["speed"] == pytest.approx(values["speed"], abs=0.05)


@pytest.mark.parametrize(("layout", "values", "match"), [
    (Layout.POSITION_A, {"mmsi": 1, "shipname": "X"}, "unknown column"),
    (Layout.POSITION_A, {"mmsi": 1, "lon": 200.0}, "lon"),
    (Layout.POSITION_A, {"mmsi": 1, "lat": -90.5}, "lat"),
    (Layout.POSITION_A, {"mmsi": 1_234_567_890}, "mmsi"),  # over 30 bits
    (Layout.POSITION_A, {"mmsi": 1_000_000_000}, "mmsi"),  # 30 bits, but 10 digits
    (Layout.POSITION_A, {"mmsi": -1}, "mmsi"),
    (Layout.POSITION_A, {"mmsi": 1, "speed": 102.3}, "not-available"),
    (Layout.POSITION_A, {"mmsi": 1, "speed": 150.0}, "speed"),
    (Layout.POSITION_A, {"mmsi": 1, "course": 360.0}, "course"),
    (Layout.POSITION_A, {"mmsi": 1, "turn": 721.0}, "turn"),
    (Layout.POSITION_A, {"mmsi": 1, "speed": float("nan")}, "finite"),
    (Layout.POSITION_A, {"mmsi": 1, "speed": "fast"}, "number"),
    (Layout.POSITION_A, {"mmsi": 1, "raim": 2}, "boolean"),
    (Layout.POSITION_A, {"msg_type": 5, "mmsi": 1}, "msg_type"),
    (Layout.STATIC_24A, {"mmsi": 1, "shipname": "A" * 21}, "longer"),
    (Layout.STATIC_24A, {"mmsi": 1, "shipname": "caf\u00e9"}, "6-bit"),
    (Layout.STATIC_24A, {"mmsi": 1, "partno": 1}, "partno"),
    (Layout.STATIC_24B, {"mmsi": 981234567}, "AUXILIARY"),
    (Layout.OTHER, {"mmsi": 1}, "msg_type"),
])
def test_invalid_values(layout: Layout, values: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        encode_payload(layout, values)


def test_sentence_errors_and_format() -> None:
    payload, fill = encode_payload(Layout.STATIC_VOYAGE, {"mmsi": 1})
    with pytest.raises(ValueError, match="seq_id"):
        sentences(payload, fill)
    with pytest.raises(ValueError, match="fill"):
        sentences("15RTgt", 6)
    one = sentences(payload, fill, seq_id=7, max_payload=100, talker="BSVDM")
    assert len(one) == 1 and one[0].startswith("!BSVDM,1,1,7,A,") and one[0].endswith(",2*" +
                                                                                      one[0][-2:])
    with pytest.raises(ValueError, match="timezone"):
        tagged(one[0], datetime(2024, 1, 1))
    line = tagged(one[0], T0, "rx1", (1, 1, 5))
    assert line.startswith(f"\\c:{int(T0.timestamp())},s:rx1,g:1-1-5*")
    assert Table.POSITIONS == 0  # the specs' tables are what the tests walk
