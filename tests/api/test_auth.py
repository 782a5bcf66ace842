"""Who may call what: health is open, everything else needs a valid token and a role."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient

from pantau.api import users
from pantau.api.auth import READERS
from pantau.store.embedded import EmbeddedStore
from tests.api.conftest import Served

READ_ROUTES = ["/api/vessels", "/api/vessels/209273000", "/api/vessels/209273000/track",
               "/api/events", "/api/zones", "/api/presence?zone=Kattegat"]


def test_health_is_open(client: TestClient) -> None:
    r = client.get("/api/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok" and r.json()["store"] == "ok"


@pytest.mark.parametrize("path", READ_ROUTES)
def test_no_token_is_401_with_a_json_body(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 401
    assert "bearer" in r.json()["detail"].lower()
    assert r.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("header", [
    "Bearer nonsense",
    "Bearer 0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "Basic YWxhZGRpbjpvcGVuc2VzYW1l",
    "Bearer ",
])
def test_forged_or_malformed_tokens_are_401(client: TestClient, header: str) -> None:
    r = client.get("/api/vessels", headers={"Authorization": header})
    assert r.status_code == 401
    assert isinstance(r.json()["detail"], str)


def test_a_real_token_id_with_a_forged_secret_is_401(client: TestClient, served: Served
                                                     ) -> None:
    token_id, secret = served.tokens["analyst"].split(".")
    forged = f"{token_id}.{secret[::-1]}"
    r = client.get("/api/vessels", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401


def test_a_revoked_token_is_401_at_once(client: TestClient, served: Served) -> None:
    with EmbeddedStore(served.data_dir) as store:
        users.add_user(store, "leaver", "analyst")
        old = users.issue_token(store, "leaver").token
    assert client.get("/api/zones", headers={"Authorization": f"Bearer {old}"}
                      ).status_code == 200
    with EmbeddedStore(served.data_dir) as store:
        assert users.revoke_tokens(store, "leaver") == 1
        new = users.issue_token(store, "leaver").token
    r = client.get("/api/zones", headers={"Authorization": f"Bearer {old}"})
    assert r.status_code == 401 and r.json() == {"detail": "invalid or revoked token"}
    assert client.get("/api/zones", headers={"Authorization": f"Bearer {new}"}
                      ).status_code == 200


@pytest.mark.parametrize("path", READ_ROUTES)
def test_auditors_may_not_read_the_picture(client: TestClient, served: Served,
                                           path: str) -> None:
    r = client.get(path, headers=served.auth("auditor"))
    assert r.status_code == 403
    assert "auditor" in r.json()["detail"]


@pytest.mark.parametrize("role", READERS)
def test_every_reading_role_may_read(client: TestClient, served: Served, role: str) -> None:
    for path in READ_ROUTES:
        assert client.get(path, headers=served.auth(role)).status_code == 200, path


def test_openapi_lists_every_route_and_the_bearer_scheme(client: TestClient) -> None:
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    assert set(doc["paths"]) >= {"/api/health", "/api/vessels", "/api/vessels/{mmsi}",
                                 "/api/vessels/{mmsi}/track", "/api/events", "/api/zones",
                                 "/api/presence"}
    incidents = "/api/incidents/{incident_id}"
    assert set(doc["paths"]) >= {"/api/alerts", "/api/alerts/{alert_id}/ack",
                                 "/api/incidents", incidents,
                                 *(f"{incidents}/{verb}" for verb in (
                                     "assign", "status", "notes", "events", "vessels",
                                     "evidence"))}
    assert doc["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert "security" not in doc["paths"]["/api/health"]["get"]
    # either a bearer token or the web page's session cookie
    assert doc["paths"]["/api/events"]["get"]["security"] == [{"HTTPBearer": []},
                                                              {"APIKeyCookie": []}]
    assert doc["components"]["securitySchemes"]["APIKeyCookie"]["name"] == "pantau_session"
    params = {p["name"] for p in doc["paths"]["/api/events"]["get"]["parameters"]}
    assert {"kind", "mmsi", "zone", "since", "until", "bbox", "limit", "offset"} <= params


def test_the_store_keeps_digests_and_argon2_hashes_only(served: Served) -> None:
    with EmbeddedStore(served.data_dir) as store:
        users.add_user(store, "with-password", "admin", password="correct horse")
        token = users.issue_token(store, "with-password").token
        row = store.select("users", {"name": "with-password"}).to_pylist()[0]
        assert row["password_hash"].startswith("$argon2id$")
        assert "correct horse" not in row["password_hash"]
        assert users.verify_password(store, "with-password", "correct horse") is not None
        assert users.verify_password(store, "with-password", "wrong") is None
        assert users.verify_password(store, "nobody", "x") is None
        stored = store.select("tokens", {"user_name": "with-password"}).to_pylist()[0]
        assert stored["digest"] == hashlib.sha256(token.encode()).hexdigest()
        assert token not in repr(store.select("tokens").to_pylist())
        user = users.verify_token(store, token)
        assert user is not None and user.role == "admin"
        assert users.verify_token(store, token + "x") is None


def test_bad_names_and_roles_are_refused(served: Served) -> None:
    with EmbeddedStore(served.data_dir) as store:
        with pytest.raises(users.UserError, match="unknown role"):
            users.add_user(store, "someone", "captain")
        with pytest.raises(users.UserError, match="bad user name"):
            users.add_user(store, "Robert'); DROP TABLE users;--", "admin")
        with pytest.raises(users.UserError, match="exists already"):
            users.add_user(store, "analyst", "analyst")
        with pytest.raises(users.UserError, match="no user"):
            users.issue_token(store, "ghost")


def test_a_store_held_by_a_writer_is_503_with_retry_after(client: TestClient,
                                                          served: Served) -> None:
    with EmbeddedStore(served.data_dir):  # as `pantau ingest` would hold it
        busy = client.get("/api/zones", headers=served.auth())
        health = client.get("/api/health")
    assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
    assert "busy" in busy.json()["detail"]
    assert health.status_code == 503 and health.json()["store"] == "unavailable"
    assert client.get("/api/zones", headers=served.auth()).status_code == 200
