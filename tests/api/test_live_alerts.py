"""Alerts on the live stream, over real sockets: a watchlisted coast-guard vessel crossing
into the EEZ raises an alert that is kept and sent after its event, and rules and a
watchlist replaced through the API while the service runs judge the next batches."""

from __future__ import annotations

import json
import shutil
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

from pantau.api import users
from pantau.pipeline import config
from pantau.store.embedded import EmbeddedStore
from tests.api.test_live import BOX, MMSI, T0, Live, crossing, serving
from tests.api.test_live import grid_cache as grid_cache  # the session fixture, shared

EEZ = {**BOX, "features": [{**BOX["features"][0],
                            "properties": {"name": "EEZ-TEST", "kind": "eez"}}]}
WATCHLIST = f"mmsi,category,name\n{MMSI},coast_guard,KAPAL PERONDA\n"


@pytest.fixture
def live(tmp_path: Path, grid_cache: Path) -> Any:
    data = tmp_path / "data"
    shutil.copytree(grid_cache, data / "cache")
    (tmp_path / "eez.geojson").write_text(json.dumps(EEZ))
    (tmp_path / "watch.csv").write_text(WATCHLIST)
    with EmbeddedStore(data) as store:
        config.use_zones(store, tmp_path / "eez.geojson")
        config.use_watchlist(store, tmp_path / "watch.csv")
        users.add_user(store, "analyst", "analyst")
        token = users.issue_token(store, "analyst").token
    with serving(data, token) as running:
        yield running


def _until_alert(ws: Any, timeout_s: float = 10) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Messages up to and including the first alert."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        message = json.loads(ws.recv(timeout=timeout_s))
        seen.append(message)
        if message["type"] == "alert":
            return seen, message
    raise AssertionError(f"no alert within {timeout_s} s: {[m['type'] for m in seen]}")


def test_a_coast_guard_vessel_entering_the_eez_is_an_alert_on_the_stream(live: Live) -> None:
    with connect(f"{live.ws}?token={live.token}", open_timeout=5) as ws:
        live.send_udp(crossing())
        seen, message = _until_alert(ws)
    alert = message["alert"]
    event = next(m["event"] for m in seen if m["type"] == "event"
                 and m["event"]["kind"] == "zone_entry")
    assert alert["rule"] == "state vessel enters the EEZ" and alert["severity"] == "high"
    assert alert["event_id"] == event["event_id"] and alert["mmsi"] == MMSI
    assert alert["zone"] == "EEZ-TEST" and alert["start"] == "2026-03-01T08:04:00Z"
    assert alert["raised_at"].endswith("Z") and alert["acknowledged_by"] is None
    # after its event, in the same batch
    batch = [m for m in seen if m["batch"] == message["batch"]]
    assert [m["type"] for m in batch][-1] == "alert"
    assert seen.index(message) > seen.index(next(m for m in seen if m["type"] == "event"))
    # kept before it was sent: the API lists it, and acknowledges it
    r = httpx.get(f"{live.url}/api/alerts", headers=live.auth(), timeout=5)
    assert [a["alert_id"] for a in r.json()["items"]] == [alert["alert_id"]]
    assert live.status()["committed"]["alerts"] == 1


def test_rules_and_watchlist_replaced_while_running_judge_the_next_batch(live: Live
                                                                         ) -> None:
    rules = {"rules": [{"name": "any entry", "severity": "low", "kinds": ["zone_entry"]}]}
    r = httpx.put(f"{live.url}/api/rules", json=rules, headers=live.auth(), timeout=10)
    assert r.status_code == 200 and "next batch" in r.json()["note"]
    with connect(f"{live.ws}?token={live.token}", open_timeout=5) as ws:
        live.send_udp(crossing(MMSI + 1))  # on no watchlist: only the new rule matches
        _, message = _until_alert(ws)
        assert message["alert"]["rule"] == "any entry"
        assert message["alert"]["mmsi"] == MMSI + 1
        watch = {"csv": WATCHLIST + f"{MMSI + 2},navy,KD GAGAH\n"}
        r = httpx.put(f"{live.url}/api/watchlist", json=watch, headers=live.auth(),
                      timeout=10)
        assert r.status_code == 200, r.text
        rules["rules"].append({"name": "navy in the EEZ", "severity": "high",
                               "kinds": ["zone_entry"], "categories": ["navy"],
                               "zone_kinds": ["eez"]})
        r = httpx.put(f"{live.url}/api/rules", json=rules, headers=live.auth(), timeout=10)
        assert r.status_code == 200, r.text
        # later than what the detectors have seen: older reports are archived, not judged
        live.send_udp(crossing(MMSI + 2, T0 + timedelta(hours=1)))
        _, message = _until_alert(ws)
    assert message["alert"]["rule"] == "navy in the EEZ"
    assert message["alert"]["severity"] == "high"
    status = live.status()
    assert status["config"]["rules"] == ["rules", 2]
    assert status["config"]["watchlist"] == ["watch", 2]
    assert status["zones_waiting"] is None


def test_zones_replaced_while_running_wait_for_the_next_start(live: Live) -> None:
    other = {**EEZ, "features": [{**EEZ["features"][0],
                                  "properties": {"name": "EEZ-NEW", "kind": "eez"}}]}
    r = httpx.put(f"{live.url}/api/zones", json=other, headers=live.auth(), timeout=10)
    assert r.status_code == 200 and "next starts" in r.json()["note"]
    live.send_udp(crossing())  # a batch: the service looks at what is stored
    status = live.wait("the batch, and the zones noticed", lambda s: s["zones_waiting"]
                       is not None and s["committed"]["positions"] == 8)
    assert status["zones_waiting"] == ["eez", 2] and status["config"]["zones"] == ["eez", 1]
    # still judged by the zones it started with
    r = httpx.get(f"{live.url}/api/events", params={"kind": "zone_entry"},
                  headers=live.auth(), timeout=5)
    assert {e["zone"] for e in r.json()["items"]} == {"EEZ-TEST"}
