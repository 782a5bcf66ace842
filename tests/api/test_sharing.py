"""Agreements, partner pulls and the audit log through the API."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pantau.api.app import create_app
from pantau.share import audit, registry
from pantau.share.agreements_file import parse_agreements
from pantau.store.embedded import EmbeddedStore

from .conftest import Served

AGREEMENTS = """\
partners:
  - {code: DNK, name: Denmark}
  - {code: SWE, name: Sweden}
agreements:
  - id: DK-1
    partners: [DNK]
    signed: 2010-01-01
    in_force_from: 2010-01-01
    status: in_force
    share:
      categories: [tracks, events]
      zones: [Kattegat]
      precision_m: 100
      max_tlp: green
  - id: SE-1
    partners: [SWE]
    signed: 2010-01-01
    in_force_from: 2010-01-01
    status: suspended
    share: {categories: [events], zones: [Kattegat]}
"""


@dataclass(frozen=True)
class Sharing:
    client: TestClient
    served: Served
    data_dir: Path


@pytest.fixture(scope="module")
def sharing(served: Served, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sharing]:
    data = tmp_path_factory.mktemp("sharing") / "data"
    shutil.copytree(served.data_dir, data)
    with EmbeddedStore(data) as store:
        registry.import_file(store, parse_agreements(AGREEMENTS, ["Kattegat"]), "test",
                             datetime.now(UTC))
    with TestClient(create_app(data)) as c:
        yield Sharing(c, served, data)


def test_roles_decide_who_sees_agreements(sharing: Sharing) -> None:
    c, s = sharing.client, sharing.served
    for role in ("sharing_officer", "auditor", "admin"):
        r = c.get("/api/agreements", headers=s.auth(role))
        assert r.status_code == 200, r.text
        assert [a["agreement_id"] for a in r.json()["items"]] == ["DK-1", "SE-1"]
    for role in ("watch_officer", "analyst"):
        assert c.get("/api/agreements", headers=s.auth(role)).status_code == 403
    assert c.get("/api/agreements").status_code == 401
    assert c.get("/api/agreements/NOPE", headers=s.auth("admin")).status_code == 404


def test_partner_key_pulls_its_agreement_only(sharing: Sharing) -> None:
    c, s = sharing.client, sharing.served
    r = c.post("/api/agreements/DK-1/keys", json={"label": "DK fusion centre"},
               headers=s.auth("auditor"))
    assert r.status_code == 403
    r = c.post("/api/agreements/DK-1/keys", json={"label": "DK fusion centre"},
               headers=s.auth("sharing_officer"))
    assert r.status_code == 201, r.text
    key = r.json()["key"]
    pk = {"Authorization": f"Bearer {key}"}
    r = c.get("/api/partner/release?format=geojson", headers=pk)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert r.headers["X-Pantau-Audit-Seq"].isdigit()
    kinds = {f["properties"].get("record_type") for f in doc["features"]}
    assert "track" in kinds or "tracks" in kinds
    # every released position lies in the Kattegat box
    for f in doc["features"]:
        geom = f["geometry"]
        coords = geom["coordinates"] if geom["type"] == "LineString" else [geom["coordinates"]]
        for lon, lat in coords:
            assert 10.5 <= lon <= 13.0 and 56.0 <= lat <= 58.0
    # the key opens nothing else
    assert c.get("/api/vessels", headers=pk).status_code == 401
    assert c.get("/api/agreements", headers=pk).status_code == 401
    # a user token is not a partner key; a forged key is refused
    assert c.get("/api/partner/release?format=csv", headers=s.auth("admin")).status_code == 401
    forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    r = c.get("/api/partner/release?format=csv", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401
    assert c.get("/api/partner/release?format=pdf", headers=pk).status_code == 422
    key_id = key[3:19]
    assert c.delete(f"/api/agreements/DK-1/keys/{key_id}",
                    headers=s.auth("sharing_officer")).status_code == 200
    assert c.get("/api/partner/release?format=csv", headers=pk).status_code == 401


def test_suspended_agreement_releases_nothing_and_the_denial_is_audited(
        sharing: Sharing) -> None:
    c, s = sharing.client, sharing.served
    r = c.get("/api/agreements/SE-1/release?format=csv", headers=s.auth("sharing_officer"))
    assert r.status_code == 403 and "not in force" in r.json()["detail"]
    r = c.post("/api/agreements/DK-1/suspend", json={"confirm": False},
               headers=s.auth("sharing_officer"))
    assert r.status_code == 400
    r = c.post("/api/agreements/DK-1/suspend", json={"confirm": True, "reason": "review"},
               headers=s.auth("sharing_officer"))
    assert r.status_code == 200 and r.json()["status_now"] == "suspended"
    r = c.get("/api/agreements/DK-1/release?format=geojson", headers=s.auth("sharing_officer"))
    assert r.status_code == 403
    r = c.post("/api/agreements/DK-1/resume", json={"confirm": True},
               headers=s.auth("admin"))
    assert r.status_code == 200 and r.json()["status_now"] == "in_force"
    r = c.post("/api/agreements/DK-1/resume", json={"confirm": True}, headers=s.auth("admin"))
    assert r.status_code == 409
    r = c.post("/api/agreements/DK-1/suspend", json={"confirm": True, "extra": 1},
               headers=s.auth("admin"))
    assert r.status_code == 422
    log = c.get("/api/audit?agreement_id=SE-1", headers=s.auth("auditor")).json()
    assert log["items"][0]["action"] == "deny"
    assert c.get("/api/audit", headers=s.auth("sharing_officer")).status_code == 403


def test_audit_verify_and_report(sharing: Sharing) -> None:
    c, s = sharing.client, sharing.served
    r = c.get("/api/audit/verify", headers=s.auth("auditor"))
    assert r.status_code == 200 and r.json()["ok"] is True
    r = c.get("/api/audit/report/DK-1", headers=s.auth("auditor"))
    assert r.status_code == 200 and "DK-1" in r.text and "<html" in r.text.lower()
    with EmbeddedStore(sharing.data_dir) as store:
        rows = store.select("audit", order_by="seq").to_pylist()
        rows[0]["entry"] = json.dumps({"tampered": True})
        import pyarrow as pa
        store.upsert("audit", pa.Table.from_pylist([rows[0]], schema=store.select(
            "audit", limit=0).schema))
        assert not audit.verify_store(store).ok
    r = c.get("/api/audit/verify", headers=s.auth("auditor"))
    assert r.json()["ok"] is False and r.json()["broken_seq"] == 1
