"""`/api/incidents`: an alert becomes an incident, which is run through its lifecycle with
every change logged by who and when; refusals are 4xx naming why, never 500."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from pantau.incidents import store as kept
from pantau.store.embedded import EmbeddedStore
from tests.api._own import own_copy
from tests.api.conftest import Served

Env = tuple[Served, TestClient]
NOBODY = "inc-" + "0" * 20


@pytest.fixture(scope="module")
def env(served: Served, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    with own_copy(served, tmp_path_factory.mktemp("incidents")) as pair:
        yield pair


def _post(env: Env, path: str, body: object, role: str = "watch_officer", status: int = 200
          ) -> dict:
    served, client = env
    r = client.post(path, json=body, headers=served.auth(role))
    assert r.status_code == status, r.text
    return r.json()


def _get(env: Env, path: str, role: str = "watch_officer", **params: object) -> dict:
    served, client = env
    r = client.get(path, params=params, headers=served.auth(role))
    assert r.status_code == 200, r.text
    return r.json()


def _alert(env: Env, event_id: str) -> dict:
    return next(a for a in _get(env, "/api/alerts", limit=1000)["items"]
                if a["event_id"] == event_id)


def _by_hand(env: Env, title: str = "fishing fleet massing", severity: str = "low") -> str:
    made = _post(env, "/api/incidents", {"title": title, "severity": severity}, status=201)
    return str(made["incident_id"])


def test_an_alert_becomes_an_incident_once(env: Env) -> None:
    alert = _alert(env, "t-encounter")
    made = _post(env, "/api/incidents", {"alert_ids": [alert["alert_id"]]}, role="analyst",
                 status=201)
    assert made["status"] == "new" and made["severity"] == alert["severity"]
    assert made["title"] == alert["title"] and made["created_by"] == "analyst"
    assert made["events"] == ["t-encounter"] and made["vessels"] == [209273000, 219000001]
    again = _post(env, "/api/incidents", {"alert_ids": [alert["alert_id"]]})
    assert again == made  # 200: the existing incident, not a second one
    now = _alert(env, "t-encounter")
    assert now["incident_id"] == made["incident_id"] and now["acknowledged_by"] == "analyst"
    one = _get(env, f"/api/incidents/{made['incident_id']}", role="auditor")
    assert [e["event_id"] for e in one["linked_events"]] == ["t-encounter"]
    assert one["linked_events"][0]["details"] == {"max_distance_m": 500}
    assert one["linked_vessels"][0]["shipname"] == "ALLERDIEP"
    assert [a["alert_id"] for a in one["linked_alerts"]] == [alert["alert_id"]]


def test_several_alerts_take_the_highest_severity(env: Env) -> None:
    alerts = [a for a in _get(env, "/api/alerts", limit=1000)["items"]
              if a["incident_id"] is None][:3]
    assert alerts
    made = _post(env, "/api/incidents", {"alert_ids": [a["alert_id"] for a in alerts],
                                         "title": "pattern"}, status=201)
    order = ["low", "medium", "high"]
    assert made["severity"] == max((a["severity"] for a in alerts), key=order.index)
    assert made["title"] == "pattern" and len(made["alerts"]) == len(alerts)
    taken = _post(env, "/api/incidents", {"alert_ids": [alerts[0]["alert_id"]]}, status=409)
    assert made["incident_id"] in taken["detail"]


def test_run_an_incident_and_the_log_says_who_and_when(env: Env) -> None:
    served, _ = env
    start = datetime.now(UTC)
    iid = _by_hand(env)
    base = f"/api/incidents/{iid}"
    _post(env, f"{base}/status", {"status": "triaged"})
    _post(env, f"{base}/assign", {"assignee": "analyst"}, role="admin")
    _post(env, f"{base}/notes", {"text": "twelve hulls, no AIS on four"}, role="analyst")
    _post(env, f"{base}/events", {"event_id": "t-loitering"}, role="analyst")
    _post(env, f"{base}/vessels", {"mmsi": 219000002}, role="analyst")
    changed = _post(env, f"{base}/evidence", {
        "since": "2010-06-09T11:00:00Z", "until": "2010-06-10T11:00:00+00:00",
        "mmsis": [219000002, 219000003]}, role="analyst")
    assert changed["logged"]["seq"] == 7 and changed["logged"]["actor"] == "analyst"
    _post(env, f"{base}/status", {"status": "responding"})
    _post(env, f"{base}/status", {"status": "closed"}, role="admin")
    one = _get(env, base, role="sharing_officer")
    assert one["status"] == "closed" and one["assignee"] == "analyst"
    assert one["vessels"] == [219000002, 219000003]
    assert one["evidence"] == [{"since": "2010-06-09T11:00:00Z",
                                "until": "2010-06-10T11:00:00Z",
                                "mmsis": [219000002, 219000003]}]
    assert one["notes"][0]["author"] == "analyst"
    log = one["log"]
    assert [(e["seq"], e["action"], e["actor"]) for e in log] == [
        (1, "create", "watch-officer"), (2, "status", "watch-officer"),
        (3, "assign", "admin"), (4, "note", "analyst"), (5, "link_event", "analyst"),
        (6, "link_vessel", "analyst"), (7, "evidence", "analyst"),
        (8, "status", "watch-officer"), (9, "status", "admin")]
    times = [datetime.fromisoformat(e["at"]) for e in log]
    assert times == sorted(times) and start <= times[0] <= datetime.now(UTC)
    assert one["updated_at"] == log[-1]["at"]
    with EmbeddedStore(served.data_dir, read_only=True) as store:
        assert kept.rebuild(store, iid) == kept.get_incident(store, iid)


def test_list_by_status_and_assignee(env: Env) -> None:
    a = _by_hand(env, "listed one")
    b = _by_hand(env, "listed two", "high")
    _post(env, f"/api/incidents/{b}/assign", {"assignee": "watch-officer"})
    new = _get(env, "/api/incidents", status="new", limit=1000)
    assert {a, b} <= {i["incident_id"] for i in new["items"]}
    assert {i["status"] for i in new["items"]} == {"new"}
    mine = _get(env, "/api/incidents", assignee="watch-officer", limit=1000)["items"]
    assert b in [i["incident_id"] for i in mine] and a not in [i["incident_id"] for i in mine]
    everything = _get(env, "/api/incidents", role="auditor", limit=1000)
    updated = [i["updated_at"] for i in everything["items"]]
    assert updated == sorted(updated, reverse=True)
    page = _get(env, "/api/incidents", limit=1, offset=1)
    assert page["total"] == everything["total"] and page["items"] == everything["items"][1:2]


@pytest.mark.parametrize(("role", "path", "body"), [
    ("sharing_officer", "", {"title": "x", "severity": "low"}),
    ("auditor", "", {"title": "x", "severity": "low"}),
    ("analyst", "/status", {"status": "triaged"}),
    ("analyst", "/assign", {"assignee": "analyst"}),
    ("sharing_officer", "/notes", {"text": "x"}),
    ("auditor", "/notes", {"text": "x"}),
    ("auditor", "/vessels", {"mmsi": 1}),
])
def test_roles_that_may_not_act_are_403(env: Env, role: str, path: str, body: object) -> None:
    served, client = env
    target = "/api/incidents" + (f"/{_by_hand(env)}{path}" if path else "")
    r = client.post(target, json=body, headers=served.auth(role))
    assert r.status_code == 403 and role in r.json()["detail"]


def test_conflicts_are_409_and_change_nothing(env: Env) -> None:
    iid = _by_hand(env)
    base = f"/api/incidents/{iid}"
    refused = _post(env, f"{base}/status", {"status": "responding"}, status=409)
    assert "new to responding" in refused["detail"]
    _post(env, f"{base}/vessels", {"mmsi": 219000002})
    assert "already linked" in _post(env, f"{base}/vessels", {"mmsi": 219000002},
                                     status=409)["detail"]
    _post(env, f"{base}/status", {"status": "closed"})
    assert "closed" in _post(env, f"{base}/vessels", {"mmsi": 5}, status=409)["detail"]
    _post(env, f"{base}/notes", {"text": "after action: tug, not a militia boat"})
    _post(env, f"{base}/status", {"status": "triaged"})  # reopened
    assert [e["action"] for e in _get(env, base)["log"]] == [
        "create", "link_vessel", "status", "note", "status"]


@pytest.mark.parametrize(("method", "path", "body"), [
    ("get", f"/api/incidents/{NOBODY}", None),
    ("post", f"/api/incidents/{NOBODY}/notes", {"text": "x"}),
    ("post", f"/api/incidents/{NOBODY}/status", {"status": "closed"}),
    ("post", f"/api/incidents/{NOBODY}/events", {"event_id": "t-encounter"}),
    ("post", "/api/incidents", {"alert_ids": ["f" * 24]}),
    ("post", "EXISTING/events", {"event_id": "no-such-event"}),
    ("post", "EXISTING/assign", {"assignee": "nobody-here"}),
])
def test_unknown_ids_are_404(env: Env, method: str, path: str, body: object) -> None:
    served, client = env
    if path.startswith("EXISTING"):
        path = path.replace("EXISTING", f"/api/incidents/{_by_hand(env)}")
    r = client.request(method, path, json=body, headers=served.auth("watch_officer"))
    assert r.status_code == 404, r.text
    assert isinstance(r.json()["detail"], str)


@pytest.mark.parametrize(("path", "body"), [
    ("", {"title": "no severity"}),
    ("", {"severity": "high"}),
    ("", {"title": "x", "severity": "urgent"}),
    ("", {"title": "x", "severity": "low", "colour": "red"}),
    ("", {"alert_ids": []}),
    ("", {"alert_ids": ["not-an-alert"]}),
    ("", {"alert_ids": ["a" * 24], "severity": "low"}),
    ("", {"title": "", "severity": "low"}),
    ("", []),
    ("/status", {"status": "done"}),
    ("/status", {}),
    ("/notes", {"text": ""}),
    ("/notes", {"text": 5}),
    ("/vessels", {"mmsi": "abc"}),
    ("/vessels", {"mmsi": 1_000_000_000}),
    ("/evidence", {"since": "2010-06-10T00:00:00Z", "until": "2010-06-09T00:00:00Z",
                   "mmsis": [1]}),
    ("/evidence", {"since": "2010-06-09T00:00:00", "until": "2010-06-10T00:00:00Z",
                   "mmsis": [1]}),
    ("/evidence", {"since": "2010-06-09T00:00:00Z", "until": "2010-06-10T00:00:00Z",
                   "mmsis": []}),
    ("/assign", {}),
])
def test_bad_bodies_are_422(env: Env, path: str, body: object) -> None:
    served, client = env
    target = "/api/incidents" + (f"/{_by_hand(env)}{path}" if path else "")
    r = client.post(target, json=body, headers=served.auth("watch_officer"))
    assert r.status_code == 422, r.text


def test_malformed_json_bad_ids_and_big_bodies(env: Env) -> None:
    served, client = env
    iid = _by_hand(env)
    auth = served.auth() | {"Content-Type": "application/json"}
    r = client.post(f"/api/incidents/{iid}/notes", content=b'{"text": ', headers=auth)
    assert r.status_code == 422
    assert client.get("/api/incidents/../../etc", headers=served.auth()).status_code in (
        404, 422)
    assert client.get("/api/incidents/INC-1", headers=served.auth()).status_code == 422
    big = b'{"text": "' + b"x" * (64 * 1024) + b'"}'
    r = client.post(f"/api/incidents/{iid}/notes", content=big, headers=auth)
    assert r.status_code == 413 and "body" in r.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"text": "'
        for _ in range(80):
            yield b"y" * 1024
        yield b'"}'

    r = client.post(f"/api/incidents/{iid}/notes", content=chunks(), headers=auth)
    assert r.status_code == 413
    assert _get(env, f"/api/incidents/{iid}")["notes"] == []


def test_bad_list_parameters_are_422(env: Env) -> None:
    served, client = env
    for query in ("status=open", "limit=0", "offset=-1", "assigne=x"):
        assert client.get(f"/api/incidents?{query}", headers=served.auth()
                          ).status_code == 422, query


def test_the_command_line_shows_what_the_api_recorded(env: Env) -> None:
    import json

    from typer.testing import CliRunner

    from pantau.cli.main import app as cli

    served, _ = env
    iid = _by_hand(env, "seen from the shell")
    _post(env, f"/api/incidents/{iid}/notes", {"text": "from the API"})
    runner = CliRunner()
    listed = runner.invoke(cli, ["incidents", "list", "--json", "--status", "new",
                                 "--data-dir", str(served.data_dir)])
    assert listed.exit_code == 0, listed.output
    assert iid in [i["incident_id"] for i in json.loads(listed.output)]
    shown = runner.invoke(cli, ["incidents", "show", iid, "--json",
                                "--data-dir", str(served.data_dir)])
    assert shown.exit_code == 0, shown.output
    api = _get(env, f"/api/incidents/{iid}")
    assert json.loads(shown.output)["log"] == [e | {"incident_id": iid} for e in api["log"]]
    table = runner.invoke(cli, ["incidents", "show", iid, "--data-dir", str(served.data_dir)])
    assert table.exit_code == 0 and "from the API" in table.output
    missing = runner.invoke(cli, ["incidents", "show", NOBODY, "--data-dir",
                                  str(served.data_dir)])
    assert missing.exit_code == 2 and f"no incident {NOBODY}" in missing.output


def test_with_live_inputs_changes_go_through_the_services_store(
        served: Served, tmp_path_factory: pytest.TempPathFactory) -> None:
    import shutil
    import socket

    from pantau.api.app import create_app
    from pantau.api.receivers import Endpoint, LiveInputs

    data = tmp_path_factory.mktemp("live-incidents") / "data"
    shutil.copytree(served.data_dir, data)
    with socket.socket(type=socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    app = create_app(data, LiveInputs(udp=(Endpoint("127.0.0.1", port),)))
    with TestClient(app) as client:
        env = (Served(data, served.tokens), client)
        alert = _alert(env, "t-encounter")
        made = _post(env, "/api/incidents", {"alert_ids": [alert["alert_id"]]}, status=201)
        _post(env, f"/api/incidents/{made['incident_id']}/status", {"status": "triaged"})
        one = _get(env, f"/api/incidents/{made['incident_id']}")
        assert [e["action"] for e in one["log"]] == ["create", "status"]


def test_the_evidence_pack_is_served_as_one_page(env: Env) -> None:
    served, client = env
    iid = _by_hand(env, "pack me")
    _post(env, f"/api/incidents/{iid}/events", {"event_id": "t-encounter"}, role="analyst")
    r = client.get(f"/api/incidents/{iid}/pack", headers=served.auth("watch_officer"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "pack me" in r.text and 'id="pack-sha256"' in r.text and "t-encounter" in r.text
    assert client.get(f"/api/incidents/{iid}/pack").status_code == 401
    assert client.get(f"/api/incidents/{NOBODY}/pack",
                      headers=served.auth("watch_officer")).status_code == 404
