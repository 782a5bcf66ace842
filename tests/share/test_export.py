"""Releases through the store: refusals are audited, releases are audited with their
records' hashes."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.share import audit, registry
from pantau.share.agreements_file import parse_agreements
from pantau.share.export import ShareRefused, release_to, write_release
from pantau.share.formats import render
from pantau.store.archive import PositionArchive
from pantau.store.embedded import EmbeddedStore

from .test_agreements_file import GOOD, NAMES

IMPORTED = datetime(2026, 1, 1, tzinfo=UTC)


@settings(max_examples=12, deadline=None)
@given(status=st.sampled_from(["suspended", "exited", "expired", "not_yet"]),
       fmt=st.sampled_from(["geojson", "kml", "csv", "cot", "stix"]),
       attempts=st.integers(1, 3))
def test_an_agreement_not_in_force_releases_nothing_and_each_attempt_is_a_denial(
        status: str, fmt: str, attempts: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        with EmbeddedStore(data) as store:
            registry.import_file(store, parse_agreements(GOOD, NAMES), "officer", IMPORTED)
            now = IMPORTED + timedelta(days=1)
            if status in ("suspended", "exited"):
                registry.set_status(store, "MY-US-DC-2025", status, "officer", now)
            elif status == "expired":
                now = datetime(2031, 1, 1, tzinfo=UTC)
            else:
                now = datetime(2025, 1, 1, tzinfo=UTC)
            before = audit.head(store).count
            for _ in range(attempts):
                with pytest.raises(ShareRefused, match="not in force"):
                    release_to(store, PositionArchive(data), "MY-US-DC-2025", fmt, render,
                               "partner-key:x", now=now + timedelta(hours=1))
            entries = audit.read(store)[before:]
            assert [e.action for e in entries] == ["deny"] * attempts
            assert all(e.entry["reason"] == "agreement_not_in_force" for e in entries)
            assert audit.verify_store(store).ok


def test_a_release_is_written_with_its_manifest(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path) as store:
        reference = GOOD.replace("BOX-A", "EEZ-MYS")  # the store's zones: the reference ones
        registry.import_file(store, parse_agreements(reference, ["EEZ-MYS"]), "officer",
                             IMPORTED)
        outcome = release_to(store, PositionArchive(tmp_path), "MY-US-DC-2025", "csv",
                             render, "officer", now=IMPORTED)
    manifest = write_release(outcome, tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_bytes() == outcome.content
    assert manifest.name == "out.csv.manifest.json"
    assert outcome.manifest["audit"]["seq"] == outcome.audit_entry.seq
    assert outcome.audit_entry.entry["outcome"] == "released"


def test_an_agreement_naming_a_zone_the_data_no_longer_has_is_a_clear_error(
        tmp_path: Path) -> None:
    from pantau.share.policy import PolicyError

    with EmbeddedStore(tmp_path) as store:
        registry.import_file(store, parse_agreements(GOOD, NAMES), "officer", IMPORTED)
        with pytest.raises(PolicyError, match=r"'BOX-A'.*not among the zones"):
            release_to(store, PositionArchive(tmp_path), "MY-US-DC-2025", "csv", render,
                       "officer", now=IMPORTED)
