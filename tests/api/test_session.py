"""Web sessions: sign in with a password, the cookie, CSRF, expiry, sign out, and the
live stream over the cookie."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from typer.testing import CliRunner

from pantau.api import sessions, users
from pantau.api.app import create_app
from pantau.cli.main import app as cli
from pantau.store.embedded import EmbeddedStore
from tests.api.conftest import Served

PASSWORD = "correct horse battery"
OFFICER, AUDITOR = "web-officer", "web-auditor"


@pytest.fixture(scope="module")
def people(served: Served) -> Served:
    with EmbeddedStore(served.data_dir) as store:
        users.add_user(store, OFFICER, "watch_officer", password=PASSWORD)
        users.add_user(store, AUDITOR, "auditor", password=PASSWORD)
    return served


@pytest.fixture()
def web(people: Served) -> Iterator[TestClient]:
    """A client of its own (its own cookie jar and sign-in limits)."""
    with TestClient(create_app(people.data_dir)) as c:
        yield c


def sign_in(client: TestClient, name: str = OFFICER, password: str = PASSWORD) -> str:
    r = client.post("/api/session", json={"name": name, "password": password})
    assert r.status_code == 200, r.text
    return str(r.json()["csrf"])


def test_sign_in_sets_a_strict_http_only_cookie_and_keeps_only_its_digest(
        web: TestClient, people: Served) -> None:
    r = web.post("/api/session", json={"name": OFFICER, "password": PASSWORD})
    assert r.status_code == 200
    body = r.json()
    assert body["name"] == OFFICER and body["role"] == "watch_officer"
    assert body["csrf_header"] == "X-Pantau-CSRF" and len(body["csrf"]) == 64
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("pantau_session=")
    for attribute in ("HttpOnly", "SameSite=strict", "Path=/"):
        assert attribute.lower() in cookie.lower()
    assert "secure" not in cookie.lower()  # plain http here; https gets Secure
    session_id = web.cookies["pantau_session"]
    with EmbeddedStore(people.data_dir, read_only=True) as store:
        kept = store.select("sessions", {"user_name": OFFICER}).to_pylist()
    assert hashlib.sha256(session_id.encode()).hexdigest() in {k["digest"] for k in kept}
    assert session_id not in repr(kept)


def test_the_cookie_reads_the_picture_and_says_who_is_signed_in(web: TestClient) -> None:
    assert web.get("/api/session").status_code == 401
    csrf = sign_in(web)
    assert web.get("/api/vessels").status_code == 200
    me = web.get("/api/session").json()
    assert me["name"] == OFFICER and me["role"] == "watch_officer" and me["csrf"] == csrf


def test_wrong_password_and_unknown_user_get_the_same_answer(web: TestClient) -> None:
    wrong = web.post("/api/session", json={"name": OFFICER, "password": "guess"})
    nobody = web.post("/api/session", json={"name": "nobody-here", "password": "guess"})
    no_password = web.post("/api/session", json={"name": "analyst", "password": "guess"})
    assert wrong.status_code == nobody.status_code == no_password.status_code == 401
    assert wrong.json() == nobody.json() == no_password.json() == {
        "detail": "wrong user name or password"}
    assert "set-cookie" not in wrong.headers


@pytest.mark.parametrize("body", [{"name": OFFICER}, {"name": "", "password": "x"},
                                  {"name": OFFICER, "password": PASSWORD, "role": "admin"},
                                  {"name": 7, "password": PASSWORD}])
def test_malformed_sign_in_is_422(web: TestClient, body: dict[str, object]) -> None:
    assert web.post("/api/session", json=body).status_code == 422


@pytest.mark.parametrize("cookie", [
    secrets.token_urlsafe(32),  # well formed, never issued
    "nonsense", "", "a" * 500, "x.y;z",
])
def test_a_forged_cookie_is_401(people: Served, cookie: str) -> None:
    with TestClient(create_app(people.data_dir), cookies={"pantau_session": cookie}) as c:
        r = c.get("/api/vessels")
    assert r.status_code == 401
    assert isinstance(r.json()["detail"], str)


def test_changes_with_the_cookie_need_the_csrf_header(web: TestClient) -> None:
    csrf = sign_in(web)
    body = {"title": "seen from the web", "severity": "low"}
    missing = web.post("/api/incidents", json=body)
    wrong = web.post("/api/incidents", json=body, headers={"X-Pantau-CSRF": "0" * 64})
    assert missing.status_code == wrong.status_code == 403
    assert "X-Pantau-CSRF" in missing.json()["detail"]
    ok = web.post("/api/incidents", json=body, headers={"X-Pantau-CSRF": csrf})
    assert ok.status_code == 201
    log = web.get(f"/api/incidents/{ok.json()['incident_id']}").json()["log"]
    assert log[0]["actor"] == OFFICER  # who acted is the signed-in user


def test_bearer_requests_need_no_csrf_header(client: TestClient, served: Served) -> None:
    r = client.post("/api/incidents", json={"title": "by script", "severity": "low"},
                    headers=served.auth("watch_officer"))
    assert r.status_code == 201


def test_a_roles_rights_hold_over_the_cookie(web: TestClient) -> None:
    sign_in(web, AUDITOR)
    assert web.get("/api/session").json()["role"] == "auditor"
    assert web.get("/api/vessels").status_code == 403


def test_sign_out_ends_the_session_for_good(web: TestClient, people: Served) -> None:
    csrf = sign_in(web)
    session_id = web.cookies["pantau_session"]
    assert web.delete("/api/session").status_code == 403  # no CSRF header
    r = web.delete("/api/session", headers={"X-Pantau-CSRF": csrf})
    assert r.status_code == 204
    assert 'pantau_session=""' in r.headers["set-cookie"] or "Max-Age=0" in r.headers[
        "set-cookie"]
    with TestClient(create_app(people.data_dir),
                    cookies={"pantau_session": session_id}) as replay:
        assert replay.get("/api/vessels").status_code == 401


def test_sign_out_with_a_bearer_token_is_400(client: TestClient, served: Served) -> None:
    r = client.delete("/api/session", headers=served.auth("watch_officer"))
    assert r.status_code == 400 and "no web session" in r.json()["detail"]
    who = client.get("/api/session", headers=served.auth("watch_officer")).json()
    assert who["role"] == "watch_officer" and who["csrf"] is None


def _age(data_dir: object, session_id: str, **columns: datetime) -> None:
    with EmbeddedStore(data_dir) as store:  # type: ignore[arg-type]
        row = store.select("sessions", {"digest": sessions.digest(session_id)})
        for name, value in columns.items():
            row = row.set_column(row.schema.get_field_index(name), name,
                                 pa.array([value], row.schema.field(name).type))
        store.upsert("sessions", row)


@pytest.mark.parametrize("aged", [
    {"last_seen_at": timedelta(hours=12, minutes=1)},  # idle
    {"created_at": timedelta(days=7, minutes=1)},  # too old, however busy
])
def test_an_expired_session_is_401(people: Served, aged: dict[str, timedelta]) -> None:
    with TestClient(create_app(people.data_dir)) as first:
        sign_in(first)
        session_id = first.cookies["pantau_session"]
    now = datetime.now(UTC)
    _age(people.data_dir, session_id, **{k: now - v for k, v in aged.items()})
    with TestClient(create_app(people.data_dir),
                    cookies={"pantau_session": session_id}) as later:
        r = later.get("/api/vessels")
    assert r.status_code == 401 and "expired" in r.json()["detail"]


def test_activity_is_kept_and_written_back_at_most_every_few_minutes(people: Served
                                                                     ) -> None:
    now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    with EmbeddedStore(people.data_dir) as store:
        user = users.get_user(store, OFFICER)
        assert user is not None
        new = sessions.create_session(store, user, now)
        key = {"digest": sessions.digest(new.session_id)}
        # seen in memory 11 h later: 11 h after that it is still only 11 h idle
        assert sessions.verify_session(store, new.session_id, now + timedelta(hours=11))
        assert sessions.verify_session(store, new.session_id, now + timedelta(hours=22))
        sessions.touch(store, new.session_id, now + timedelta(hours=22, minutes=1))
        seen = store.select("sessions", key)["last_seen_at"][0].as_py()
        assert seen == now + timedelta(hours=22, minutes=1)
        sessions.touch(store, new.session_id, now + timedelta(hours=22, minutes=3))
        assert store.select("sessions", key)["last_seen_at"][0].as_py() == seen
        assert sessions.verify_session(store, new.session_id, now + timedelta(hours=35)
                                       ) is None


def test_a_new_password_or_revoked_tokens_end_sessions(people: Served) -> None:
    with EmbeddedStore(people.data_dir) as store:
        users.add_user(store, "web-mover", "analyst", password="first password")
    with TestClient(create_app(people.data_dir)) as c:
        sign_in(c, "web-mover", "first password")
        assert c.get("/api/zones").status_code == 200
        result = CliRunner().invoke(cli, ["users", "password", "web-mover", "--data-dir",
                                          str(people.data_dir)], input="second password\n")
        assert result.exit_code == 0, result.output
        assert "ended 1 web session" in result.output
        assert c.get("/api/zones").status_code == 401
        assert c.post("/api/session", json={"name": "web-mover",
                                            "password": "first password"}).status_code == 401
        sign_in(c, "web-mover", "second password")
        result = CliRunner().invoke(cli, ["users", "revoke", "web-mover", "--data-dir",
                                          str(people.data_dir)])
        assert result.exit_code == 0 and "ended 1 web session" in result.output
        assert c.get("/api/zones").status_code == 401


def test_password_command_refuses_unknown_users_and_empty_passwords(people: Served) -> None:
    for name, stdin, message in (("ghost", "x\n", "no user"),
                                 (OFFICER, "\n", "no password")):
        result = CliRunner().invoke(cli, ["users", "password", name, "--data-dir",
                                          str(people.data_dir)], input=stdin)
        assert result.exit_code == 2 and message in result.output


def test_failed_sign_ins_past_the_limit_are_429(people: Served) -> None:
    with TestClient(create_app(people.data_dir)) as c:
        for _ in range(10):
            assert c.post("/api/session", json={"name": OFFICER, "password": "guess"}
                          ).status_code == 401
        r = c.post("/api/session", json={"name": OFFICER, "password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0


def test_the_limiter_counts_per_name_and_per_client_in_a_window() -> None:
    limits = sessions.SignInLimiter(per_name=3, per_client=5, window_s=60)
    for t in range(3):
        assert limits.retry_after_s("ana", "10.0.0.1", t) == 0
        limits.failed("ana", "10.0.0.1", t)
    assert limits.retry_after_s("ana", "10.0.0.9", 3) == pytest.approx(57)
    assert limits.retry_after_s("ben", "10.0.0.1", 3) == 0  # 3 of the client's 5
    limits.failed("ben", "10.0.0.1", 4)
    limits.failed("cy", "10.0.0.1", 5)
    assert limits.retry_after_s("dee", "10.0.0.1", 6) == pytest.approx(54)
    assert limits.retry_after_s("ana", "10.0.0.9", 61) == 0  # the window moved on
    limits.succeeded("ben")
    assert limits.retry_after_s("ben", "10.0.0.2", 6) == 0


def test_the_stream_accepts_the_cookie_from_its_own_origin_only(web: TestClient) -> None:
    sign_in(web)
    for headers in ({"origin": "https://elsewhere.example"}, {}):
        with pytest.raises(WebSocketDisconnect) as closed, \
                web.websocket_connect("/api/stream", headers=headers) as ws:
            ws.receive_text()
        assert closed.value.code == 4401
    with web.websocket_connect("/api/stream", headers={"origin": "http://testserver"}):
        assert web.get("/api/live").json()["stream_clients"] == 1
