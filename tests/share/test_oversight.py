"""The oversight report: a golden file from fixed inputs, the figures behind it, and the
store adapter.

To regenerate the golden file after an intended change: ``python -m
tests.share.test_oversight`` (then read the diff before committing it).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

from pantau.share import audit, registry
from pantau.share.agreements_file import AgreementsFile
from pantau.share.audit import AuditEntry
from pantau.share.model import Agreement, Partner, ShareTerms, StatusChange
from pantau.share.oversight import NO_REASON, oversight_html, report, volumes
from pantau.store.embedded import EmbeddedStore

GOLDEN = Path(__file__).parent / "golden" / "oversight_ag-demo-1.html"
GENERATED = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)

AGREEMENT = Agreement(
    agreement_id="AG-DEMO-1", title="Maritime surveillance <cooperation> & sharing",
    partners=("PTA", "PTB"), signed=date(2025, 10, 27), in_force_from=date(2025, 11, 1),
    expires=date(2030, 10, 27), binding=False,
    share=ShareTerms(frozenset({"tracks", "events"}), ("EEZ-MYS", "Luconia Shoals"), 60.0,
                     1000.0, frozenset({"own_asset", "navy"}), "amber"),
    history=(StatusChange(datetime(2025, 11, 1, tzinfo=UTC), "in_force", "sharing-officer",
                          "import"),
             StatusChange(datetime(2026, 2, 10, 8, 0, tzinfo=UTC), "suspended",
                          "sharing-officer", "parliamentary review"),
             StatusChange(datetime(2026, 3, 1, 0, 0, tzinfo=UTC), "in_force",
                          "sharing-officer", "review closed")),
    version=3, note="Illustrative only: real MoU texts are not public. <b>not bold</b>")
PARTNERS = (Partner("PTA", "Partner A"), Partner("PTB", "Partner B \"quoted\""))


def _entries() -> list[AuditEntry]:
    spec: list[tuple[datetime, str, str, str | None, dict[str, object]]] = [
        (datetime(2025, 11, 1, tzinfo=UTC), "sharing-officer", "import", "AG-DEMO-1",
         {"version": 1, "status": "in_force", "change": "new",
          "effective_at": "2025-11-01T00:00:00+00:00"}),
        (datetime(2025, 11, 3, 10, tzinfo=UTC), "analyst", "release", "AG-DEMO-1",
         {"format": "geojson", "outcome": "released", "counts": {"tracks": 1200, "events": 4}}),
        (datetime(2025, 11, 20, 10, tzinfo=UTC), "partner-key-7", "release", "AG-DEMO-1",
         {"format": "cot", "outcome": "released", "counts": {"tracks": 300, "events": 0}}),
        (datetime(2025, 11, 21, 10, tzinfo=UTC), "analyst", "deny", "AG-DEMO-1",
         {"format": "geojson", "outcome": "denied", "reason": "category_not_allowed",
          "counts": {"incidents": 2}}),
        (datetime(2025, 11, 22, 10, tzinfo=UTC), "analyst", "release", "AG-OTHER",
         {"format": "csv", "outcome": "released", "counts": {"tracks": 99999}}),
        (datetime(2026, 1, 5, 10, tzinfo=UTC), "analyst", "release", "AG-DEMO-1",
         {"format": "stix", "outcome": "released", "counts": {"events": 7, "vessels": 3}}),
        (datetime(2026, 1, 6, 10, tzinfo=UTC), "analyst", "release", "AG-DEMO-1",
         {"format": "kml", "outcome": "released", "counts": "garbled"}),
        (datetime(2026, 2, 10, 8, 0, tzinfo=UTC), "sharing-officer", "status_change",
         "AG-DEMO-1", {"version": 2, "from": "in_force", "status": "suspended",
                       "reason": "parliamentary review",
                       "effective_at": "2026-02-10T08:00:00+00:00"}),
        (datetime(2026, 2, 11, 10, tzinfo=UTC), "partner-key-7", "deny", "AG-DEMO-1",
         {"format": "geojson", "outcome": "denied", "reason": "agreement <suspended>"}),
        (datetime(2026, 2, 12, 10, tzinfo=UTC), "partner-key-7", "deny", "AG-DEMO-1",
         {"format": "geojson", "outcome": "denied", "reason": "agreement <suspended>"}),
        (datetime(2026, 2, 13, 10, tzinfo=UTC), "partner-key-7", "deny", "AG-DEMO-1",
         {"format": "geojson", "outcome": "denied"}),
        (datetime(2026, 3, 1, 0, 5, tzinfo=UTC), "sharing-officer", "status_change",
         "AG-DEMO-1", {"version": 3, "from": "suspended", "status": "in_force",
                       "reason": "review closed",
                       "effective_at": "2026-03-01T00:00:00+00:00"}),
    ]
    out: list[AuditEntry] = []
    for at, actor, action, agreement_id, body in spec:
        out.append(audit.chain_next(out[-1] if out else None, actor, action, agreement_id,
                                    body, at))
    return out


def render() -> str:
    return oversight_html(AGREEMENT, PARTNERS, _entries(), GENERATED)


def test_report_matches_the_golden_file() -> None:
    assert render() == GOLDEN.read_text(encoding="utf-8")


def test_report_is_self_contained_and_escapes_every_text() -> None:
    page = render()
    assert not re.search(r"<script|<link|@import|url\(|src=|https?://(?!www\.w3\.org/2000/svg)",
                         page)
    assert "<b>not bold</b>" not in page and "&lt;b&gt;not bold&lt;/b&gt;" in page
    assert "&lt;cooperation&gt; &amp; sharing" in page
    assert "Partner B &quot;quoted&quot;" in page
    assert "agreement &lt;suspended&gt;" in page
    assert "Illustrative agreement." in page


def test_figures_count_only_this_agreement() -> None:
    mine = [e for e in _entries() if e.agreement_id == "AG-DEMO-1"]
    v = volumes(mine)
    assert v.months == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert v.released["2025-11"] == {"tracks": 1500, "events": 4}
    assert v.released["2026-01"] == {"events": 7, "vessels": 3}
    assert "2025-12" not in v.released and v.releases["2026-01"] == 2
    assert v.unreadable == 1  # counts "garbled" are not counted, but are reported
    assert v.denied == {"2025-11": {"category_not_allowed": 1},
                        "2026-02": {"agreement <suspended>": 2, NO_REASON: 1}}
    assert v.categories == ["tracks", "events", "alerts", "incidents", "vessels"]
    page = render()
    assert "99,999" not in page  # AG-OTHER's release
    assert "1,500" in page and "1 release entry carried counts that could not be read" in page


def test_status_history_merges_the_record_and_the_log() -> None:
    page = render()
    rows = re.findall(r"<tr><td>(2026-0[23]-\d\d [\d:]+ UTC)</td><td>(\w+)</td>"
                      r"<td>[^<]*</td><td>[^<]*</td><td>([^<]*)</td></tr>", page)
    assert rows == [("2026-02-10 08:00:00 UTC", "suspended",
                     "agreement record; audit log seq 8"),
                    ("2026-03-01 00:00:00 UTC", "in_force",
                     "agreement record; audit log seq 12")]


def test_a_broken_chain_is_shown_as_broken() -> None:
    entries = _entries()
    entries[3] = AuditEntry(**{**entries[3].__dict__, "actor": "mallory"})
    page = oversight_html(AGREEMENT, PARTNERS, entries, GENERATED)
    assert "The audit chain did NOT verify" in page
    assert "broken at entry seq 4 (line 4): hash mismatch: entry changed" in page


def test_an_agreement_without_entries() -> None:
    quiet = Agreement("AG-Q", "Quiet", ("PTA",), date(2026, 1, 1), date(2026, 1, 1), None,
                      True, ShareTerms())
    page = oversight_html(quiet, (), [], GENERATED)
    assert "No release and no denial is recorded" in page
    assert "No status change is recorded" in page
    assert "PTA (not in the partners table)" in page and "no expiry date" in page
    assert "Illustrative agreement" not in page
    assert "0 entries" in page and audit.GENESIS in page


def test_report_from_the_store(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "data") as store:
        plain = Agreement("AG-S", "Stored", ("PTA",), date(2026, 1, 1), date(2026, 1, 1),
                          None, True, ShareTerms(frozenset({"events"})))
        registry.import_file(store, AgreementsFile((Partner("PTA", "Partner A"),), (plain,),
                                                   {"AG-S": "in_force"}),
                             "officer", datetime(2026, 1, 2, tzinfo=UTC))
        registry.set_status(store, "AG-S", "suspended", "officer",
                            datetime(2026, 2, 1, tzinfo=UTC), "review")
        audit.append(store, "analyst", "release", "AG-S",
                     {"format": "geojson", "outcome": "released", "counts": {"events": 5}},
                     at=datetime(2026, 1, 20, tzinfo=UTC))
        page = report(store, "AG-S", GENERATED)
        assert "PTA (Partner A)" in page and "The audit chain verified: 3 entries" in page
        assert audit.head(store).hash in page
        assert re.search(r"<td>suspended</td><td>officer</td><td>review</td>"
                         r"<td>agreement record; audit log seq \d</td>", page)
        assert "<td>2026-01</td><td class=\"n\">1</td><td class=\"n\">0</td>" \
               "<td class=\"n\">5</td>" in page
        with pytest.raises(registry.AgreementError, match="unknown agreement"):
            report(store, "AG-NOPE")
        # tamper with the stored chain: the next report says so
        row = store.select("audit", {"seq": 1}).to_pylist()[0]
        row["actor"] = "mallory"
        store.upsert("audit", pa.Table.from_pylist([row]))
        assert "did NOT verify" in report(store, "AG-S", GENERATED + timedelta(days=1))


if __name__ == "__main__":  # pragma: no cover
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(render(), encoding="utf-8")
    print(f"wrote {GOLDEN}")
