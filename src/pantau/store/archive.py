"""The positions archive: Parquet files partitioned by UTC day, queried with DuckDB.

Writes go to a run's staging folder first and are moved into place when the run commits,
so a reader never sees half a run, and a run killed part way leaves only staging files,
which the next run of the same input discards.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pantau.store.base import StoreError

US_PER_DAY = 86_400_000_000
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


class PositionArchive:
    def __init__(self, data_dir: str | Path):
        self.root = Path(data_dir) / "positions"
        self.staging = Path(data_dir) / "staging"
        self.rejects = Path(data_dir) / "rejects"

    # -- writing --------------------------------------------------------------------------
    def stage(self, run_id: str, table: pa.Table) -> int:
        """Write rows (received_at must be set) under the run's staging folder, by day."""
        if table.num_rows == 0:
            return 0
        times = table["received_at"]
        if times.null_count:
            raise StoreError("archived positions need received_at on every row")
        days = pc.cast(times, pa.int64()).to_numpy() // US_PER_DAY
        if days.min() == days.max():  # the usual case: no reordering needed
            days_sorted, sorted_table = days, table
        else:
            order = np.argsort(days, kind="stable")
            days_sorted = days[order]
            sorted_table = table.take(pa.array(order))
        bounds = np.flatnonzero(np.diff(days_sorted)) + 1
        starts = np.concatenate([[0], bounds])
        ends = np.concatenate([bounds, [len(days_sorted)]])
        for a, b in zip(starts, ends, strict=True):
            day = date.fromordinal(EPOCH_ORDINAL + int(days_sorted[a]))
            folder = self.staging / run_id / f"day={day.isoformat()}"
            folder.mkdir(parents=True, exist_ok=True)
            n = len(list(folder.glob("part-*.parquet")))
            final = folder / f"part-{n:05d}.parquet"
            tmp = folder / f".part-{n:05d}.partial"
            pq.write_table(sorted_table.slice(int(a), int(b - a)), tmp, compression="zstd")
            os.replace(tmp, final)
        return int(table.num_rows)

    def commit(self, run_id: str) -> None:
        """Move a run's staged files into the archive (safe to repeat after a crash)."""
        run_dir = self.staging / run_id
        if not run_dir.exists():
            return
        for f in sorted(run_dir.glob("day=*/part-*.parquet")):
            target = self.root / f.parent.name / f"{run_id}-{f.name}"
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(f, target)
        for f in sorted(run_dir.glob("*.parquet")):  # the run's rejects, kept with reasons
            target = self.rejects / f"{run_id}-{f.name}"
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(f, target)
        shutil.rmtree(run_dir, ignore_errors=True)

    def discard(self, run_id: str) -> None:
        shutil.rmtree(self.staging / run_id, ignore_errors=True)

    def remove_run(self, run_id: str) -> int:
        """Delete a run's committed files (used to redo a run that died mid-commit)."""
        removed = 0
        for f in [*self.root.glob(f"day=*/{run_id}-part-*.parquet"),
                  *self.rejects.glob(f"{run_id}-*.parquet")]:
            f.unlink()
            removed += 1
        return removed

    # -- reading --------------------------------------------------------------------------
    def files(self) -> list[Path]:
        return sorted(self.root.glob("day=*/*.parquet"))

    def days(self) -> list[date]:
        return sorted({date.fromisoformat(p.parent.name[4:]) for p in self.files()})

    def query(self, mmsi: int | None = None, since: datetime | None = None,
              until: datetime | None = None, bbox: tuple[float, float, float, float] | None
              = None, columns: list[str] | None = None, order: bool = True) -> pa.Table:
        """Positions matching the filters (bbox is lon_min, lat_min, lon_max, lat_max)."""
        if not self.files():
            return pa.table({})
        cols = ", ".join(f'"{c}"' for c in columns) if columns else "* EXCLUDE (day)"
        where: list[str] = []
        params: list[object] = []
        if mmsi is not None:
            where.append("mmsi = ?")
            params.append(int(mmsi))
        if since is not None:
            where += ["day >= ?", "received_at >= ?"]
            params += [since.astimezone(UTC).date().isoformat(), since]
        if until is not None:
            where += ["day <= ?", "received_at < ?"]
            params += [until.astimezone(UTC).date().isoformat(), until]
        if bbox is not None:
            where.append("lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?")
            params += [bbox[0], bbox[2], bbox[1], bbox[3]]
        sql = (f"SELECT {cols} FROM read_parquet(?, hive_partitioning = true, "
               f"hive_types = {{'day': VARCHAR}})")
        if where:
            sql += " WHERE " + " AND ".join(where)
        if order:
            sql += " ORDER BY mmsi, received_at"
        con = duckdb.connect()
        try:
            con.execute("SET TimeZone = 'UTC'")
            return con.sql(sql, params=[str(self.root / "day=*" / "*.parquet"), *params]
                           ).to_arrow_table()
        finally:
            con.close()

    def count(self) -> int:
        return sum(pq.ParquetFile(f).metadata.num_rows for f in self.files())
