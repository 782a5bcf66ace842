"""One data directory for the API tests: a real recording (the DMA stream example, Danish
waters) ingested with a zone over the Kattegat, a few events written through the store,
and a user with a token for every role."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pantau.api import users
from pantau.api.app import create_app
from pantau.cli.main import app as cli
from pantau.store.embedded import EmbeddedStore
from tests.conftest import DATA

DMA = DATA / "dma-ais_AisLib" / "stream_example.txt"
T0 = datetime(2010, 6, 11, 11, 0, tzinfo=UTC)
KATTEGAT = {"type": "FeatureCollection", "features": [{
    "type": "Feature", "properties": {"name": "Kattegat", "kind": "aoi"},
    "geometry": {"type": "Polygon", "coordinates": [[
        [10.5, 56.0], [13.0, 56.0], [13.0, 58.0], [10.5, 58.0], [10.5, 56.0]]]}}]}

EVENTS = [
    {"event_id": "t-encounter", "kind": "encounter", "mmsi": 209273000,
     "other_mmsi": 219000001, "start": T0, "end": T0 + timedelta(hours=3), "lat": 57.7,
     "lon": 11.2, "zone": "Kattegat", "duration_s": 10800.0,
     "details": json.dumps({"max_distance_m": 500})},
    {"event_id": "t-loitering", "kind": "loitering", "mmsi": 219000002, "other_mmsi": None,
     "start": T0 - timedelta(days=2), "end": T0 - timedelta(days=1), "lat": 55.0,
     "lon": 4.0, "zone": None, "duration_s": 86400.0, "details": json.dumps({"min_h": 4})},
]


@dataclass(frozen=True)
class Served:
    data_dir: Path
    tokens: dict[str, str]  # role -> token of a user with that role

    def auth(self, role: str = "analyst") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Served:
    root = tmp_path_factory.mktemp("api")
    zones = root / "kattegat.geojson"
    zones.write_text(json.dumps(KATTEGAT))
    data = root / "data"
    result = CliRunner().invoke(cli, ["ingest", str(DMA), "--zones", str(zones),
                                      "--data-dir", str(data), "--json"])
    assert result.exit_code == 0, result.output
    tokens: dict[str, str] = {}
    with EmbeddedStore(data) as store:
        store.upsert("events", pa.Table.from_pylist(EVENTS))
        for role in users.ROLES:
            users.add_user(store, role.replace("_", "-"), role)
            tokens[role] = users.issue_token(store, role.replace("_", "-")).token
    return Served(data, tokens)


@pytest.fixture(scope="session")
def client(served: Served) -> Iterator[TestClient]:
    with TestClient(create_app(served.data_dir)) as c:
        yield c
