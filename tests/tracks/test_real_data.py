"""Smoke test on a real recording: DMA AisLib's stream_example.txt ($PGHP receive times)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pantau.decode import DecodeOptions, decode_inputs
from pantau.schema import POSITIONS
from pantau.tracks import prepare, segment, segments_summary
from tests.conftest import DATA
from tests.tracks._oracle import haversine_m

STREAM = DATA / "dma-ais_AisLib" / "stream_example.txt"


def test_stream_example_segments_plausibly() -> None:
    batches = [b.positions for b in decode_inputs([str(STREAM)], DecodeOptions())]
    pos = pa.Table.from_batches(batches, schema=POSITIONS)
    clean, dropped = prepare(pos)
    labelled, state = segment(clean)
    summary = segments_summary(labelled)

    vessels = len(pc.unique(clean.column("mmsi")))
    counts = pc.value_counts(dropped.column("reason"))
    reasons = dict(zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(),
                       strict=True))
    speeds = np.asarray(labelled.column("implied_speed_kn").drop_null().to_numpy())
    per_vessel = np.bincount(summary.group_by("mmsi").aggregate(
        [("segment_id", "count")]).column("segment_id_count").to_numpy())
    print(f"\npositions {pos.num_rows}, clean {clean.num_rows}, dropped {dropped.num_rows} "
          f"{reasons}; vessels {vessels}, segments {summary.num_rows}, state rows "
          f"{state.segments.num_rows}; MMSIs by segment count {per_vessel.tolist()}; "
          f"implied speed kn p50 {np.percentile(speeds, 50):.1f} "
          f"p90 {np.percentile(speeds, 90):.1f}; points per segment max "
          f"{pc.max(summary.column('n_points')).as_py()}")

    assert clean.num_rows + dropped.num_rows == pos.num_rows
    assert clean.num_rows > 2500 and dropped.num_rows < 0.05 * pos.num_rows
    assert set(reasons) <= {"no_position", "no_received_at", "position_out_of_range",
                            "duplicate"}
    assert vessels > 1000
    # 28 s of traffic: nearly every MMSI is one segment, and typical speeds are ship speeds
    assert vessels <= summary.num_rows <= 1.02 * vessels
    assert state.segments.num_rows == summary.num_rows
    assert 2 < float(np.percentile(speeds, 50)) < 20
    assert int(pc.sum(summary.column("n_points")).as_py()) == clean.num_rows
    # the one MMSI split in two is the placeholder 111111111, heard 7 s apart off Rügen and
    # off Ålesund, 1,000 km apart: two transmitters, not one vessel at 270,000 kn
    shared = summary.filter(pc.equal(summary.column("mmsi"), 111111111)).to_pylist()
    assert per_vessel.tolist()[2:] == [1] and len(shared) == 2
    a, b = shared
    assert haversine_m(a["first_lon"], a["first_lat"], b["first_lon"], b["first_lat"]) > 500e3
