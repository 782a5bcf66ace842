"""Every real recording: every line accounted for, nothing pending, nothing crashing."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from pantau.decode import DecodeOptions, Decoder, decode_inputs
from tests.conftest import real_files


@pytest.mark.parametrize("path", real_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_line_is_accounted_for(path: Path) -> None:
    decoder = Decoder(DecodeOptions(dedup=False))
    batches = list(decode_inputs([str(path)], decoder=decoder))
    counts = decoder.counts
    assert counts.lines == len(path.read_bytes().splitlines())
    assert counts.pending == 0
    assert counts.balanced(), counts
    rejects = pa.Table.from_batches([b.rejects for b in batches])
    assert rejects.num_rows == counts.n_rejected
    rows = sum(b.positions.num_rows + b.stations.num_rows + b.aids.num_rows + b.other.num_rows
               for b in batches)
    statics_only = sum(b.statics.num_rows for b in batches) - counts.by_type.get(19, 0)
    assert rows + statics_only == counts.decoded
    assert sum(counts.by_type.values()) == counts.decoded


def test_all_real_files_together_balance_with_dedup_on() -> None:
    decoder = Decoder()
    for _ in decode_inputs([str(p) for p in real_files()], decoder=decoder):
        pass
    counts = decoder.counts
    assert counts.balanced() and counts.pending == 0
    assert counts.decoded > 8000
