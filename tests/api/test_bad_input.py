"""Parameters that do not validate are a 4xx naming the parameter, never a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Served


@pytest.mark.parametrize(("path", "param"), [
    ("/api/events?since=yesterday", "since"),
    ("/api/events?since=2010-06-11T00:00:00", "since"),  # no time zone
    ("/api/events?until=2010-13-45T00:00:00Z", "until"),
    ("/api/events?until=25.0", "until"),  # not read as seconds since 1970
    ("/api/alerts?since=1700000000", "since"),
    ("/api/events?kind=piracy", "kind"),
    ("/api/events?mmsi=abc", "mmsi"),
    ("/api/events?limit=0", "limit"),
    ("/api/events?limit=1001", "limit"),
    ("/api/events?offset=-1", "offset"),
    ("/api/events?bbox=1,2,3", "bbox"),
    ("/api/events?bbox=a,b,c,d", "bbox"),
    ("/api/events?bbox=10,50,5,60", "bbox"),  # min > max
    ("/api/events?bbox=0,-91,1,0", "bbox"),
    ("/api/events?bbox=nan,0,1,1", "bbox"),
    ("/api/events?kinds=encounter", "kinds"),  # misspelt: not silently ignored
    ("/api/vessels?category=pirate", "category"),
    ("/api/vessels?flag=dk", "flag"),
    ("/api/vessels?bbox=0,0,200,1", "bbox"),
    ("/api/vessels/-5", "mmsi"),
    ("/api/vessels/1234567890", "mmsi"),
    ("/api/vessels/209273000/track?since=2010-06-12T00:00:00Z&until=2010-06-11T00:00:00Z",
     None),
    ("/api/vessels/209273000/track?limit=100001", "limit"),
    ("/api/presence", "zone"),
    ("/api/presence?zone=Kattegat&by=week", "by"),
    ("/api/presence?zone=Kattegat&category=whale", "category"),
])
def test_bad_parameters_are_422_naming_them(client: TestClient, served: Served, path: str,
                                            param: str | None) -> None:
    r = client.get(path, headers=served.auth())
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, list) and all(d["msg"] for d in detail)
    if param is not None:
        assert param in [d["loc"][-1] for d in detail]


def test_unknown_paths_and_methods(client: TestClient, served: Served) -> None:
    assert client.get("/api/nothing", headers=served.auth()).status_code == 404
    assert client.post("/api/vessels", headers=served.auth(), json={}).status_code == 405
