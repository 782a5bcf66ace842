from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

from pantau.schema import UTC_TS
from pantau.store.archive import PositionArchive
from pantau.store.base import StoreError

T0 = datetime(2026, 11, 22, 22, 0, tzinfo=UTC)


def _positions(n: int, mmsi: int = 533000001, start: datetime = T0) -> pa.Table:
    return pa.table({
        "mmsi": pa.array([mmsi] * n, pa.int64()),
        "received_at": pa.array([start + timedelta(minutes=30 * i) for i in range(n)], UTC_TS),
        "lon": pa.array([112.0 + 0.01 * i for i in range(n)]),
        "lat": pa.array([5.0] * n),
    })


def test_staged_rows_are_invisible_until_the_run_commits(tmp_path: Path) -> None:
    archive = PositionArchive(tmp_path)
    archive.stage("run1", _positions(10))  # 22:00 .. 02:30: two days
    assert archive.query().num_rows == 0
    archive.commit("run1")
    got = archive.query()
    assert got.num_rows == 10
    assert [d.isoformat() for d in archive.days()] == ["2026-11-22", "2026-11-23"]
    assert got["received_at"].type == UTC_TS
    archive.commit("run1")  # repeating a commit (after a crash) changes nothing
    assert archive.count() == 10


def test_a_discarded_run_leaves_nothing(tmp_path: Path) -> None:
    archive = PositionArchive(tmp_path)
    archive.stage("dead", _positions(5))
    archive.discard("dead")
    archive.commit("dead")
    assert archive.count() == 0


def test_filters_by_vessel_time_and_box(tmp_path: Path) -> None:
    archive = PositionArchive(tmp_path)
    archive.stage("r", pa.concat_tables([_positions(10), _positions(4, mmsi=412000001)]))
    archive.commit("r")
    assert archive.query(mmsi=412000001).num_rows == 4
    since = T0 + timedelta(hours=2)
    window = archive.query(mmsi=533000001, since=since, until=since + timedelta(hours=1))
    assert window["received_at"].to_pylist() == [since, since + timedelta(minutes=30)]
    assert archive.query(bbox=(112.0, 4.0, 112.035, 6.0)).num_rows == 8
    assert archive.query(columns=["mmsi"]).column_names == ["mmsi"]


def test_remove_run_deletes_only_that_run(tmp_path: Path) -> None:
    archive = PositionArchive(tmp_path)
    for run in ("a", "b"):
        archive.stage(run, _positions(3))
        archive.commit(run)
    assert archive.remove_run("a") == 1
    assert archive.count() == 3


def test_positions_without_time_are_refused(tmp_path: Path) -> None:
    table = _positions(2).set_column(1, "received_at", pa.array([None, T0], UTC_TS))
    with pytest.raises(StoreError, match="received_at"):
        PositionArchive(tmp_path).stage("r", table)
