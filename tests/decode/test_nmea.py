from __future__ import annotations

from datetime import UTC, datetime

from pantau.decode import Decoder
from pantau.decode.nmea import checksum, shift_tag_time, tag_block

LINE = b"\\c:1565218798*53\\!BSVDM,1,1,,A,13mb9U0P00PRk8fT5nw>4?wj2006,0*5D"


def test_checksum_and_tag_block_match_a_real_recording() -> None:
    assert checksum("c:1565218798") == "53"
    assert tag_block("c:1565218798") == "\\c:1565218798*53\\"


def test_a_retimed_line_decodes_at_the_new_time() -> None:
    later = shift_tag_time(LINE, 3600)
    assert later.startswith(b"\\c:1565222398*") and later.endswith(LINE[17:])
    d = Decoder()
    d.feed(later + b"\n")
    d.end_input()
    [batch] = d.drain()
    assert batch.positions.column("received_at").to_pylist() == [
        datetime(2019, 8, 7, 23, 59, 58, tzinfo=UTC)]
    assert d.counts.tag_checksum_warnings == 0
    assert shift_tag_time(b"!AIVDM,1,1,,A,x,0*00", 5) == b"!AIVDM,1,1,,A,x,0*00"
