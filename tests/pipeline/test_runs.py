"""The run book's commit protocol for live batches: one write to record, one to forget."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from pantau.pipeline.runs import Run, RunBook
from pantau.schema import POSITIONS
from pantau.store.archive import PositionArchive
from pantau.store.embedded import EmbeddedStore


def _positions() -> pa.Table:
    t = datetime(2026, 1, 1, tzinfo=UTC)
    row = {f.name: None for f in POSITIONS}
    row.update(mmsi=1, lon=1.0, lat=2.0, received_at=t, msg_type=1)
    return pa.Table.from_pylist([row], schema=POSITIONS)


def test_live_batch_commits_and_leaves_no_row(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path) as store:
        archive = PositionArchive(tmp_path)
        book = RunBook(store, archive)
        run = Run("a" * 16, "live", "live-1")
        archive.stage(run.run_id, _positions())
        book.committing_new(run, {"positions": 1})
        assert store.count("ingests", {"status": "committing"}) == 1
        book.finish_and_forget(run)
        assert store.count("ingests") == 0 and archive.count() == 1


def test_recover_finishes_committing_and_discards_orphans(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path) as store:
        archive = PositionArchive(tmp_path)
        book = RunBook(store, archive)
        died_committing = Run("b" * 16, "live", "live-2")
        archive.stage(died_committing.run_id, _positions())
        book.committing_new(died_committing, {})
        died_before = Run("c" * 16, "live", "live-3")  # killed before its row was written
        archive.stage(died_before.run_id, _positions())
        notes = RunBook(store, archive).recover()
        assert any("finished the commit" in n for n in notes)
        assert any("discarded the staging files" in n and "c" * 16 in n for n in notes)
        assert archive.count() == 1
        assert not (archive.staging / died_before.run_id).exists()
