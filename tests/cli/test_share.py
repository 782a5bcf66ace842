"""`pantau agreements ...` and `pantau share export` on a real recording."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pantau.cli.main import app as cli
from pantau.share import audit
from pantau.store.embedded import EmbeddedStore
from tests.api.conftest import DMA, KATTEGAT
from tests.api.test_sharing import AGREEMENTS

run = CliRunner().invoke


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("share-cli")
    zones = root / "kattegat.geojson"
    zones.write_text(json.dumps(KATTEGAT))
    result = run(cli, ["ingest", str(DMA), "--zones", str(zones), "--data-dir",
                       str(root / "data")])
    assert result.exit_code == 0, result.output
    (root / "agreements.yaml").write_text(AGREEMENTS)
    result = run(cli, ["agreements", "import", str(root / "agreements.yaml"),
                       "--data-dir", str(root / "data"), "--actor", "officer"])
    assert result.exit_code == 0, result.output
    assert "DK-1: v1 new" in result.output
    return root / "data"


def test_export_writes_release_and_manifest_and_audits(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "dk.csv"
    result = run(cli, ["share", "export", "--agreement", "DK-1", "--format", "csv",
                       "--out", str(out), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "dk.csv.manifest.json").read_text())
    assert manifest["counts"]["tracks"] > 0 and manifest["partners"] == ["DNK"]
    import hashlib
    assert manifest["content_sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    with EmbeddedStore(data, read_only=True) as store:
        entry = [e for e in audit.read(store, "DK-1") if e.action == "release"][-1]
    assert entry.seq == manifest["audit"]["seq"]
    assert entry.entry["content_sha256"] == manifest["content_sha256"]
    again = run(cli, ["share", "export", "--agreement", "DK-1", "--format", "csv",
                      "--out", str(out), "--data-dir", str(data)])
    assert again.exit_code == 2 and "--force" in again.output


def test_not_in_force_writes_nothing_and_exits_3(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "se.geojson"
    result = run(cli, ["share", "export", "--agreement", "SE-1", "--format", "geojson",
                       "--out", str(out), "--data-dir", str(data)])
    assert result.exit_code == 3 and "not in force" in result.output
    assert list(tmp_path.iterdir()) == []
    with EmbeddedStore(data, read_only=True) as store:
        assert audit.read(store, "SE-1")[-1].action == "deny"


def test_bad_arguments(data: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "x")
    r = run(cli, ["share", "export", "--agreement", "NOPE", "--format", "csv", "--out", out,
                  "--data-dir", str(data)])
    assert r.exit_code == 2 and "unknown agreement 'NOPE'" in r.output
    r = run(cli, ["share", "export", "--agreement", "DK-1", "--format", "pdf", "--out", out,
                  "--data-dir", str(data)])
    assert r.exit_code == 2 and "is not one of" in r.output
    r = run(cli, ["share", "export", "--agreement", "DK-1", "--format", "csv", "--out", out,
                  "--since", "yesterday", "--data-dir", str(data)])
    assert r.exit_code == 2 and "not an ISO 8601 time" in r.output


def test_suspend_exit_list_and_key(data: Path) -> None:
    d = ["--data-dir", str(data)]
    r = run(cli, ["agreements", "list", "--json", *d])
    assert r.exit_code == 0
    assert {a["agreement_id"]: a["status_now"] for a in json.loads(r.output)} == {
        "DK-1": "in_force", "SE-1": "suspended"}
    r = run(cli, ["agreements", "key", "DK-1", "--label", "dk", *d])
    assert r.exit_code == 0 and r.output.strip().splitlines()[-1].startswith("pk_")
    r = run(cli, ["agreements", "exit", "SE-1", "--reason", "parliament", *d])
    assert r.exit_code == 0 and "exited" in r.output
    r = run(cli, ["agreements", "resume", "SE-1", *d])
    assert r.exit_code == 2 and "exit is final" in r.output
    r = run(cli, ["agreements", "import", "sample", *d])
    assert r.exit_code == 2 and "unknown zone" in r.output  # the sample names EEZ-MYS


def test_push_to_a_tak_listener_audits_only_what_was_sent(data: Path) -> None:
    from tests.share.test_tak import Listener, free_port

    listener = Listener()
    try:
        r = run(cli, ["share", "push", "--agreement", "DK-1", "--tak",
                      f"127.0.0.1:{listener.port}", "--data-dir", str(data)])
        assert r.exit_code == 0, r.output
        received = listener.events()
    finally:
        listener.close()
    assert received and all(e.get("type", "").startswith(("a-", "b-")) for e in received)
    with EmbeddedStore(data, read_only=True) as store:
        last = audit.read(store, "DK-1")[-1]
    assert last.action == "release" and last.entry["destination"].startswith("tcp://")
    assert last.entry["format"] == "cot"
    r = run(cli, ["share", "push", "--agreement", "DK-1", "--tak", f"127.0.0.1:{free_port()}",
                  "--data-dir", str(data)])
    assert r.exit_code == 2 and "refused the connection" in r.output
    with EmbeddedStore(data, read_only=True) as store:
        assert audit.read(store, "DK-1")[-1].seq == last.seq  # nothing sent, nothing audited
    r = run(cli, ["share", "push", "--agreement", "DK-1", "--tak", "nowhere",
                  "--data-dir", str(data)])
    assert r.exit_code == 2 and "HOST:PORT" in r.output
