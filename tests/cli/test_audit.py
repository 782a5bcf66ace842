"""`pantau audit export|verify|head|report` over a real data directory."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner, Result

from pantau.cli.main import app
from pantau.share import audit, registry
from pantau.share.agreements_file import AgreementsFile
from pantau.share.model import Agreement, Partner, ShareTerms
from pantau.store.embedded import EmbeddedStore

runner = CliRunner()
T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def make_data_dir(root: Path) -> Path:
    data = root / "data"
    with EmbeddedStore(data) as store:
        agreement = Agreement("AG-1", "Test MoU", ("PTA",), date(2026, 1, 1),
                              date(2026, 1, 1), None, False,
                              ShareTerms(frozenset({"tracks", "events"})),
                              note="Illustrative sample")
        registry.import_file(store, AgreementsFile((Partner("PTA", "Partner A"),),
                                                   (agreement,), {"AG-1": "in_force"}),
                             "officer", T0)
        for i in range(4):
            audit.append(store, "analyst", "release", "AG-1",
                         {"format": "geojson", "outcome": "released",
                          "counts": {"tracks": 10 * i, "events": i}},
                         at=T0 + timedelta(days=20 * i))
        audit.append(store, "partner-key", "deny", "AG-1",
                     {"outcome": "denied", "reason": "category_not_allowed"},
                     at=T0 + timedelta(days=90))
    return data


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_data_dir(tmp_path_factory.mktemp("cli-audit"))


def run(*args: str) -> Result:
    return runner.invoke(app, ["audit", *args])


def _head(data: Path) -> str:
    with EmbeddedStore(data, read_only=True) as store:
        return audit.head(store).hash


def test_export_then_verify(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "audit.jsonl"
    result = run("export", "--out", str(out), "--data-dir", str(data))
    assert result.exit_code == 0, result.output
    head = _head(data)
    assert f"exported 6 entries to {out}; head {head}" in result.stdout
    result = run("verify", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"ok: 6 entries, head {head}"
    assert run("verify", str(out), "--expect-head", head).exit_code == 0
    again = run("export", "--out", str(out), "--data-dir", str(data))
    assert again.exit_code == 2 and "pass --force" in again.output
    assert run("export", "--out", str(out), "--data-dir", str(data), "--force"
               ).exit_code == 0


def test_verify_names_a_changed_entry_and_exits_1(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "audit.jsonl"
    assert run("export", "--out", str(out), "--data-dir", str(data)).exit_code == 0
    lines = out.read_text().splitlines()
    row = json.loads(lines[3])
    row["entry"]["counts"]["tracks"] = 0
    lines[3] = json.dumps(row)
    out.write_text("\n".join(lines) + "\n")
    result = run("verify", str(out))
    assert result.exit_code == 1
    assert "broken at entry seq 4 (line 4): hash mismatch: entry changed" in result.stderr


def test_verify_names_a_removed_entry(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "audit.jsonl"
    assert run("export", "--out", str(out), "--data-dir", str(data)).exit_code == 0
    lines = out.read_text().splitlines()
    out.write_text("\n".join(lines[:2] + lines[3:]) + "\n")
    result = run("verify", str(out))
    assert result.exit_code == 1
    assert ("broken at entry seq 4 (line 3): prev_hash does not match previous entry: "
            "removed or reordered") in result.stderr


def test_cut_from_the_end_needs_the_head(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "audit.jsonl"
    assert run("export", "--out", str(out), "--data-dir", str(data)).exit_code == 0
    lines = out.read_text().splitlines()
    out.write_text("\n".join(lines[:-1]) + "\n")
    assert run("verify", str(out)).exit_code == 0
    result = run("verify", str(out), "--expect-head", _head(data))
    assert result.exit_code == 1 and "expected head not in the chain" in result.stderr
    out.write_text("\n".join(lines)[:-25])
    result = run("verify", str(out))
    assert result.exit_code == 1 and "line 6: malformed line" in result.stderr


def test_verify_the_store_and_print_the_head(data: Path) -> None:
    head = _head(data)
    result = run("verify", "--data-dir", str(data))
    assert result.exit_code == 0 and result.stdout.strip() == f"ok: 6 entries, head {head}"
    result = run("head", "--data-dir", str(data))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"head {head}",
        "entries 6, last entry seq 6 at 2026-04-05T08:00:00.000000Z"]


def test_a_tampered_store_fails_verification(tmp_path: Path) -> None:
    data = make_data_dir(tmp_path)
    with EmbeddedStore(data) as store:
        row = store.select("audit", {"seq": 2}).to_pylist()[0]
        row["at"] = row["at"] + timedelta(seconds=1)
        store.upsert("audit", pa.Table.from_pylist([row]))
    result = run("verify", "--data-dir", str(data))
    assert result.exit_code == 1
    assert "entry seq 2 (position 2): hash mismatch" in result.stderr


def test_report_writes_the_html(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "ag-1.html"
    result = run("report", "--agreement", "AG-1", "--out", str(out), "--data-dir", str(data))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "Illustrative agreement." in page and "PTA (Partner A)" in page
    assert "The audit chain verified: 6 entries." in page and _head(data) in page
    assert "category_not_allowed" in page and "<svg" in page


@pytest.mark.parametrize(("args", "message"), [
    (["verify"], "give an export FILE or --data-dir DIR"),
    (["verify", "x.jsonl", "--data-dir", "{data}"], "one of the two"),
    (["verify", "{tmp}/missing.jsonl"], "no such file"),
    (["verify", "--data-dir", "{data}", "--segment"], "--segment is for files"),
    (["verify", "--data-dir", "{data}", "--expect-head", "abc"], "not a SHA-256 hash"),
    (["head", "--data-dir", "{tmp}/nowhere"], "no pantau data here"),
    (["report", "--agreement", "AG-NOPE", "--out", "{tmp}/r.html", "--data-dir", "{data}"],
     "unknown agreement 'AG-NOPE'"),
    (["report", "--agreement", "AG-1", "--out", "{tmp}", "--data-dir", "{data}"],
     "is a directory"),
    (["export", "--out", "{tmp}/no/such/dir.jsonl", "--data-dir", "{data}"],
     "cannot write"),
])
def test_usage_errors_exit_2(data: Path, tmp_path: Path, args: list[str], message: str
                             ) -> None:
    result = run(*[a.format(data=data, tmp=tmp_path) for a in args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (tmp_path / "r.html").exists()
