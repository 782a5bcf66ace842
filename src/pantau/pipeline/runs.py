"""Ingest runs: one input ingested once, and a run that died is redone cleanly.

A run goes running -> committing -> done. Its positions are staged until it commits; its
state files are named after it and become current only when the run is done. So:
- the same input (same bytes) a second time: skipped;
- a run that died while running: its staging is discarded and the input redone;
- a run that died while committing: the commit (a set of renames) is finished.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from pantau.store.archive import PositionArchive
from pantau.store.base import Store

HASH_CHUNK = 8 << 20


def fingerprint(path: str | Path) -> str:
    """sha256 of a file's bytes (the input's identity, whatever its name)."""
    h = hashlib.sha256()
    with Path(path).open("rb") as f:
        while chunk := f.read(HASH_CHUNK):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class Run:
    run_id: str
    input: str
    fingerprint: str


class RunBook:
    def __init__(self, store: Store, archive: PositionArchive):
        self.store = store
        self.archive = archive

    def already_done(self, fp: str) -> bool:
        return self.store.count("ingests", {"fingerprint": fp, "status": "done"}) > 0

    def recover(self, fp: str | None = None) -> list[str]:
        """Settle runs that died (of one input, or all): returns what was done."""
        notes: list[str] = []
        where: dict[str, object] = {"status": ("!=", "done")}
        if fp is not None:
            where["fingerprint"] = fp
        for row in self.store.select("ingests", where).to_pylist():
            run_id = row["run_id"]
            if row["status"] == "committing":
                self.archive.commit(run_id)
                self._set(run_id, "done")
                notes.append(f"finished the commit of run {run_id} ({row['input']})")
            else:
                self.archive.discard(run_id)
                self.archive.remove_run(run_id)
                self.store.delete("ingests", {"run_id": run_id})
                notes.append(f"discarded unfinished run {run_id} ({row['input']})")
        if fp is None and self.archive.staging.exists():
            # staging folders no run row names: live batches killed before committing
            known = set(self.store.select("ingests")["run_id"].to_pylist())
            for folder in sorted(self.archive.staging.iterdir()):
                if folder.is_dir() and folder.name not in known:
                    self.archive.discard(folder.name)
                    notes.append(f"discarded the staging files of unfinished batch "
                                 f"{folder.name}")
        return notes

    def start(self, input_name: str, fp: str) -> Run:
        run = Run(uuid.uuid4().hex[:16], input_name, fp)
        self.store.upsert("ingests", pa.Table.from_pylist([{
            "run_id": run.run_id, "input": input_name, "fingerprint": fp,
            "started_at": datetime.now(UTC), "status": "running"}]))
        return run

    def committing_new(self, run: Run, counts: dict[str, object]) -> None:
        """Record a run that goes straight to committing, with one write: the live
        service's half-second batches skip `running` (a batch killed before this leaves
        only staging files, which :meth:`recover` removes)."""
        self.store.upsert("ingests", pa.Table.from_pylist([{
            "run_id": run.run_id, "input": run.input, "fingerprint": run.fingerprint,
            "started_at": datetime.now(UTC), "status": "committing",
            "counts": json.dumps(counts, sort_keys=True)}]))

    def finish_and_forget(self, run: Run) -> None:
        """Move a committing run's files into place, then drop its row: a live batch's row
        only served the commit protocol, and one per half second would grow without end."""
        self.archive.commit(run.run_id)
        self.store.delete("ingests", {"run_id": run.run_id})

    def committing(self, run: Run, counts: dict[str, object]) -> None:
        self._set(run.run_id, "committing", counts)

    def done(self, run: Run) -> None:
        self.archive.commit(run.run_id)
        self._set(run.run_id, "done")

    def _set(self, run_id: str, status: str, counts: dict[str, object] | None = None) -> None:
        row = self.store.select("ingests", {"run_id": run_id}).to_pylist()[0]
        row["status"] = status
        if status == "done":
            row["finished_at"] = datetime.now(UTC)
        if counts is not None:
            row["counts"] = json.dumps(counts, sort_keys=True)
        self.store.upsert("ingests", pa.Table.from_pylist([row]))
