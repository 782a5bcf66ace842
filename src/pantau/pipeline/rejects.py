"""Rejected lines and set-aside positions of a run, kept beside its staged positions and
moved to DATA_DIR/rejects/ when the run commits (PositionArchive.commit moves them)."""

from __future__ import annotations

import threading
from pathlib import Path
from types import TracebackType

import pyarrow as pa
import pyarrow.parquet as pq

from pantau.schema import REJECTS

REJECTS_FILE = "rejects.parquet"
DROPPED_FILE = "dropped.parquet"


class RejectSink:
    def __init__(self, run_dir: Path):
        self.run_dir = run_dir
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._lock = threading.Lock()  # the decoding thread and the main one both write

    def _write(self, name: str, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        with self._lock:
            if name not in self._writers:
                self.run_dir.mkdir(parents=True, exist_ok=True)
                self._writers[name] = pq.ParquetWriter(self.run_dir / name, table.schema)
            self._writers[name].write_table(table)

    def rejects(self, batch: pa.RecordBatch) -> None:
        self._write(REJECTS_FILE, pa.Table.from_batches([batch], schema=REJECTS))

    def dropped(self, table: pa.Table) -> None:
        self._write(DROPPED_FILE, table)

    def __enter__(self) -> RejectSink:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        for w in self._writers.values():
            w.close()
