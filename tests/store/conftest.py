"""Backends the store conformance suite runs against. A new backend joins by adding a
factory here; every test in test_conformance.py then runs on it too."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pantau.store.embedded import EmbeddedStore

BACKENDS: dict[str, Callable[[Path], object]] = {
    "embedded": lambda tmp: EmbeddedStore(tmp / "data"),
}


@pytest.fixture(params=sorted(BACKENDS))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    s = BACKENDS[request.param](tmp_path)
    yield s
    s.close()  # type: ignore[attr-defined]
