"""The whole detector set: a time-ordered input split into batches, with the state saved
to disk and read back between them, gives exactly the events of one batch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pantau.detect import Runner
from pantau.detect.errors import DetectError
from pantau.detect.frame import Frame
from tests.detect._frames import square
from tests.detect._tracks import (
    HOUR,
    MIN,
    T0,
    as_rows,
    frame,
    offset,
    pair_context,
    platform,
    track,
)

LON, LAT = 113.0, 5.5
FAR = dict(shore_m=80_000.0, port_m=90_000.0)
KNOWN = {1: ("survey", 90.0), 2: ("coast_guard", 100.0), 3: ("other", 180.0),
         4: ("fishing", 30.0), 5: ("own_asset", 70.0), 6: ("coast_guard", 90.0)}


def scene() -> Frame:
    """Every behaviour at once: escort, encounter, shadowing, platform pass, loitering,
    a zone crossed, a silence among others, and an MMSI in two places."""
    rows = track(1, T0, LON, LAT, [(240, 5.0, 90.0)], **FAR)  # survey
    x, y = offset(LON, LAT, 0, 900)
    rows += track(2, T0 + 7_000_000, x, y, [(240, 5.0, 90.0)], **FAR)  # its escort
    x, y = offset(LON, LAT, 0, -20_000)
    rows += track(3, T0, x, y, [(200, 0.5, 10.0)], every_s=120, **FAR)  # tanker drifting
    x, y = offset(x, y, 150, 0)
    rows += track(4, T0 + 3_000_000, x, y, [(200, 0.6, 10.0)], every_s=90, **FAR)
    x, y = offset(LON, LAT, 0, 30_000)
    rows += track(5, T0, x, y, [(180, 8.0, 45.0)], **FAR)  # own supply vessel
    x, y = offset(x, y, -1000, -1000)
    rows += track(6, T0 + 11_000_000, x, y, [(180, 8.0, 45.0)], **FAR)  # shadowing it
    x, y = offset(LON, LAT, -30_000, -40_000)
    rows += track(7, T0, x, y, [(30, 10.0, 0.0), (400, 0.4, 0.0)], every_s=180, **FAR)
    rows += track(8, T0, 111.95, 5.1, [(60, 12.0, 90.0)])  # crosses the Box
    rows += track(9, T0, 112.5, 4.0, [(60, 6.0, 0.0)]) + track(
        9, T0 + 4 * HOUR, 112.55, 4.1, [(60, 6.0, 0.0)])  # silent for 3 h
    rows += track(10, T0, 112.52, 4.0, [(330, 6.0, 0.0)]) + track(
        11, T0, 112.48, 4.0, [(330, 6.0, 180.0)])  # heard throughout
    rows += [dict(r, segment=2) for r in track(533000001, T0, 101.0, 2.8, [(90, 10, 90)])]
    rows += [dict(r, segment=3, t_us=r["t_us"] + 20_000_000)
             for r in track(533000001, T0, 116.0, 6.5, [(90, 10, 270)])]
    return frame(rows)


def _ctx():  # type: ignore[no-untyped-def]
    return pair_context(KNOWN, [square("Box", "aoi", 112.0, 5.0, 0.2),
                                platform("Rig", *offset(LON, LAT, 3000, 300), 500.0)])


def _whole(f: Frame) -> list[str]:
    return as_rows(Runner(_ctx()).step(f, final=True).events)


def test_the_scene_has_every_kind() -> None:
    kinds = {r.split('"kind": "')[1].split('"')[0] for r in _whole(scene())}
    assert {"escort", "encounter", "close_approach", "loitering", "zone_entry", "zone_exit",
            "ais_gap", "identity_anomaly"} <= kinds


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(1, 7 * 60 - 1), min_size=1, max_size=3, unique=True))
def test_batches_with_state_on_disk_equal_one_batch(tmp_path: Path, cuts: list[int]) -> None:
    f = scene()
    whole = _whole(f)
    got: list[str] = []
    state_dir = tmp_path / f"state-{'-'.join(map(str, cuts))}"
    bounds = [T0 - 1] + [T0 + c * MIN for c in sorted(cuts)] + [int(f.t_us.max())]
    for k in range(len(bounds) - 1):
        part = f.take(np.flatnonzero((f.t_us > bounds[k]) & (f.t_us <= bounds[k + 1])))
        runner = Runner(_ctx())
        runner.load(state_dir)
        got += as_rows(runner.step(part, final=k == len(bounds) - 2).events)
        runner.save(state_dir)
    assert sorted(got) == sorted(whole)


def test_late_positions_are_counted_not_detected() -> None:
    f = scene()
    runner = Runner(_ctx())
    runner.step(f.take(np.flatnonzero(f.t_us <= T0 + 2 * HOUR)))
    again = runner.step(f.take(np.flatnonzero(f.t_us <= T0 + HOUR)))
    assert again.late == int((f.t_us <= T0 + HOUR).sum()) and again.events == []


def test_state_of_another_version_is_refused(tmp_path: Path) -> None:
    runner = Runner(_ctx())
    runner.step(scene())
    runner.save(tmp_path)
    index = tmp_path / "index.json"
    index.write_text(index.read_text().replace('"version": 1', '"version": 99'))
    with pytest.raises(DetectError, match="version 99"):
        Runner(_ctx()).load(tmp_path)


def test_empty_input() -> None:
    report = Runner(_ctx()).step(Frame.empty(), final=True)
    assert report.events == [] and report.positions == 0
