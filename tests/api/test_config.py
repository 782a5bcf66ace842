"""Zones, watchlist and alert rules through the API: read by readers, replaced (a new
version each) by analysts and admins only, refused with the reason when bad, and used by
what comes after (alerts listed, `pantau alerts`)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pantau.cli.main import app as cli
from pantau.incidents import DEFAULT_RULES
from tests.api._own import own_copy
from tests.api.conftest import KATTEGAT, Served

Env = tuple[Served, TestClient]
SKAGERRAK = {"type": "Feature", "properties": {"name": "Skagerrak", "kind": "aoi"},
             "geometry": {"type": "Polygon", "coordinates": [[
                 [8.0, 57.5], [10.5, 57.5], [10.5, 59.0], [8.0, 59.0], [8.0, 57.5]]]}}
BOWTIE = {"type": "Feature", "properties": {"name": "Bowtie", "kind": "aoi"},
          "geometry": {"type": "Polygon", "coordinates": [[
              [0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]]}}
ANY_ENCOUNTER = {"name": "any encounter", "severity": "high", "kinds": ["encounter"]}


@pytest.fixture(scope="module")
def env(served: Served, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    with own_copy(served, tmp_path_factory.mktemp("config")) as pair:
        yield pair


def _get(env: Env, path: str, role: str = "watch_officer") -> Any:
    served, client = env
    r = client.get(path, headers=served.auth(role))
    assert r.status_code == 200, r.text
    return r.json()


def _put(env: Env, path: str, body: Any, role: str = "analyst", **params: str) -> Any:
    served, client = env
    return client.put(path, json=body, params=params, headers=served.auth(role))


@pytest.mark.parametrize("path", ["/api/zones", "/api/watchlist", "/api/rules",
                                  "/api/zones/versions", "/api/watchlist/versions",
                                  "/api/rules/versions"])
def test_readers_read_and_auditors_may_not(env: Env, path: str) -> None:
    served, client = env
    assert client.get(path, headers=served.auth("sharing_officer")).status_code == 200
    assert client.get(path, headers=served.auth("auditor")).status_code == 403
    assert client.get(path).status_code == 401


@pytest.mark.parametrize("role", ["watch_officer", "sharing_officer", "auditor"])
@pytest.mark.parametrize(("path", "body"), [
    ("/api/zones", KATTEGAT), ("/api/watchlist", {"entries": []}),
    ("/api/rules", {"rules": [ANY_ENCOUNTER]})])
def test_only_analysts_and_admins_replace(env: Env, role: str, path: str, body: Any) -> None:
    r = _put(env, path, body, role=role)
    assert r.status_code == 403 and "analyst, admin" in r.json()["detail"]


def test_zones_are_replaced_as_a_new_version_and_read_back(env: Env) -> None:
    before = _get(env, "/api/zones/versions")
    assert [v["name"] for v in before if v["in_force"]] == ["kattegat"]
    both = copy.deepcopy(KATTEGAT)
    both["features"].append(SKAGERRAK)
    r = _put(env, "/api/zones", both, role="admin")
    assert r.status_code == 200, r.text
    kept = r.json()
    assert kept["name"] == "kattegat" and kept["version"] == before[0]["version"] + 1
    names = [f["properties"]["name"] for f in _get(env, "/api/zones")["features"]]
    assert names == ["Kattegat", "Skagerrak"]
    again = _put(env, "/api/zones", both).json()  # the same zones: no new version
    assert again["version"] == kept["version"]
    versions = _get(env, "/api/zones/versions")
    assert [(v["version"], v["in_force"]) for v in versions[:2]] == [
        (kept["version"], True), (kept["version"] - 1, False)]
    # what the API serves is a zones file: presence reads the new zone at once
    r = env[1].get("/api/presence", params={"zone": "Skagerrak"}, headers=env[0].auth())
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(("body", "says"), [
    ({"type": "FeatureCollection", "features": [BOWTIE]}, "invalid polygon"),
    ({"type": "FeatureCollection", "features": [SKAGERRAK, SKAGERRAK]}, "duplicate name"),
    ({"type": "Feature"}, "not a GeoJSON FeatureCollection"),
    ({"type": "FeatureCollection", "features": [
        SKAGERRAK | {"properties": {"name": "X", "kind": "lagoon"}}]}, "unknown kind"),
    ({"type": "FeatureCollection", "features": [
        {**SKAGERRAK, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}}]},
     "a ring needs at least 4"),
])
def test_bad_zones_are_422_with_the_reason(env: Env, body: Any, says: str) -> None:
    version = _get(env, "/api/zones/versions")[0]["version"]
    r = _put(env, "/api/zones", body)
    assert r.status_code == 422, r.text
    assert says in r.json()["detail"][0]["msg"]
    assert _get(env, "/api/zones/versions")[0]["version"] == version  # nothing kept


def test_a_zones_name_must_be_a_plain_word(env: Env) -> None:
    r = _put(env, "/api/zones", KATTEGAT, name="../../etc")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "name"]


def test_the_watchlist_as_entries_or_csv(env: Env) -> None:
    r = _put(env, "/api/watchlist", {"entries": [
        {"mmsi": 219000002, "category": "coast_guard", "name": 'KYSTVAGT, "2"'},
        {"mmsi": 2190001, "category": "other"}]})
    assert r.status_code == 200, r.text
    first = r.json()
    got = _get(env, "/api/watchlist")
    assert got["version"] == first["version"]
    assert got["entries"] == [
        {"mmsi": 219000002, "category": "coast_guard", "name": 'KYSTVAGT, "2"'},
        {"mmsi": 2190001, "category": "other", "name": None}]
    assert got["csv"].splitlines()[2] == "002190001,other,"
    r = _put(env, "/api/watchlist", {"csv": got["csv"] + "209273000,navy,ALLERDIEP\n"})
    assert r.status_code == 200 and r.json()["version"] == first["version"] + 1
    assert len(_get(env, "/api/watchlist")["entries"]) == 3


@pytest.mark.parametrize(("body", "loc", "says"), [
    ({"csv": "mmsi,category,name\n219000002,coast_guard,A\n12345,navy,B\n"},
     ["body", "csv", 3], "line 3"),
    ({"csv": "mmsi,category,name\n219000002,pirate,A\n"}, ["body", "csv", 2], "line 2"),
    ({"csv": ""}, ["body", "csv"], "empty"),
    ({"entries": [], "csv": "mmsi,category,name\n"}, ["body"], "not both"),
    ({"entries": [{"mmsi": 219000002, "category": "whale"}]},
     ["body", "entries", 0, "category"], "Input should be"),
    ({"entries": [{"mmsi": 219000002, "category": "navy", "flag": "DK"}]},
     ["body", "entries", 0, "flag"], "Extra inputs"),
    ({"entries": [{"mmsi": 219000002, "category": "navy"},
                  {"mmsi": 219000002, "category": "survey"}]},
     ["body", "entries", 3], "line 3"),
])
def test_a_bad_watchlist_is_422_naming_the_line_or_field(env: Env, body: Any,
                                                        loc: list[Any], says: str) -> None:
    r = _put(env, "/api/watchlist", body)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert any(d["loc"] == loc and says in d["msg"] for d in detail), detail


def test_rules_replace_the_defaults_and_drive_the_alerts(env: Env) -> None:
    served, _ = env
    got = _get(env, "/api/rules")
    assert got["default"] and got["version"] is None
    assert [r["name"] for r in got["rules"]] == [r.name for r in DEFAULT_RULES]
    r = _put(env, "/api/rules", {"rules": [ANY_ENCOUNTER]})
    assert r.status_code == 200, r.text
    assert _get(env, "/api/rules") == {"version": r.json()["version"], "default": False,
                                       "rules": [ANY_ENCOUNTER]}
    alerts = _get(env, "/api/alerts?limit=1000")["items"]
    mine = [a for a in alerts if a["event_id"] == "t-encounter" and a["rule"] == "any encounter"]
    assert len(mine) == 1 and mine[0]["severity"] == "high"
    result = CliRunner().invoke(cli, ["alerts", "--data-dir", str(served.data_dir), "--json"])
    assert result.exit_code == 0, result.output
    assert {a["rule"] for a in json.loads(result.output)} == {"any encounter"}
    versions = _get(env, "/api/rules/versions")
    assert versions[0]["in_force"] and versions[0]["version"] == r.json()["version"]


@pytest.mark.parametrize(("rules", "says"), [
    ([ANY_ENCOUNTER | {"kinds": ["piracy"]}], "Input should be"),
    ([ANY_ENCOUNTER | {"colour": "red"}], "Extra inputs"),
    ([ANY_ENCOUNTER, ANY_ENCOUNTER], "must be unique"),
    ([ANY_ENCOUNTER | {"kinds": []}], "at least 1"),
    ([ANY_ENCOUNTER | {"severity": "urgent"}], "Input should be"),
])
def test_bad_rules_are_422_with_the_reason(env: Env, rules: list[Any], says: str) -> None:
    r = _put(env, "/api/rules", {"rules": rules}, role="admin")
    assert r.status_code == 422, r.text
    assert any(says in d["msg"] for d in r.json()["detail"]), r.text
