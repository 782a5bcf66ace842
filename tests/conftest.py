from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data" / "ais"


def real_files() -> list[Path]:
    """Every real NMEA recording kept as test data."""
    return sorted(p for p in DATA.glob("*/*") if p.name not in ("SOURCES.md", "LICENSE"))


@pytest.fixture
def data_dir() -> Path:
    return DATA
