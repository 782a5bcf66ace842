"""Evidence packs from a hand-built data directory: a real DuckDB store (vessels, events, an
incident run through its lifecycle, audit entries) and a real positions archive (Parquet
by day), off Bintulu, Sarawak, where the shipped land gives the map a coast."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.incidents import evidence as pack
from pantau.incidents import evidence_figures as figures
from pantau.incidents import lifecycle as lc
from pantau.incidents import store as kept
from pantau.schema import UTC_TS
from pantau.share import audit
from pantau.store.archive import PositionArchive
from pantau.store.embedded import EmbeddedStore

T0 = datetime(2026, 3, 4, 6, 0, tzinfo=UTC)
SURVEY, ESCORT, UNKNOWN, BYSTANDER = 412000001, 412000002, 533000009, 533000010
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
runner = CliRunner()


def _positions() -> pa.Table:
    rows = []
    for k in range(0, 12 * 60, 10):  # every 10 minutes for 12 hours from T0 - 2 h
        t = T0 - timedelta(hours=2) + timedelta(minutes=k)
        rows.append((SURVEY, t, 112.95 + k * 0.0004, 3.30 + k * 0.0001))
        rows.append((ESCORT, t, 112.96 + k * 0.0004, 3.31 + k * 0.0001))
        rows.append((BYSTANDER, t, 113.20, 3.90))
        rows.append((UNKNOWN, t, 112.90, 3.20 + k * 0.0002))
    rows.append((SURVEY, T0 + timedelta(hours=1), None, None))  # no position: left out
    return pa.table({"mmsi": pa.array([r[0] for r in rows], pa.int64()),
                     "received_at": pa.array([r[1] for r in rows], UTC_TS),
                     "lon": pa.array([r[2] for r in rows], pa.float64()),
                     "lat": pa.array([r[3] for r in rows], pa.float64())})


EVENTS = [
    {"event_id": "ev-escort-1", "kind": "escort", "mmsi": SURVEY, "other_mmsi": ESCORT,
     "start": T0, "end": T0 + timedelta(hours=3), "lat": 3.32, "lon": 113.0,
     "zone": "EEZ-MYS", "duration_s": 10800.0,
     "details": json.dumps({"max_distance_m": 1500, "note": "<b>escort</b>"})},
    {"event_id": "ev-gap-1", "kind": "ais_gap", "mmsi": UNKNOWN, "other_mmsi": None,
     "start": T0 + timedelta(hours=4), "end": T0 + timedelta(hours=5), "lat": None,
     "lon": None, "zone": None, "duration_s": 3600.0, "details": "{}"},
]


def make_data_dir(root: Path) -> tuple[Path, str]:
    data = root / "data"
    archive = PositionArchive(data)
    with EmbeddedStore(data) as store:
        store.upsert("vessels", pa.Table.from_pylist([
            {"mmsi": SURVEY, "shipname": "HAI YANG <DI ZHI> 8", "callsign": "BSAA",
             "imo": 9000001, "ship_type": 0, "length_m": 88, "flag": "CN",
             "category": "survey", "category_basis": "watchlist"},
            {"mmsi": ESCORT, "shipname": "CCG 5403", "callsign": None, "imo": None,
             "ship_type": 55, "length_m": 99, "flag": "CN", "category": "coast_guard",
             "category_basis": "ship_type"}]))
        store.upsert("events", pa.Table.from_pylist(EVENTS))
        incident = kept.open_by_hand(store, "Survey <script>alert(1)</script> near SK-A",
                                     "high", "watch-1", T0 + timedelta(hours=6))
        iid = incident.incident_id
        at = T0 + timedelta(hours=6, minutes=5)
        for k, action in enumerate([
                lc.LinkEvent("ev-escort-1"), lc.LinkEvent("ev-gap-1"),
                lc.LinkEvent("ev-not-here"), lc.LinkVessel(SURVEY), lc.LinkVessel(ESCORT),
                lc.LinkVessel(UNKNOWN),
                lc.AttachEvidence(T0 - timedelta(hours=1), T0 + timedelta(hours=2),
                                  (SURVEY,)),
                lc.AttachEvidence(T0 + timedelta(hours=1), T0 + timedelta(hours=3),
                                  (SURVEY, ESCORT)),
                lc.Assign("analyst-2"), lc.SetStatus("triaged"),
                lc.AddNote("Escort kept 1.5 km & more; see E1 <check>")]):
            kept.change(store, iid, action, "watch-1", at + timedelta(minutes=k))
        audit.append(store, "officer", "release", "AG-1", {"counts": {"events": 1}})
        audit.append(store, "officer", "deny", "AG-1", {"reason": "suspended"})
    archive.stage("run-1", _positions())
    archive.commit("run-1")
    return data, iid


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return make_data_dir(tmp_path_factory.mktemp("evidence"))


@pytest.fixture(scope="module")
def gathered(built: tuple[Path, str]) -> pack.EvidenceData:
    data, iid = built
    with EmbeddedStore(data, read_only=True) as store:
        return pack.gather(store, PositionArchive(data), iid,
                           datetime(2026, 3, 5, tzinfo=UTC))


def test_gather_takes_the_windows_and_the_events_span(gathered: pack.EvidenceData) -> None:
    d = gathered
    assert [e["event_id"] for e in d.events] == ["ev-escort-1", "ev-gap-1"]
    assert d.missing_events == ["ev-not-here"]
    assert [w.basis for w in d.windows] == ["evidence window 1", "evidence window 2",
                                            "linked events' span"]
    # ESCORT is in window 2; only UNKNOWN falls back to the events' span, padded an hour
    assert d.windows[2].mmsis == (UNKNOWN,)
    assert (d.windows[2].since, d.windows[2].until) == (T0 - timedelta(hours=1),
                                                        T0 + timedelta(hours=6))
    by_vessel: dict[int, list[datetime]] = {}
    for row in d.tracks.to_pylist():
        by_vessel.setdefault(row["mmsi"], []).append(row["received_at"])
    # SURVEY: windows [T0-1h, T0+2h) and [T0+1h, T0+3h) overlap; each position once,
    # every 10 minutes over [T0-1h, T0+3h): 24, the one without a position left out
    assert len(by_vessel[SURVEY]) == 24 and len(set(by_vessel[SURVEY])) == 24
    assert min(by_vessel[SURVEY]) == T0 - timedelta(hours=1)
    assert max(by_vessel[SURVEY]) == T0 + timedelta(hours=2, minutes=50)
    assert len(by_vessel[ESCORT]) == 12
    assert len(by_vessel[UNKNOWN]) == 42  # [T0-1h, T0+6h)
    assert BYSTANDER not in by_vessel  # not linked
    assert d.audit_head.count == 2


def test_html_holds_the_record_and_escapes_it(gathered: pack.EvidenceData) -> None:
    page = pack.evidence_html(gathered, figures.map_png(gathered))
    assert "<script>" not in page
    assert "Survey &lt;script&gt;alert(1)&lt;/script&gt; near SK-A" in page
    assert "HAI YANG &lt;DI ZHI&gt; 8" in page and "survey (watchlist)" in page
    assert f"<td>{UNKNOWN}</td><td>not in the registry</td>" in page
    assert "Linked event ev-not-here is not in the store." in page
    assert "&lt;b&gt;escort&lt;/b&gt;" in page
    timeline = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td><td>([^<]+)</td>"
                          r"<td>([^<]+)</td>",
                          page[page.index('id="timeline"'):page.index('id="events"')])
    assert [t[3] for t in timeline] == ["create", "link_event", "link_event", "link_event",
                                        "link_vessel", "link_vessel", "link_vessel",
                                        "evidence", "evidence", "assign", "status", "note"]
    assert timeline[0][1:3] == ("2026-03-04 12:00:00 UTC", "watch-1")
    assert "text: Escort kept 1.5 km &amp; more; see E1 &lt;check&gt;" in page
    assert "<td>high</td>" in page and "<td>analyst-2</td>" in page
    assert "<td>triaged</td>" in page
    assert gathered.audit_head.hash in page
    png = re.search(r'src="data:image/png;base64,([^"]+)"', page)
    assert png is not None and base64.b64decode(png.group(1)).startswith(PNG_MAGIC)
    assert not re.search(r"<script|<link|@import|url\(|https?://", page)


def test_pack_digest_checks_with_grep_semantics(gathered: pack.EvidenceData) -> None:
    page = pack.evidence_html(gathered, None)
    stated, actual = pack.check_pack(page)
    assert stated is not None and stated == actual
    # what `grep -v 'id="pack-sha256"' FILE | sha256sum` computes
    kept_lines = [ln for ln in page.splitlines(keepends=True) if pack.DIGEST_ID not in ln]
    assert hashlib.sha256("".join(kept_lines).encode()).hexdigest() == stated
    edited = page.replace("analyst-2", "analyst-3")
    assert pack.check_pack(edited)[0] == stated != pack.check_pack(edited)[1]
    assert pack.check_pack("<html></html>")[0] is None


def test_map_draws_tracks_events_and_land(gathered: pack.EvidenceData) -> None:
    fig = figures.map_figure(gathered)
    assert fig is not None
    ax = fig.axes[0]
    assert len(ax.patches) > 0  # Borneo's coast is in view
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [f"{SURVEY} HAI YANG <DI ZHI> 8", f"{ESCORT} CCG 5403", str(UNKNOWN),
                      "events"]
    assert [t.get_text() for t in ax.texts] == ["E1"]  # E2 has no location


def test_no_positions_and_no_events_means_no_map(gathered: pack.EvidenceData) -> None:
    empty = pack.EvidenceData(gathered.incident, gathered.log, [], [], [], [],
                              gathered.tracks.slice(0, 0), gathered.audit_head,
                              gathered.generated_at)
    assert figures.map_png(empty) is None
    page = pack.evidence_html(empty, None)
    assert "No map" in page and "No linked event." in page
    assert "no linked event with times" in page


def test_pdf_has_the_map_and_text_pages(gathered: pack.EvidenceData, tmp_path: Path
                                        ) -> None:
    out = tmp_path / "pack.pdf"
    pages = figures.write_pdf(gathered, out, "ab" * 32)
    blob = out.read_bytes()
    assert blob.startswith(b"%PDF")
    assert pages >= 2
    assert len(re.findall(rb"/Type\s*/Page\b", blob)) == pages
    lines = figures.pack_lines(gathered, "ab" * 32)
    assert f"the HTML pack made with this PDF states SHA-256 {'ab' * 32}" in lines
    assert any(line.startswith("E1 escort ev-escort-1") for line in lines)


def test_cli_writes_html_and_pdf(built: tuple[Path, str], tmp_path: Path) -> None:
    data, iid = built
    html, pdf = tmp_path / "pack.html", tmp_path / "pack.pdf"
    args = ["incidents", "evidence", iid, "--out", str(html), "--pdf", str(pdf),
            "--data-dir", str(data)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    text = html.read_text(encoding="utf-8")
    stated, actual = pack.check_pack(text)
    assert stated == actual and stated in result.stdout
    assert "3 vessels" in result.stdout and "78 positions" in result.stdout
    assert pdf.read_bytes().startswith(b"%PDF")
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() in result.stdout
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "exists; pass --force" in again.output
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0


@pytest.mark.parametrize(("extra", "message"), [
    (["inc-nope", "--out", "{tmp}/x.html"], "no incident inc-nope"),
    (["{iid}", "--out", "{tmp}/x.html", "--pdf", "{tmp}/x.html"], "must be different"),
    (["{iid}", "--out", "{tmp}"], "is a directory"),
])
def test_cli_usage_errors_exit_2(built: tuple[Path, str], tmp_path: Path,
                                 extra: list[str], message: str) -> None:
    data, iid = built
    args = [a.format(tmp=tmp_path, iid=iid) for a in extra]
    result = runner.invoke(app, ["incidents", "evidence", *args, "--data-dir", str(data)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (tmp_path / "x.html").exists()


def test_cli_without_data_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["incidents", "evidence", "inc-1", "--out",
                                 str(tmp_path / "x.html"), "--data-dir",
                                 str(tmp_path / "none")])
    assert result.exit_code == 2 and "no pantau data here" in result.output
