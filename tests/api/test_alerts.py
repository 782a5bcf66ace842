"""`/api/alerts`: alerts kept from the stored events, filtered, paged and acknowledged."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from pantau.incidents import SEVERITIES
from pantau.store.embedded import EmbeddedStore
from tests.api._own import own_copy
from tests.api.conftest import Served

Env = tuple[Served, TestClient]


@pytest.fixture(scope="module")
def env(served: Served, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    with own_copy(served, tmp_path_factory.mktemp("alerts")) as pair:
        yield pair


def _alerts(env: Env, role: str = "watch_officer", **params: object) -> dict:
    served, client = env
    r = client.get("/api/alerts", params=params, headers=served.auth(role))
    assert r.status_code == 200, r.text
    return r.json()


def _encounter(env: Env) -> dict:
    return next(a for a in _alerts(env, limit=1000)["items"] if a["event_id"] == "t-encounter")


def test_alerts_come_from_the_stored_events_most_severe_first(env: Env) -> None:
    body = _alerts(env, limit=1000)
    items = body["items"]
    assert body["total"] == len(items) > 0
    ranks = [SEVERITIES.index(a["severity"]) for a in items]
    assert ranks == sorted(ranks, reverse=True)
    encounter = _encounter(env)
    assert encounter["rule"] == "encounter offshore" and encounter["severity"] == "medium"
    assert encounter["other_mmsi"] == 219000001 and encounter["zone"] == "Kattegat"
    assert encounter["start"] == "2010-06-11T11:00:00Z" and encounter["raised_at"].endswith("Z")
    assert encounter["acknowledged_by"] is None and encounter["incident_id"] is None


def test_listing_again_keeps_the_same_alerts(env: Env) -> None:
    first = _alerts(env, limit=1000)
    again = _alerts(env, limit=1000)
    assert again == first  # raised_at is when first kept, not when listed
    with EmbeddedStore(env[0].data_dir, read_only=True) as store:
        assert store.count("alerts") == first["total"]


def test_filters_and_pages(env: Env) -> None:
    everything = _alerts(env, limit=1000)
    medium = _alerts(env, severity="medium", limit=1000)
    assert 0 < medium["total"] < everything["total"]
    assert {a["severity"] for a in medium["items"]} <= {"medium", "high"}
    late = _alerts(env, since="2010-06-11T11:00:00Z", limit=1000)
    assert all(a["start"] >= "2010-06-11T11:00:00" for a in late["items"])
    assert "t-encounter" in [a["event_id"] for a in late["items"]]
    page = _alerts(env, limit=2, offset=1)
    assert page["total"] == everything["total"]
    assert page["items"] == everything["items"][1:3]


def test_acknowledge_once_and_filter_by_it(env: Env) -> None:
    served, client = env
    alert = _encounter(env)["alert_id"]
    r = client.post(f"/api/alerts/{alert}/ack", headers=served.auth("watch_officer"))
    assert r.status_code == 200, r.text
    assert r.json()["acknowledged_by"] == "watch-officer"
    at = r.json()["acknowledged_at"]
    again = client.post(f"/api/alerts/{alert}/ack", headers=served.auth("analyst")).json()
    assert again["acknowledged_by"] == "watch-officer" and again["acknowledged_at"] == at
    acked = _alerts(env, acknowledged=True, limit=1000)["items"]
    assert alert in [a["alert_id"] for a in acked]
    assert alert not in [a["alert_id"] for a in
                         _alerts(env, acknowledged=False, limit=1000)["items"]]
    assert _encounter(env)["acknowledged_at"] == at  # kept across the next sync


@pytest.mark.parametrize(("role", "status"), [("sharing_officer", 403), ("auditor", 403)])
def test_who_may_acknowledge(env: Env, role: str, status: int) -> None:
    served, client = env
    alert = _encounter(env)["alert_id"]
    r = client.post(f"/api/alerts/{alert}/ack", headers=served.auth(role))
    assert r.status_code == status and role in r.json()["detail"]


def test_who_may_read(env: Env) -> None:
    served, client = env
    assert _alerts(env, role="sharing_officer")["total"] > 0
    assert client.get("/api/alerts", headers=served.auth("auditor")).status_code == 403
    assert client.get("/api/alerts").status_code == 401


@pytest.mark.parametrize(("path", "status"), [
    ("/api/alerts/" + "0" * 24 + "/ack", 404),
    ("/api/alerts/not-an-id/ack", 422),
])
def test_unknown_and_malformed_ids(env: Env, path: str, status: int) -> None:
    served, client = env
    r = client.post(path, headers=served.auth())
    assert r.status_code == status


@pytest.mark.parametrize("query", ["severity=urgent", "acknowledged=maybe", "since=today",
                                   "limit=0", "sevrity=high"])
def test_bad_parameters_are_422(env: Env, query: str) -> None:
    served, client = env
    assert client.get(f"/api/alerts?{query}", headers=served.auth()).status_code == 422
