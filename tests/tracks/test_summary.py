"""segments_summary(): one row per segment, across batches too."""

from __future__ import annotations

import pyarrow as pa
import pytest

from pantau.tracks import SEGMENT_SUMMARY, prepare, segment, segments_summary
from tests.tracks._tables import DEG_LAT_M, T0, at, positions, track


def test_one_row_per_segment_with_its_ends() -> None:
    a = track(1, 0, 60, 11, 101.0, 3.0, dlat=0.001)
    b = track(1, 30, 60, 4, 104.0, 3.0)
    c = track(2, 5, 10, 1, 0.0, 0.0)
    labelled, _ = segment(prepare(positions(c + b + a)).clean)
    s = segments_summary(labelled)
    assert s.schema == SEGMENT_SUMMARY
    rows = s.to_pylist()
    assert [(r["mmsi"], r["n_points"]) for r in rows] == [(1, 11), (1, 4), (2, 1)]
    first = rows[0]
    assert (first["start"], first["end"], first["duration_s"]) == (T0, at(600), 600.0)
    assert first["distance_m"] == pytest.approx(0.01 * DEG_LAT_M, rel=1e-6)
    assert (first["first_lon"], first["first_lat"]) == (101.0, 3.0)
    assert first["last_lat"] == pytest.approx(3.01)
    assert rows[2]["distance_m"] == 0.0 and rows[2]["duration_s"] == 0.0


def test_batch_summaries_add_up() -> None:
    pts = track(1, 0, 60, 20, 101.0, 3.0, dlon=0.001)
    whole = segments_summary(segment(prepare(positions(pts)).clean)[0]).to_pylist()
    one, state = segment(prepare(positions(pts[:12])).clean)
    two, _ = segment(prepare(positions(pts[12:])).clean, state)
    parts = [segments_summary(one).to_pylist()[0], segments_summary(two).to_pylist()[0]]
    assert parts[0]["segment_id"] == parts[1]["segment_id"] == whole[0]["segment_id"]
    assert parts[0]["n_points"] + parts[1]["n_points"] == 20
    assert parts[0]["distance_m"] + parts[1]["distance_m"] == pytest.approx(
        whole[0]["distance_m"])


def test_empty() -> None:
    labelled, _ = segment(prepare(positions([])).clean)
    assert segments_summary(labelled).equals(SEGMENT_SUMMARY.empty_table())
    assert isinstance(segments_summary(labelled), pa.Table)
