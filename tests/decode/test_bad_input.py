"""Bad input is counted and kept with its reason: nothing crashes, nothing is lost."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from pantau.decode import DecodeOptions, Decoder, decode_inputs
from pantau.decode._state import MAX_LINE
from pantau.decode.sources import check_readable
from pantau.errors import InputError
from tests.decode._nmea import (
    TYPE1,
    TYPE1_MMSI,
    TYPE5,
    TYPE5_MMSI,
    Result,
    assert_accounted,
    collect,
    decode,
    payload_from_bits,
    sentence,
    tag,
    with_checksum,
)

TYPE1_PAYLOAD = "15RTgt0PAso;90TKcjM8h6g208CQ"


def decode_lines(*lines: str, options: DecodeOptions | None = None) -> Result:
    r = decode("".join(f"{line}\n" for line in lines), options)
    assert_accounted(r)
    return r


def only_reject(r: Result, reason: str, line: int, raw: str | None = None,
                input_name: str = "stream") -> None:
    rejects = r.tables["rejects"].to_pylist()
    assert [(x["reason"], x["line"]) for x in rejects] == [(reason, line)], rejects
    if raw is not None:
        assert rejects[0]["raw"] == raw
    assert rejects[0]["input"] == input_name


def decode_file(path: Path, options: DecodeOptions | None = None) -> Result:
    decoder = Decoder(options)
    tables = collect(decode_inputs([str(path)], decoder=decoder))
    r = Result(decoder.counts, tables)
    assert_accounted(r)
    return r


# -- one bad sentence among good ones ----------------------------------------------------

BAD_SENTENCES = {
    "bad_checksum": TYPE1[:-2] + ("4B" if TYPE1[-2:] != "4B" else "4C"),
    # cut short: the checksum went with the rest of the line
    "no_checksum": TYPE1[:30],
    # a field lost, yet the checksum matches what is left
    "malformed": with_checksum(f"AIVDM,1,1,,A,{TYPE1_PAYLOAD}"),
    "bad_fill_bits": sentence(TYPE1_PAYLOAD, fill=6),
    "empty_payload": sentence("", fill=0),
    "bad_payload_character": sentence(TYPE1_PAYLOAD[:-1] + "x"),
    "bad_fragment_numbers": sentence(TYPE1_PAYLOAD, count=2, num=3, seq=1),
    "payload_too_short": sentence(TYPE1_PAYLOAD[:20]),
    "unknown_message_type": sentence("p" + TYPE1_PAYLOAD[1:]),
    "not_nmea": "hello, this is not NMEA",
    "binary_data": "\x00\x01\x02\xfe\xff garbage \x7f\x80",
    "malformed_tag_block": "\\c:1700000000*" + TYPE1,
}


@pytest.mark.parametrize("reason", sorted(BAD_SENTENCES))
def test_bad_sentence_is_a_counted_reject(reason: str) -> None:
    bad = BAD_SENTENCES[reason]
    r = decode_lines(TYPE1, bad, TYPE5[0], TYPE5[1])
    assert r.counts.records == 4
    assert r.counts.rejected == {reason: 1}
    only_reject(r, reason, line=2)
    raw = r.tables["rejects"].column("raw")[0].as_py()
    if reason != "binary_data":
        assert raw == bad
    assert r.column("positions", "mmsi") == [TYPE1_MMSI]
    assert r.column("statics", "mmsi") == [TYPE5_MMSI]


@pytest.mark.parametrize("fill", ["7", "x", "-1", "12"])
def test_wrong_fill_bits(fill: str) -> None:
    r = decode_lines(sentence(TYPE1_PAYLOAD, fill=fill))
    only_reject(r, "bad_fill_bits", line=1)


# ('!', '$' and a backslash start a new record: a recorder that lost a newline)
@pytest.mark.parametrize("char", ["X", "Y", "_", "x", "~", "{", " ", "\t", '"'])
def test_characters_outside_the_six_bit_alphabet(char: str) -> None:
    payload = TYPE1_PAYLOAD[:5] + char + TYPE1_PAYLOAD[6:]
    r = decode_lines(sentence(payload))
    only_reject(r, "bad_payload_character", line=1)


def test_payload_too_short_for_its_type() -> None:
    # a type 5 in a single sentence, cut after the call sign
    bits = f"{5:06b}00{TYPE5_MMSI:030b}" + "0" * 100
    payload, fill = payload_from_bits(bits)
    r = decode_lines(sentence(payload, fill), TYPE1)
    only_reject(r, "payload_too_short", line=1)
    # a type 1 whose fill bits take it one bit below the 168 it needs
    r = decode_lines(sentence(TYPE1_PAYLOAD, fill=1))
    only_reject(r, "payload_too_short", line=1)


def test_truncated_sentence_before_another_on_the_same_line() -> None:
    # a recorder lost the end of one sentence and the newline after it
    r = decode_lines(TYPE1[:25] + TYPE5[0], TYPE5[1])
    only_reject(r, "no_checksum", line=1, raw=TYPE1[:25])
    assert r.column("statics", "mmsi") == [TYPE5_MMSI]


def test_binary_garbage_lines_do_not_hide_the_good_ones() -> None:
    garbage = bytes(range(256)).replace(b"\n", b"") + b"\xff\x00" * 50
    data = garbage + b"\n" + TYPE1.encode() + b"\n" + garbage + b"\r\n"
    r = decode(data)
    assert_accounted(r)
    assert r.counts.lines == 3 and r.counts.records == 3
    assert r.reasons() == ["binary_data", "binary_data"]
    assert r.column("rejects", "line") == [1, 3]
    assert r.column("positions", "mmsi") == [TYPE1_MMSI]


# -- multi-part messages -----------------------------------------------------------------

def test_missing_last_fragment_at_end_of_input() -> None:
    r = decode_lines(TYPE1, TYPE5[0])
    only_reject(r, "incomplete_at_end", line=2, raw=TYPE5[0])
    assert r.counts.decoded == 1


def test_missing_first_fragment_at_end_of_input() -> None:
    r = decode_lines(TYPE5[1], TYPE1)
    only_reject(r, "incomplete_at_end", line=1, raw=TYPE5[1])


def test_missing_fragment_times_out_by_receive_time() -> None:
    t0 = 1_700_000_000
    second = [s.replace(",1,A,", ",2,A,") for s in TYPE5]
    second = [with_checksum(s[1:s.index("*")]) for s in second]
    r = decode_lines(
        tag(f"c:{t0}") + TYPE5[0],  # its second part never comes
        tag(f"c:{t0 + 61}") + second[0],
        tag(f"c:{t0 + 62}") + second[1],
    )
    only_reject(r, "fragment_timeout", line=1)
    assert r.column("statics", "mmsi") == [TYPE5_MMSI]


def test_missing_fragment_within_the_timeout_is_still_pending() -> None:
    t0 = 1_700_000_000
    r = decode_lines(
        tag(f"c:{t0}") + TYPE5[0],
        tag(f"c:{t0 + 30}") + TYPE1,
        tag(f"c:{t0 + 59}") + TYPE5[1],
    )
    assert r.counts.rejected == {}
    assert r.column("statics", "mmsi") == [TYPE5_MMSI]


def test_missing_fragment_times_out_by_record_count_without_times() -> None:
    other = [with_checksum(s[1:s.index("*")].replace(",1,A,", ",2,A,")) for s in TYPE5]
    fillers = [sentence(TYPE1_PAYLOAD[:-1] + c) for c in "0123456789"]
    r = decode_lines(TYPE5[0], *fillers, *other,
                     options=DecodeOptions(fragment_timeout_records=5))
    only_reject(r, "fragment_timeout", line=1, raw=TYPE5[0])
    assert r.column("statics", "mmsi") == [TYPE5_MMSI]


def test_identical_repeated_fragment_is_a_skipped_duplicate() -> None:
    r = decode_lines(TYPE5[0], TYPE5[0], TYPE5[1])
    assert r.counts.skipped == {"duplicate_fragment": 1}
    assert r.counts.rejected == {}
    assert r.counts.fragments == 1 and r.counts.decoded == 1
    assert r.column("statics", "shipname") == ["EVER DIADEM"]


def test_different_repeated_fragment_supersedes_the_first() -> None:
    body = TYPE5[0][1:TYPE5[0].index("*")]
    changed = with_checksum(body.replace("EHE:0", "EHE:1"))
    assert changed != TYPE5[0]
    r = decode_lines(TYPE5[0], changed, TYPE5[1])
    only_reject(r, "fragment_superseded", line=1, raw=TYPE5[0])
    assert r.counts.decoded == 1 and r.counts.fragments == 1
    assert r.column("statics", "mmsi") == [TYPE5_MMSI]


def test_fragments_with_different_counts_are_different_messages() -> None:
    three = with_checksum(TYPE5[1][1:TYPE5[1].index("*")].replace("AIVDM,2,2", "AIVDM,3,2"))
    r = decode_lines(TYPE5[0], three)
    assert r.counts.rejected == {"incomplete_at_end": 2}
    assert sorted(r.column("rejects", "line")) == [1, 2]


# -- inputs ------------------------------------------------------------------------------

def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.nmea"
    path.write_bytes(b"")
    r = decode_file(path)
    assert r.counts.lines == r.counts.records == 0
    assert all(t.num_rows == 0 for t in r.tables.values())


def test_empty_gzip_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.nmea.gz"
    path.write_bytes(gzip.compress(b""))
    r = decode_file(path)
    assert r.counts.records == 0


def test_truncated_gzip_keeps_what_was_read(tmp_path: Path) -> None:
    lines = [sentence(TYPE1_PAYLOAD[:-1] + chr(48 + i % 40)) for i in range(2000)]
    packed = gzip.compress("".join(f"{x}\n" for x in lines).encode())
    path = tmp_path / "cut.nmea.gz"
    path.write_bytes(packed[: len(packed) // 2])
    r = decode_file(path, DecodeOptions(dedup=False))
    rejects = r.tables["rejects"].to_pylist()
    assert [x["reason"] for x in rejects][-1:] == ["truncated_input"]
    assert r.counts.rejected["truncated_input"] == 1
    assert rejects[-1]["input"] == str(path)
    assert str(path) in rejects[-1]["raw"]
    assert 0 < r.counts.decoded < 2000


def test_gzip_with_a_bad_crc_is_a_counted_reject(tmp_path: Path) -> None:
    packed = bytearray(gzip.compress(f"{TYPE1}\n".encode()))
    packed[-8] ^= 0xFF  # CRC32 of the member
    path = tmp_path / "crc.nmea.gz"
    path.write_bytes(bytes(packed))
    r = decode_file(path)
    assert r.counts.rejected.get("truncated_input") == 1


def test_missing_path_is_an_input_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "nope.nmea"
    with pytest.raises(InputError, match=r"nope\.nmea"):
        list(decode_inputs([str(path)]))


def test_directory_path_is_an_input_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="directory") as e:
        list(decode_inputs([str(tmp_path)]))
    assert str(tmp_path) in str(e.value)


def test_unreadable_paths_are_caught_before_decoding(tmp_path: Path) -> None:
    for bad in (tmp_path / "nope.nmea", tmp_path):
        with pytest.raises(InputError) as e:
            check_readable(str(bad))
        assert str(bad) in str(e.value)
    check_readable("-")


def test_good_input_before_a_missing_one_is_kept(tmp_path: Path) -> None:
    good = tmp_path / "good.nmea"
    good.write_text(f"{TYPE1}\n")
    batches = []
    with pytest.raises(InputError, match="missing"):
        for batch in decode_inputs([str(good), str(tmp_path / "missing.nmea")]):
            batches.append(batch)
    assert collect(batches)["positions"].column("mmsi").to_pylist() == [TYPE1_MMSI]


# -- a line that never ends --------------------------------------------------------------

def test_line_without_end_at_end_of_input() -> None:
    data = ("A" * (MAX_LINE + 10)).encode()
    for splits in ((), range(0, len(data), 4096)):
        r = decode(data, splits=splits)
        assert_accounted(r)
        assert r.counts.lines == 1 and r.counts.records == 1
        only_reject(r, "line_too_long", line=1)
        assert len(r.tables["rejects"].column("raw")[0].as_py()) <= 1024


@pytest.mark.parametrize("chunk", [None, 1000, 4096, 65536, 70_000])
def test_over_long_line_is_one_reject_however_it_is_fed(chunk: int | None) -> None:
    """An over-long line is one record, so the line numbers after it stay right."""
    long_line = "!AIVDM," + "A" * (3 * MAX_LINE)
    data = f"{TYPE1}\n{long_line}\n{TYPE5[0]}\n{TYPE5[1]}\n".encode()
    splits = range(0, len(data), chunk) if chunk else ()
    r = decode(data, splits=splits)
    assert_accounted(r)
    assert r.counts.lines == 4 and r.counts.records == 4
    only_reject(r, "line_too_long", line=2)
    assert r.column("positions", "mmsi") == [TYPE1_MMSI]
    assert r.column("statics", "mmsi") == [TYPE5_MMSI]


def test_over_long_line_in_a_file(tmp_path: Path) -> None:
    path = tmp_path / "long.nmea"
    path.write_bytes(b"x" * (3 * MAX_LINE) + b"\n" + TYPE1.encode() + b"\n")
    r = decode_file(path)
    only_reject(r, "line_too_long", line=1, input_name=str(path))
    assert r.column("positions", "mmsi") == [TYPE1_MMSI]
