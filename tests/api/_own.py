"""A private copy of the API tests' data directory, for tests that change it (alerts,
incidents), so that the read-only tests keep seeing the data they expect."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from pantau.api.app import create_app
from tests.api.conftest import Served


@contextmanager
def own_copy(served: Served, root: Path) -> Iterator[tuple[Served, TestClient]]:
    data = root / "data"
    shutil.copytree(served.data_dir, data)
    mine = Served(data, served.tokens)
    with TestClient(create_app(data)) as client:
        yield mine, client
