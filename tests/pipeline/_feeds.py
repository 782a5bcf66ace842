"""Test feeds made from the real Norwegian recording, shifted in time so that copies are
new data rather than duplicates."""

from __future__ import annotations

from pathlib import Path

from pantau.decode.nmea import shift_tag_time
from tests.conftest import DATA

NORWAY = DATA / "ais-dotnet_Ais.Net" / "Ais1000Lines.nm4"


def shifted_feed(path: Path, copies: int, step_s: int = 3600) -> Path:
    """`copies` copies of the Norwegian file, each `step_s` later than the one before."""
    lines = NORWAY.read_bytes().splitlines()
    with path.open("wb") as f:
        for i in range(copies):
            f.write(b"\n".join(shift_tag_time(line, i * step_s) for line in lines) + b"\n")
    return path
