"""Property tests: any bytes are accounted for, chunking does not matter, and messages
encoded by pyais decode to the values they were made from."""

from __future__ import annotations

import math
from typing import Any

import pyais
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyais.constants import EpfdType, ShipType

from pantau.decode import DecodeOptions
from tests.conftest import real_files
from tests.decode._nmea import Result, assert_accounted, decode

SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

REAL_LINES = sorted({line for p in real_files() for line in p.read_bytes().splitlines()
                     if line.strip()})
NMEA_BYTES = b"!$\\*,:-\r\n\t 0123456789ABCDEFGHIJKLMNOPVWcgsx@`w"


def expected_lines(data: bytes) -> int:
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def splits_of(data: bytes) -> st.SearchStrategy[list[int]]:
    return st.lists(st.integers(0, len(data)), max_size=12)


options_st = st.builds(
    DecodeOptions,
    dedup=st.booleans(),
    dedup_window_messages=st.sampled_from([0, 3, 200]),
    fragment_timeout_records=st.sampled_from([1, 4, 10_000]),
    strict_tag_checksum=st.booleans(),
)


# -- (1) random bytes --------------------------------------------------------------------

random_bytes = st.one_of(
    st.binary(max_size=3000),
    st.lists(st.sampled_from(list(NMEA_BYTES)), max_size=3000).map(bytes),
)


@SETTINGS
@given(data=st.data(), raw=random_bytes, options=options_st)
def test_random_bytes_in_random_chunks_are_accounted_for(
        data: st.DataObject, raw: bytes, options: DecodeOptions) -> None:
    r = decode(raw, options, splits=data.draw(splits_of(raw)))
    assert_accounted(r)
    assert r.counts.lines == expected_lines(raw)


# -- (2) mutated real lines --------------------------------------------------------------

MUTATIONS = ("flip", "delete", "insert", "truncate", "duplicate", "join", "swap")


@st.composite
def mutated_lines(draw: st.DrawFn) -> bytes:
    lines = list(draw(st.lists(st.sampled_from(REAL_LINES), min_size=1, max_size=12)))
    for _ in range(draw(st.integers(0, 8))):
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        op = draw(st.sampled_from(MUTATIONS))
        pos = draw(st.integers(0, len(line)))
        if op == "flip" and pos < len(line):
            bit = 1 << draw(st.integers(0, 7))
            line = line[:pos] + bytes([line[pos] ^ bit]) + line[pos + 1:]
        elif op == "delete":
            line = line[:pos] + line[pos + 1:]
        elif op == "insert":
            byte = draw(st.one_of(st.sampled_from(list(NMEA_BYTES)), st.integers(0, 255)))
            line = line[:pos] + bytes([byte]) + line[pos:]
        elif op == "truncate":
            line = line[:pos]
        elif op == "duplicate":
            lines.insert(i, line)
        elif op == "join" and i + 1 < len(lines):  # a lost newline
            line += lines.pop(i + 1)
        elif op == "swap" and i + 1 < len(lines):
            lines[i + 1], line = line, lines[i + 1]
        lines[i] = line
    end = draw(st.sampled_from([b"\n", b"\r\n"]))
    return end.join(lines) + draw(st.sampled_from([b"", end]))


@SETTINGS
@given(data=st.data(), raw=mutated_lines(), options=options_st)
def test_mutated_real_lines_are_accounted_for(
        data: st.DataObject, raw: bytes, options: DecodeOptions) -> None:
    r = decode(raw, options, splits=data.draw(splits_of(raw)))
    assert_accounted(r)
    assert r.counts.lines == expected_lines(raw)


# -- (3) chunking does not matter --------------------------------------------------------

def _sorted_rejects(t: pa.Table) -> list[tuple[Any, ...]]:
    # Rejects found by the framing kernel and by the payload kernel in one call come out
    # in two runs, so their order depends on where calls start; the set does not.
    return sorted((x["input"], x["line"], x["reason"], x["raw"]) for x in t.to_pylist())


def assert_same(a: Result, b: Result) -> None:
    assert a.counts == b.counts
    for name, table in a.tables.items():
        if name == "rejects":
            assert _sorted_rejects(table) == _sorted_rejects(b.tables[name])
        else:
            assert table.equals(b.tables[name]), name


@SETTINGS
@given(data=st.data(), raw=st.one_of(mutated_lines(), random_bytes), options=options_st)
def test_split_points_do_not_change_the_result(
        data: st.DataObject, raw: bytes, options: DecodeOptions) -> None:
    whole = decode(raw, options)
    assert_same(whole, decode(raw, options, splits=data.draw(splits_of(raw))))


@settings(max_examples=25, deadline=None)
@given(data=st.data(), options=options_st)
def test_byte_at_a_time_equals_one_piece(data: st.DataObject, options: DecodeOptions) -> None:
    lines = data.draw(st.lists(st.sampled_from(REAL_LINES), min_size=1, max_size=6))
    raw = b"\n".join(lines) + b"\n"
    assert_same(decode(raw, options), decode(raw, options, splits=range(len(raw))))


# -- (4) round trip through pyais --------------------------------------------------------

SIXBIT = "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?"
EPFD = sorted(int(e) for e in EpfdType)
SHIP_TYPES = sorted(int(s) for s in ShipType)
LON_NA, LAT_NA = 181 * 600_000, 91 * 600_000


def text(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=SIXBIT, max_size=n)


def text_value(s: str) -> str | None:
    """What pantau makes of 6-bit text: up to the first '@', blanks trimmed, '' -> null."""
    return s.split("@")[0].strip(" ") or None


def raw_or_na(bits: int, na: int, signed: bool = False) -> st.SearchStrategy[int]:
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    return st.one_of(st.just(na), st.integers(lo, hi))


def scaled(raw: int, scale: float, na: int | None) -> float | None:
    return None if raw == na else raw / scale


def turn_value(raw: int) -> float | None:
    if raw == -128:
        return None
    if abs(raw) == 127:
        return math.copysign(720.0, raw)
    return math.copysign((raw / 4.733) ** 2, raw)


def turn_input(raw: int) -> float:
    """A rate of turn that pyais encodes as ``raw``."""
    if abs(raw) >= 127:
        return float(raw)
    return math.copysign((raw / 4.733) ** 2, raw)


Msg = tuple[dict[str, Any], dict[str, dict[str, Any]]]  # pyais input, rows by table
mmsi_st = st.integers(0, (1 << 30) - 1)
u = st.integers


@st.composite
def position_a(draw: st.DrawFn) -> Msg:
    mtype = draw(st.sampled_from([1, 2, 3]))
    # pyais needs msg_type as well: its MessageType2 and 3 encode type 1 from "type" alone
    f = {"type": mtype, "msg_type": mtype, "mmsi": draw(mmsi_st), "repeat": draw(u(0, 3)),
         "status": draw(u(0, 15)), "accuracy": draw(st.booleans()), "heading": draw(u(0, 511)),
         "second": draw(u(0, 63)), "maneuver": draw(u(0, 3)), "raim": draw(st.booleans()),
         "radio": draw(u(0, (1 << 19) - 1))}
    turn, speed, course = draw(u(-128, 127)), draw(u(0, 1023)), draw(u(0, 4095))
    lon, lat = draw(raw_or_na(28, LON_NA, True)), draw(raw_or_na(27, LAT_NA, True))
    enc = {**f, "turn": turn_input(turn), "speed": speed / 10, "course": course / 10,
           "lon": lon / 600_000, "lat": lat / 600_000}
    row = {**f, "turn": turn_value(turn),
           "speed": scaled(speed, 10, 1023), "course": scaled(course, 10, 3600),
           "lon": scaled(lon, 600_000, LON_NA), "lat": scaled(lat, 600_000, LAT_NA),
           "heading": None if f["heading"] == 511 else f["heading"]}
    return enc, {"positions": row}


def _class_b_motion(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    f = {"accuracy": draw(st.booleans()), "heading": draw(u(0, 511)), "second": draw(u(0, 63))}
    speed, course = draw(u(0, 1023)), draw(u(0, 4095))
    lon, lat = draw(raw_or_na(28, LON_NA, True)), draw(raw_or_na(27, LAT_NA, True))
    enc = {**f, "speed": speed / 10, "course": course / 10, "lon": lon / 600_000,
           "lat": lat / 600_000}
    row = {**f, "speed": scaled(speed, 10, 1023), "course": scaled(course, 10, 3600),
           "lon": scaled(lon, 600_000, LON_NA), "lat": scaled(lat, 600_000, LAT_NA),
           "heading": None if f["heading"] == 511 else f["heading"]}
    return enc, row


def _dims(draw: st.DrawFn) -> dict[str, int]:
    return {"to_bow": draw(u(0, 511)), "to_stern": draw(u(0, 511)), "to_port": draw(u(0, 63)),
            "to_starboard": draw(u(0, 63))}


@st.composite
def position_b(draw: st.DrawFn) -> Msg:
    f = {"type": 18, "mmsi": draw(mmsi_st), "repeat": draw(u(0, 3)),
         **{k: draw(st.booleans()) for k in ("cs", "display", "dsc", "band", "msg22",
                                              "assigned", "raim")},
         "radio": draw(u(0, (1 << 20) - 1))}
    enc, row = _class_b_motion(draw)
    return {**f, **enc}, {"positions": {**f, **row, "msg_type": 18}}


@st.composite
def position_b_extended(draw: st.DrawFn) -> Msg:
    common = {"mmsi": draw(mmsi_st), "repeat": draw(u(0, 3))}
    name, ship_type, epfd = draw(text(20)), draw(st.sampled_from(SHIP_TYPES)), draw(
        st.sampled_from(EPFD))
    dims = _dims(draw)
    flags = {"raim": draw(st.booleans()), "dte": draw(st.booleans()),
             "assigned": draw(st.booleans())}
    enc, row = _class_b_motion(draw)
    pos = {**common, **row, "msg_type": 19, "raim": flags["raim"],
           "assigned": flags["assigned"]}
    static = {**common, **dims, "msg_type": 19, "shipname": text_value(name),
              "ship_type": ship_type or None, "epfd": epfd, "dte": flags["dte"]}
    return ({"type": 19, **common, **enc, **dims, **flags, "shipname": name,
             "ship_type": ship_type, "epfd": epfd},
            {"positions": pos, "statics": static})


@st.composite
def static_voyage(draw: st.DrawFn) -> Msg:
    f = {"mmsi": draw(mmsi_st), "repeat": draw(u(0, 3)), "ais_version": draw(u(0, 3)),
         "epfd": draw(st.sampled_from(EPFD)), "month": draw(u(0, 15)), "day": draw(u(0, 31)),
         "hour": draw(u(0, 31)), "minute": draw(u(0, 63)), "dte": draw(st.booleans()),
         **_dims(draw)}
    imo, ship_type, draught = draw(u(0, (1 << 30) - 1)), draw(st.sampled_from(SHIP_TYPES)), draw(
        u(0, 255))
    texts = {"callsign": draw(text(7)), "shipname": draw(text(20)),
             "destination": draw(text(20))}
    enc = {"type": 5, **f, **texts, "imo": imo, "ship_type": ship_type,
           "draught": draught / 10}
    row = {**f, "msg_type": 5, "imo": imo or None, "ship_type": ship_type or None,
           "draught": scaled(draught, 10, 0),
           **{k: text_value(v) for k, v in texts.items()}}
    return enc, {"statics": row}


@st.composite
def station(draw: st.DrawFn) -> Msg:
    f = {"mmsi": draw(mmsi_st), "repeat": draw(u(0, 3)), "year": draw(u(0, (1 << 14) - 1)),
         "month": draw(u(0, 15)), "day": draw(u(0, 31)), "hour": draw(u(0, 31)),
         "minute": draw(u(0, 63)), "second": draw(u(0, 63)), "accuracy": draw(st.booleans()),
         "epfd": draw(st.sampled_from(EPFD)), "raim": draw(st.booleans()),
         "radio": draw(u(0, (1 << 19) - 1))}
    lon, lat = draw(raw_or_na(28, LON_NA, True)), draw(raw_or_na(27, LAT_NA, True))
    enc = {"type": 4, **f, "lon": lon / 600_000, "lat": lat / 600_000}
    row = {**f, "msg_type": 4, "lon": scaled(lon, 600_000, LON_NA),
           "lat": scaled(lat, 600_000, LAT_NA)}
    return enc, {"stations": row}


@st.composite
def aid(draw: st.DrawFn) -> Msg:
    f = {"mmsi": draw(mmsi_st), "repeat": draw(u(0, 3)), "aid_type": draw(u(0, 31)),
         "accuracy": draw(st.booleans()), "epfd": draw(st.sampled_from(EPFD)),
         "second": draw(u(0, 63)), "off_position": draw(st.booleans()),
         "raim": draw(st.booleans()), "virtual_aid": draw(st.booleans()),
         "assigned": draw(st.booleans()), **_dims(draw)}
    regional = draw(u(0, 255))
    name, name_ext = draw(text(20)), draw(text(14))
    lon, lat = draw(raw_or_na(28, LON_NA, True)), draw(raw_or_na(27, LAT_NA, True))
    enc = {"type": 21, **f, "name": name, "name_ext": name_ext, "reserved_1": regional,
           "lon": lon / 600_000, "lat": lat / 600_000}
    row = {**f, "msg_type": 21, "name": text_value(name), "name_ext": text_value(name_ext),
           "regional": regional, "lon": scaled(lon, 600_000, LON_NA),
           "lat": scaled(lat, 600_000, LAT_NA)}
    return enc, {"aids": row}


@st.composite
def static_24(draw: st.DrawFn) -> Msg:
    repeat = draw(u(0, 3))
    part = draw(st.sampled_from(["A", "B", "B-auxiliary"]))
    if part == "A":
        mmsi, name = draw(mmsi_st), draw(text(20))
        return ({"type": 24, "mmsi": mmsi, "repeat": repeat, "partno": 0, "shipname": name},
                {"statics": {"msg_type": 24, "mmsi": mmsi, "repeat": repeat, "partno": 0,
                             "shipname": text_value(name)}})
    if part == "B":
        mmsi = draw(mmsi_st.filter(lambda m: m // 10_000_000 != 98))
        tail: dict[str, Any] = _dims(draw)
    else:
        mmsi = draw(u(980_000_000, 989_999_999))
        tail = {"mothership_mmsi": draw(mmsi_st)}
    f = {"mmsi": mmsi, "repeat": repeat, "partno": 1, "model": draw(u(0, 15)),
         "serial": draw(u(0, (1 << 20) - 1)), **tail}
    ship_type, vendor, callsign = draw(u(0, 255)), draw(text(3)), draw(text(7))
    return ({"type": 24, **f, "ship_type": ship_type, "vendorid": vendor, "callsign": callsign},
            {"statics": {**f, "msg_type": 24, "ship_type": ship_type or None,
                         "vendorid": text_value(vendor), "callsign": text_value(callsign)}})


@st.composite
def long_range(draw: st.DrawFn) -> Msg:
    f = {"mmsi": draw(mmsi_st), "repeat": draw(u(0, 3)), "accuracy": draw(st.booleans()),
         "raim": draw(st.booleans()), "status": draw(u(0, 15)), "gnss": draw(st.booleans())}
    lon, lat = draw(raw_or_na(18, 181 * 600, True)), draw(raw_or_na(17, 91 * 600, True))
    speed, course = draw(u(0, 63)), draw(u(0, 511))
    enc = {"type": 27, **f, "lon": lon / 600, "lat": lat / 600, "speed": speed,
           "course": course}
    row = {**f, "msg_type": 27, "lon": scaled(lon, 600, 181 * 600),
           "lat": scaled(lat, 600, 91 * 600), "speed": scaled(speed, 1, 63),
           "course": scaled(course, 1, 511)}
    return enc, {"positions": row}


any_message = st.one_of(position_a(), position_b(), position_b_extended(), static_voyage(),
                        station(), aid(), static_24(), long_range())
FLOAT_TOLERANCE = {"lon": 1e-6, "lat": 1e-6}


def assert_row(got: dict[str, Any], want: dict[str, Any], where: str) -> None:
    for key, value in want.items():
        if key == "type":
            continue
        actual = got[key]
        if value is None or actual is None:
            assert actual == value, f"{where}.{key}: {actual!r} != {value!r}"
        elif isinstance(value, float) or isinstance(actual, float):
            tol = FLOAT_TOLERANCE.get(key, 1e-9 * max(1.0, abs(value)))
            assert abs(actual - value) <= tol, f"{where}.{key}: {actual!r} != {value!r}"
        else:
            assert actual == value, f"{where}.{key}: {actual!r} != {value!r}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages=st.lists(any_message, min_size=1, max_size=6), data=st.data())
def test_pyais_encoded_messages_decode_to_their_values(
        messages: list[Msg], data: st.DataObject) -> None:
    text_lines: list[str] = []
    want: dict[str, list[dict[str, Any]]] = {}
    for seq, (fields, rows) in enumerate(messages):
        channel = data.draw(st.sampled_from("AB"))
        talker = data.draw(st.sampled_from(["AI", "BS", "AB"]))
        kind = data.draw(st.sampled_from(["VDM", "VDO"]))
        text_lines += pyais.encode_dict(fields, talker_id=talker, sentence_type=kind,
                                        radio_channel=channel, seq_id=seq % 10)
        for table, row in rows.items():
            want.setdefault(table, []).append(row)
    raw = "".join(f"{line}\n" for line in text_lines).encode()
    r = decode(raw, DecodeOptions(dedup=False))
    assert_accounted(r)
    assert r.counts.rejected == {} and r.counts.decoded == len(messages), r.counts
    for table in ("positions", "statics", "stations", "aids", "other"):
        got = r.tables[table].to_pylist()
        expected = want.get(table, [])
        assert len(got) == len(expected), table
        for i, (g, w) in enumerate(zip(got, expected, strict=True)):
            assert_row(g, w, f"{table}[{i}]")
