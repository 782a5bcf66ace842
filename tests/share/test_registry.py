from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pantau.share import audit, registry
from pantau.share.agreements_file import parse_agreements
from pantau.store.embedded import EmbeddedStore

from .test_agreements_file import GOOD, NAMES

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


def test_import_versions_and_history(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path) as store:
        changes = registry.import_file(store, parse_agreements(GOOD, NAMES), "alice", NOW)
        assert [(c.version, c.what) for c in changes] == [(1, "new")]
        a = registry.load(store, "MY-US-DC-2025")
        # the file declares the status held since the in-force date
        assert a.history[0].at == datetime(2025, 10, 30, tzinfo=UTC)
        assert a.in_force_at(datetime(2025, 11, 1, tzinfo=UTC))
        again = registry.import_file(store, parse_agreements(GOOD, NAMES), "alice", NOW)
        assert again[0].what == "unchanged"
        changed = GOOD.replace("delay_minutes: 0", "delay_minutes: 60")
        c = registry.import_file(store, parse_agreements(changed, NAMES), "bob",
                                 NOW + timedelta(hours=1))
        assert (c[0].version, c[0].what) == (2, "terms")
        a = registry.load(store, "MY-US-DC-2025")
        assert a.share.delay_minutes == 60 and a.version == 2 and len(a.history) == 1
        assert registry.partners(store)["USA"].name == "United States"
        actions = [e.action for e in audit.read(store)]
        assert actions == ["import", "import"]


def test_suspend_resume_exit(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path) as store:
        registry.import_file(store, parse_agreements(GOOD, NAMES), "alice", NOW)
        a = registry.set_status(store, "MY-US-DC-2025", "suspended", "carol",
                                NOW + timedelta(hours=1), "review")
        assert not a.in_force_at(NOW + timedelta(hours=2))
        assert a.in_force_at(NOW)  # history is kept: it was in force before
        with pytest.raises(registry.AgreementError, match="already suspended"):
            registry.set_status(store, "MY-US-DC-2025", "suspended", "carol", NOW)
        a = registry.set_status(store, "MY-US-DC-2025", "in_force", "carol",
                                NOW + timedelta(hours=3))
        assert a.in_force_at(NOW + timedelta(hours=4))
        assert not a.in_force_at(NOW + timedelta(hours=2))
        a = registry.set_status(store, "MY-US-DC-2025", "exited", "carol",
                                NOW + timedelta(hours=5), "parliament")
        assert a.status == "exited" and a.version == 4
        with pytest.raises(registry.AgreementError, match="exit is final"):
            registry.set_status(store, "MY-US-DC-2025", "in_force", "carol", NOW)
        with pytest.raises(registry.AgreementError, match="exit is final"):
            registry.import_file(store, parse_agreements(GOOD, NAMES), "alice", NOW)
        with pytest.raises(registry.AgreementError, match="cannot set status 'expired'"):
            registry.set_status(store, "MY-US-DC-2025", "expired", "carol", NOW)
        entries = audit.read(store, "MY-US-DC-2025")
        assert [e.action for e in entries] == ["import", "status_change", "status_change",
                                               "status_change"]
        assert entries[-1].entry["reason"] == "parliament"
        assert audit.verify_store(store).ok


def test_unknown_agreement_names_the_known_ones(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path) as store:
        with pytest.raises(registry.AgreementError, match="none; run pantau agreements"):
            registry.load(store, "X")
        registry.import_file(store, parse_agreements(GOOD, NAMES), "alice", NOW)
        with pytest.raises(registry.AgreementError, match=r"known: MY-US-DC-2025"):
            registry.load(store, "X")
