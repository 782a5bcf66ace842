"""Helpers shared by the decoder tests: build NMEA text, run the decoder, collect tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from pantau.decode import DecodeCounts, DecodedBatch, DecodeOptions, Decoder
from pantau.decode.nmea import checksum, tag_block
from pantau.decode.specs import TABLE_NAMES, TABLE_SCHEMAS
from pantau.schema import REJECTS

TABLES = (*TABLE_NAMES, "rejects")
_SCHEMAS = {**dict(zip(TABLE_NAMES, TABLE_SCHEMAS, strict=True)), "rejects": REJECTS}

#: a real single-part type 1 sentence (MMSI 371798000) and a real two-part type 5
TYPE1 = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"
TYPE1_MMSI = 371798000
TYPE5 = (
    "!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C",
    "!AIVDM,2,2,1,A,88888888880,2*25",
)
TYPE5_MMSI = 351759000


def sentence(payload: str, fill: int | str = 0, *, count: int = 1, num: int = 1,
             seq: int | str = "", channel: str = "A", talker: str = "AIVDM") -> str:
    """A checksummed '!' sentence."""
    body = f"{talker},{count},{num},{seq},{channel},{payload},{fill}"
    return f"!{body}*{checksum(body)}"


def with_checksum(body: str) -> str:
    """'!' + body + a correct checksum, whatever the body holds."""
    return f"!{body}*{checksum(body)}"


tag = tag_block


def payload_from_bits(bits: str) -> tuple[str, int]:
    """A '0'/'1' string to (armoured payload, fill bits)."""
    fill = (-len(bits)) % 6
    bits += "0" * fill
    chars = []
    for i in range(0, len(bits), 6):
        v = int(bits[i:i + 6], 2)
        chars.append(chr(v + 48 if v < 40 else v + 56))
    return "".join(chars), fill


@dataclass
class Result:
    counts: DecodeCounts
    tables: dict[str, pa.Table]

    def column(self, table: str, name: str) -> list[Any]:
        return list(self.tables[table].column(name).to_pylist())

    def reasons(self) -> list[Any]:
        return self.column("rejects", "reason")


def collect(batches: Iterable[DecodedBatch]) -> dict[str, pa.Table]:
    """Concatenate the batches of each table (empty tables when there were none)."""
    parts: dict[str, list[pa.RecordBatch]] = {name: [] for name in TABLES}
    for b in batches:
        for name, batch in b.tables().items():
            parts[name].append(batch)
    return {name: pa.Table.from_batches(parts[name], schema=_SCHEMAS[name]).combine_chunks()
            for name in TABLES}


def decode(data: bytes | str, options: DecodeOptions | None = None,
           splits: Sequence[int] = (), input_name: str = "stream") -> Result:
    """Feed ``data`` (cut at the offsets in ``splits``), end the input, collect everything."""
    raw = data.encode("latin-1") if isinstance(data, str) else data
    d = Decoder(options, input_name)
    batches: list[DecodedBatch] = []
    prev = 0
    for cut in sorted({*splits, len(raw)}):
        d.feed(raw[prev:cut])
        batches += d.drain()
        prev = cut
    d.end_input()
    batches += d.drain()
    return Result(d.counts, collect(batches))


def assert_accounted(r: Result) -> None:
    """Every record ended somewhere, and every reject is a row with its reason."""
    c = r.counts
    assert c.pending == 0, c
    assert c.balanced(), c
    rejects = r.tables["rejects"]
    assert rejects.num_rows == c.n_rejected, (rejects.to_pylist(), c)
    by_reason: dict[str, int] = {}
    for reason in rejects.column("reason").to_pylist():
        by_reason[reason] = by_reason.get(reason, 0) + 1
    assert by_reason == c.rejected
    rows = sum(r.tables[t].num_rows for t in ("positions", "stations", "aids", "other"))
    statics_only = r.tables["statics"].num_rows - c.by_type.get(19, 0)
    assert rows + statics_only == c.decoded, c
