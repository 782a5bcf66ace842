"""Writing decoded tables to DIR/<table>.parquet, all or nothing.

Each table streams into a temporary file batch by batch (memory stays bounded); the
files are renamed into place only when the whole run succeeded, so a killed run never
leaves a half-written table where a reader would take it for a finished one.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

import pyarrow as pa
import pyarrow.parquet as pq

from pantau.decode.decoder import DecodedBatch
from pantau.errors import OutputError
from pantau.schema import DECODE_TABLES


class DecodedWriter:
    """Context manager: ``with DecodedWriter(dir) as w: w.write(batch)``."""

    def __init__(self, out_dir: str | Path, overwrite: bool = False):
        self.out_dir = Path(out_dir)
        self.rows = dict.fromkeys(DECODE_TABLES, 0)
        existing = [self.path(n) for n in DECODE_TABLES if self.path(n).exists()]
        if existing and not overwrite:
            raise OutputError(f"{existing[0]} exists already (use --force to replace it)")
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise OutputError(f"{self.out_dir}: cannot create ({e.strerror or e})") from None
        if not os.access(self.out_dir, os.W_OK):
            raise OutputError(f"{self.out_dir}: not writable")
        self._writers: dict[str, pq.ParquetWriter] = {}

    def path(self, table: str) -> Path:
        return self.out_dir / f"{table}.parquet"

    def _tmp(self, table: str) -> Path:
        return self.out_dir / f".{table}.parquet.partial"

    def __enter__(self) -> DecodedWriter:
        for name, schema in DECODE_TABLES.items():
            self._writers[name] = pq.ParquetWriter(self._tmp(name), schema, compression="zstd")
        return self

    def write(self, batch: DecodedBatch) -> None:
        for name, rb in batch.tables().items():
            if rb.num_rows:
                self._writers[name].write_batch(rb)
                self.rows[name] += rb.num_rows

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        for w in self._writers.values():
            w.close()
        for name in DECODE_TABLES:
            if exc_type is None:
                os.replace(self._tmp(name), self.path(name))
            else:
                self._tmp(name).unlink(missing_ok=True)


def read_table(out_dir: str | Path, table: str) -> pa.Table:
    return pq.read_table(Path(out_dir) / f"{table}.parquet")
