"""Framing: tag blocks, receive times, talkers, several sentences a line, dedup, inputs."""

from __future__ import annotations

import gzip
import io
import sys
from datetime import UTC, datetime
from pathlib import Path

import pyais
import pytest

from pantau.decode import DecodeOptions, Decoder, decode_inputs
from tests.conftest import DATA
from tests.decode._nmea import (
    TYPE1,
    TYPE1_MMSI,
    TYPE5,
    TYPE5_MMSI,
    Result,
    assert_accounted,
    checksum,
    collect,
    decode,
    sentence,
    tag,
    with_checksum,
)

T0 = 1_700_000_000  # 2023-11-14 22:13:20 UTC
T0_DT = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
TYPE1_PAYLOAD = "15RTgt0PAso;90TKcjM8h6g208CQ"


def run(*lines: str, options: DecodeOptions | None = None) -> Result:
    r = decode("".join(f"{line}\n" for line in lines), options)
    assert_accounted(r)
    return r


def type5(mmsi: int, name: str, channel: str = "A", seq: int = 1) -> list[str]:
    return pyais.encode_dict(
        {"type": 5, "mmsi": mmsi, "shipname": name, "callsign": "CALL", "imo": 1234567},
        talker_id="AI", sentence_type="VDM", radio_channel=channel, seq_id=seq)


def type1(mmsi: int) -> str:
    [s] = pyais.encode_dict({"type": 1, "mmsi": mmsi, "lon": 4.5, "lat": 52.25},
                            talker_id="AI", sentence_type="VDM")
    return s


def pghp(y: int, mo: int, d: int, h: int, mi: int, s: int, ms: int) -> str:
    body = f"PGHP,1,{y},{mo},{d},{h},{mi},{s},{ms},338,2,,1,09"
    return f"${body}*{checksum(body)}"


# -- tag blocks --------------------------------------------------------------------------

def test_tag_block_time_in_seconds_and_source() -> None:
    r = run(tag(f"s:rx1,c:{T0}") + TYPE1)
    row = r.tables["positions"].to_pylist()[0]
    assert row["mmsi"] == TYPE1_MMSI
    assert row["received_at"] == T0_DT
    assert row["received_at"].utcoffset().total_seconds() == 0
    assert row["source"] == "rx1"
    assert str(r.tables["positions"].schema.field("received_at").type) == "timestamp[us, tz=UTC]"


def test_tag_block_time_in_milliseconds() -> None:
    r = run(tag(f"c:{T0}123,s:station-7") + TYPE1)
    row = r.tables["positions"].to_pylist()[0]
    assert row["received_at"] == T0_DT.replace(microsecond=123_000)
    assert row["source"] == "station-7"


def test_tag_block_time_with_a_fraction() -> None:
    r = run(tag(f"c:{T0}.25") + TYPE1)
    assert r.column("positions", "received_at") == [T0_DT.replace(microsecond=250_000)]
    assert r.column("positions", "source") == [None]


def test_no_tag_block_no_time_no_source() -> None:
    r = run(TYPE1)
    assert r.column("positions", "received_at") == [None]
    assert r.column("positions", "source") == [None]


def test_tag_block_on_its_own_line_applies_to_the_next() -> None:
    r = run(tag(f"c:{T0},s:rx9"), TYPE1, type1(244000001))
    assert r.counts.skipped == {"tag_block_only": 1}
    assert r.column("positions", "source") == ["rx9", None]
    assert r.column("positions", "received_at") == [T0_DT, None]


def test_wrong_tag_block_checksum_is_a_warning_or_a_strict_reject() -> None:
    bad = f"\\c:{T0},s:rx1*00\\" + TYPE1
    r = run(bad)
    assert r.counts.tag_checksum_warnings == 1
    assert r.column("positions", "source") == ["rx1"]
    r = run(bad, options=DecodeOptions(strict_tag_checksum=True))
    assert r.reasons() == ["bad_tag_block_checksum"]


def test_group_later_parts_without_source() -> None:
    a, b = TYPE5
    r = run(tag(f"g:1-2-4711,s:rx1,c:{T0}") + a, tag("g:2-2-4711") + b)
    assert r.counts.decoded == 1 and r.counts.fragments == 1
    row = r.tables["statics"].to_pylist()[0]
    assert (row["mmsi"], row["source"], row["received_at"]) == (TYPE5_MMSI, "rx1", T0_DT)


def test_groups_from_two_receivers_interleaved() -> None:
    """Two receivers send the same seq id and channel; the group ids keep them apart."""
    a = type5(211000001, "ALPHA", seq=5)
    b = type5(211000002, "BRAVO", seq=5)
    r = run(
        tag(f"g:1-2-100,s:rx1,c:{T0}") + a[0],
        tag(f"g:1-2-200,s:rx2,c:{T0}") + b[0],
        tag("g:2-2-200") + b[1],
        tag("g:2-2-100") + a[1],
    )
    rows = r.tables["statics"].select(["mmsi", "shipname", "source"]).to_pylist()
    assert rows == [
        {"mmsi": 211000002, "shipname": "BRAVO", "source": "rx2"},
        {"mmsi": 211000001, "shipname": "ALPHA", "source": "rx1"},
    ]


def test_nmea4_style_group() -> None:
    a, b = TYPE5
    r = run(tag(f"1G2:77,s:rx1,c:{T0}") + a, tag("2G2:77") + b)
    assert r.column("statics", "source") == ["rx1"]
    assert r.counts.decoded == 1


# -- receive times outside tag blocks ----------------------------------------------------

@pytest.mark.parametrize("prefix", [f"{T0} ", f"{T0},", f"{T0};", f"{T0}\t", f"{T0}.000 ",
                                    f"{T0}000 ", "2023-11-14T22:13:20Z ",
                                    "2023-11-14 22:13:20 "])
def test_unix_or_iso_time_prefix(prefix: str) -> None:
    r = run(prefix + TYPE1)
    assert r.column("positions", "received_at") == [T0_DT]
    assert r.column("positions", "mmsi") == [TYPE1_MMSI]


def test_unix_time_after_the_sentence() -> None:
    r = run(f"{TYPE1},{T0}", f"{type1(244000001)},rx,{T0 + 5}",
            f"{type1(244000002)},{T0 + 6}250")
    assert r.column("positions", "received_at") == [
        T0_DT, T0_DT.replace(second=25), T0_DT.replace(second=26, microsecond=250_000)]


def test_tag_block_time_wins_over_a_prefix() -> None:
    r = run(f"{T0 + 100} " + tag(f"c:{T0}") + TYPE1)
    assert r.column("positions", "received_at") == [T0_DT]


def test_pghp_time_applies_to_the_next_sentence_only() -> None:
    r = run(pghp(2008, 5, 9, 0, 0, 0, 10), TYPE1, type1(244000001))
    assert r.counts.skipped == {"proprietary": 1}
    assert r.column("positions", "received_at") == [
        datetime(2008, 5, 9, 0, 0, 0, 10_000, tzinfo=UTC), None]


def test_real_gatehouse_file() -> None:
    path = DATA / "M0r13n_pyais" / "gatehouse.nmea"
    d = Decoder()
    tables = collect(decode_inputs([str(path)], decoder=d))
    r = Result(d.counts, tables)
    assert_accounted(r)
    times = r.column("positions", "received_at")
    assert times and times[0] == datetime(2008, 5, 9, 0, 0, 0, 10_000, tzinfo=UTC)


# -- talkers -----------------------------------------------------------------------------

@pytest.mark.parametrize("talker", ["AIVDM", "AIVDO", "BSVDM", "ABVDM", "ANVDM", "SAVDM",
                                    "BSVDO"])
def test_talkers_and_vdo(talker: str) -> None:
    r = run(sentence(TYPE1_PAYLOAD, talker=talker))
    assert r.column("positions", "mmsi") == [TYPE1_MMSI]


def test_other_nmea_and_proprietary_sentences_are_skipped() -> None:
    gga = "GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,"
    r = run(f"${gga}*{checksum(gga)}", "$PSTT,1,2*00", "# comment", "", TYPE1)
    assert r.counts.skipped == {"other_nmea": 1, "proprietary": 1, "comment": 1, "blank": 1}
    assert r.counts.decoded == 1


# -- several sentences on a line ---------------------------------------------------------

def test_two_sentences_on_one_line() -> None:
    other = type1(244000001)
    r = run(TYPE1 + other)
    assert r.counts.lines == 1 and r.counts.records == 2
    assert r.column("positions", "mmsi") == [TYPE1_MMSI, 244000001]


def test_both_parts_of_a_message_on_one_line() -> None:
    r = run(TYPE5[0] + " " + TYPE5[1])
    assert r.counts.lines == 1 and r.counts.records == 2
    assert r.column("statics", "mmsi") == [TYPE5_MMSI]


def test_tag_blocked_sentences_on_one_line() -> None:
    other = type1(244000001)
    r = run(tag(f"s:rx1,c:{T0}") + TYPE1 + tag(f"s:rx2,c:{T0 + 1}") + other)
    rows = r.tables["positions"].select(["mmsi", "source", "received_at"]).to_pylist()
    assert rows == [
        {"mmsi": TYPE1_MMSI, "source": "rx1", "received_at": T0_DT},
        {"mmsi": 244000001, "source": "rx2", "received_at": T0_DT.replace(second=21)},
    ]


def test_escaped_line_breaks_between_sentences() -> None:
    r = run(TYPE1 + "\\r\\n" + type1(244000001) + "\\r\\n")
    assert r.column("positions", "mmsi") == [TYPE1_MMSI, 244000001]


# -- duplicates --------------------------------------------------------------------------

def test_same_sentence_from_two_receivers_within_the_window_is_decoded_once() -> None:
    r = run(tag(f"s:rx1,c:{T0}") + TYPE1, tag(f"s:rx2,c:{T0 + 3}") + TYPE1)
    assert r.column("positions", "source") == ["rx1"]
    assert r.counts.skipped == {"duplicate": 1}
    assert r.counts.records == 2 and r.counts.decoded == 1


def test_same_sentence_outside_the_window_is_decoded_twice() -> None:
    r = run(tag(f"s:rx1,c:{T0}") + TYPE1, tag(f"s:rx2,c:{T0 + 11}") + TYPE1)
    assert r.column("positions", "source") == ["rx1", "rx2"]
    assert r.counts.skipped == {}


def test_dedup_window_is_an_option() -> None:
    lines = (tag(f"s:rx1,c:{T0}") + TYPE1, tag(f"s:rx2,c:{T0 + 11}") + TYPE1)
    r = run(*lines, options=DecodeOptions(dedup_window_s=20))
    assert r.column("positions", "source") == ["rx1"]


def test_dedup_off_keeps_both() -> None:
    r = run(tag(f"s:rx1,c:{T0}") + TYPE1, tag(f"s:rx2,c:{T0}") + TYPE1,
            options=DecodeOptions(dedup=False))
    assert r.column("positions", "source") == ["rx1", "rx2"]
    assert r.counts.skipped == {}


def test_dedup_of_untimed_messages_by_message_count() -> None:
    fillers = [type1(244000000 + i) for i in range(5)]
    r = run(TYPE1, *fillers, TYPE1, options=DecodeOptions(dedup_window_messages=3))
    assert r.column("positions", "mmsi").count(TYPE1_MMSI) == 2
    r = run(TYPE1, *fillers, TYPE1)
    assert r.column("positions", "mmsi").count(TYPE1_MMSI) == 1


def test_duplicate_multi_part_message_from_two_receivers() -> None:
    a, b = TYPE5
    r = run(tag(f"s:rx1,c:{T0}") + a, tag(f"s:rx1,c:{T0}") + b,
            tag(f"s:rx2,c:{T0 + 1}") + a, tag(f"s:rx2,c:{T0 + 1}") + b)
    assert r.column("statics", "source") == ["rx1"]
    assert r.counts.skipped == {"duplicate": 1}
    assert r.counts.fragments == 2


def test_same_payload_with_other_fill_bits_is_not_a_duplicate() -> None:
    r = run(TYPE1, sentence(TYPE1_PAYLOAD, fill=2), options=DecodeOptions())
    assert r.counts.skipped == {}
    # 166 bits: not a duplicate of the 168-bit one, but too short for a type 1
    assert r.counts.decoded == 1 and r.counts.rejected == {"payload_too_short": 1}


# -- multi-part assembly -----------------------------------------------------------------

def test_interleaved_multi_part_messages_on_two_channels() -> None:
    a = type5(211000001, "ALPHA", channel="A", seq=3)
    b = type5(211000002, "BRAVO", channel="B", seq=3)
    r = run(a[0], b[0], a[1], b[1])
    rows = r.tables["statics"].select(["mmsi", "shipname", "callsign", "imo"]).to_pylist()
    assert rows == [
        {"mmsi": 211000001, "shipname": "ALPHA", "callsign": "CALL", "imo": 1234567},
        {"mmsi": 211000002, "shipname": "BRAVO", "callsign": "CALL", "imo": 1234567},
    ]
    assert r.counts.fragments == 2 and r.counts.rejected == {}


def test_interleaved_multi_part_messages_with_different_seq_ids() -> None:
    a = type5(211000001, "ALPHA", seq=1)
    b = type5(211000002, "BRAVO", seq=2)
    r = run(b[0], a[0], b[1], a[1])
    assert r.column("statics", "shipname") == ["BRAVO", "ALPHA"]


def test_multi_part_time_and_line_come_from_the_first_part() -> None:
    a, b = TYPE5
    r = run(TYPE1, f"{T0} {a}", f"{T0 + 2} {b}")
    assert r.column("statics", "received_at") == [T0_DT]


def test_multi_part_reject_keeps_every_fragment_raw() -> None:
    a = type5(211000001, "ALPHA", seq=4)
    three = [with_checksum(s[1:s.index("*")].replace("AIVDM,2,", "AIVDM,3,")) for s in a]
    r = run(*three)
    rejects = r.tables["rejects"].to_pylist()
    assert [x["reason"] for x in rejects] == ["incomplete_at_end"] * 2
    assert sorted(x["raw"] for x in rejects) == sorted(three)


# -- inputs ------------------------------------------------------------------------------

def _decode_paths(paths: list[Path], options: DecodeOptions | None = None) -> Result:
    d = Decoder(options)
    tables = collect(decode_inputs([str(p) for p in paths], decoder=d))
    r = Result(d.counts, tables)
    assert_accounted(r)
    return r


@pytest.mark.parametrize("name", ["ntpsec_gpsd/sample.aivdm", "M0r13n_pyais/mixed.txt",
                                  "GlobalFishingWatch_ais-tools/errors.nmea",
                                  "dma-ais_AisLib/replay_dump.txt"])
def test_gzip_input_equals_plain_input(tmp_path: Path, name: str) -> None:
    plain = DATA / name
    packed = tmp_path / "copy.gz"  # recognised by its magic bytes, not its name
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    a = _decode_paths([plain])
    b = _decode_paths([packed])
    assert a.counts == b.counts
    for table in ("positions", "statics", "stations", "aids", "other"):
        assert a.tables[table].equals(b.tables[table]), table
    ra, rb = a.tables["rejects"], b.tables["rejects"]
    assert ra.drop_columns(["input"]).equals(rb.drop_columns(["input"]))
    assert set(rb.column("input").to_pylist()) <= {str(packed)}


def test_gzip_with_several_members_equals_plain(tmp_path: Path) -> None:
    data = (DATA / "ntpsec_gpsd" / "sample.aivdm").read_bytes()
    cut = data.index(b"\n", len(data) // 3) + 1
    packed = tmp_path / "members.nmea.gz"
    packed.write_bytes(gzip.compress(data[:cut]) + gzip.compress(data[cut:]))
    plain = tmp_path / "plain.nmea"
    plain.write_bytes(data)
    a, b = _decode_paths([plain]), _decode_paths([packed])
    assert a.counts == b.counts
    assert a.tables["positions"].equals(b.tables["positions"])


def test_fragments_do_not_span_inputs(tmp_path: Path) -> None:
    first, second = tmp_path / "a.nmea", tmp_path / "b.nmea"
    first.write_text(f"{TYPE1}\n{TYPE5[0]}\n")
    second.write_text(f"{TYPE5[1]}\n")
    r = _decode_paths([first, second])
    rejects = r.tables["rejects"].to_pylist()
    assert [(x["input"], x["line"], x["reason"]) for x in rejects] == [
        (str(first), 2, "incomplete_at_end"), (str(second), 1, "incomplete_at_end")]


@pytest.mark.parametrize("packed", [False, True], ids=["plain", "gzip"])
def test_stdin_equals_a_file(monkeypatch: pytest.MonkeyPatch, packed: bool) -> None:
    path = DATA / "ntpsec_gpsd" / "sample.aivdm"
    data = path.read_bytes()
    stdin = io.TextIOWrapper(io.BytesIO(gzip.compress(data) if packed else data))
    monkeypatch.setattr(sys, "stdin", stdin)
    d = Decoder()
    tables = collect(decode_inputs(["-"], decoder=d))
    from_stdin = Result(d.counts, tables)
    assert_accounted(from_stdin)
    from_file = _decode_paths([path])
    assert from_stdin.counts == from_file.counts
    assert from_stdin.tables["positions"].equals(from_file.tables["positions"])
    assert set(from_stdin.column("rejects", "input")) <= {"-"}


def test_a_time_or_tag_block_left_at_the_end_of_one_input_does_not_reach_the_next(
        tmp_path: Path) -> None:
    first = tmp_path / "a.nmea"
    first.write_bytes(b"$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B\n"
                      b"\\c:1354719388*56\\\n")
    second = tmp_path / "b.nmea"
    second.write_bytes(b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n")
    decoder = Decoder(DecodeOptions(dedup=False))
    batches = list(decode_inputs([str(first), str(second)], decoder=decoder))
    times = [t for b in batches for t in b.positions.column("received_at").to_pylist()]
    assert times == [None]
