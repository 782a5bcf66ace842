"""Shared simulator runs: built once per session (a short run and the default scenario)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from pantau.decode import DecodeCounts, Decoder
from pantau.simulate import Simulation, simulate


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pantau-cache")


@pytest.fixture(scope="session")
def short(cache_dir: Path) -> Simulation:
    """Two hours of the default scenario with another seed."""
    return simulate("malaysia", hours=2, seed=3, cache_dir=cache_dir)


@pytest.fixture(scope="session")
def full(cache_dir: Path) -> Simulation:
    """The default scenario: 48 h from 2025-09-15T00:00:00Z, seed 1."""
    return simulate(cache_dir=cache_dir)


class Decoded:
    def __init__(self, data: bytes) -> None:
        decoder = Decoder()
        decoder.feed(data)
        decoder.end_input()
        batches = decoder.drain()
        self.counts: DecodeCounts = decoder.counts
        self.positions = pa.Table.from_batches([b.positions for b in batches])
        self.statics = pa.Table.from_batches([b.statics for b in batches])
        self.rejects = pa.Table.from_batches([b.rejects for b in batches])


@pytest.fixture(scope="session")
def short_decoded(short: Simulation) -> Decoded:
    return Decoded(short.feed_bytes())
