from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.detect.base import Batch
from pantau.detect.zone_crossing import ZoneCrossing
from tests.detect._frames import HOUR, MIN, T0, context, frame, leg, split, square


def _run(f, ctx, state=None, final=True):
    wm = int(f.t_us.max()) if f.n else 0
    return ZoneCrossing().run(Batch(f, wm, final), ctx, state or {})


def test_entry_then_exit_with_dwell() -> None:
    ctx = context()
    # west to east at 0.01 deg/min across the box 112.0..112.2 at lat 5.1
    f = frame(leg(1, T0, 40, 111.95, 5.1, 0.01))
    events, _ = _run(f, ctx)
    kinds = [(e.kind, e.zone) for e in events]
    assert kinds == [("zone_entry", "Box"), ("zone_exit", "Box")]
    entry, exit_ = events
    assert entry.start_us == T0 + 6 * MIN  # 111.96..112.00 are outside (border: 112.0 at k=5)
    assert exit_.start_us == entry.start_us
    assert exit_.details["dwell_s"] == (exit_.end_us - exit_.start_us) / 1e6
    assert exit_.details["entered"] == "observed"


def test_starting_inside_is_no_entry() -> None:
    events, _ = _run(frame(leg(1, T0, 20, 112.1, 5.1, 0.01)), context())
    assert [e.kind for e in events] == ["zone_exit"]
    assert events[0].details["entered"] == "first_seen_inside"


def test_exercise_area_counts_only_while_active() -> None:
    active = ((datetime(2025, 9, 15, 0, 30, tzinfo=UTC), datetime(2025, 9, 15, 2, tzinfo=UTC)),)
    ctx = context([square("Range", "exercise", 112.0, 5.0, 0.2, active=active),
                   square("Harbour", "port", 111.0, 5.0, 0.2)])
    early = frame(leg(1, T0, 20, 111.95, 5.1, 0.01))  # crosses at 00:06, inactive
    assert _run(early, ctx)[0] == []
    later = frame(leg(2, T0 + HOUR, 20, 111.95, 5.1, 0.01))
    assert [e.kind for e in _run(later, ctx)[0]] == ["zone_entry"]
    # a vessel sitting inside when the range goes live has entered it
    sitting = frame(leg(3, T0, 60, 112.1, 5.1, 0.0, every_min=5))
    got = _run(sitting, ctx)[0]
    assert [(e.kind, e.start_us) for e in got] == [("zone_entry", T0 + 30 * MIN)]


def test_ports_are_not_zone_events() -> None:
    ctx = context([square("Harbour", "port", 112.0, 5.0, 0.2)])
    assert _run(frame(leg(1, T0, 40, 111.95, 5.1, 0.01)), ctx)[0] == []


def test_segments_do_not_cross_each_other() -> None:
    # one MMSI, two transmitters: one inside, one outside, alternating
    rows = []
    for k in range(20):
        rows.append(dict(mmsi=7, t_us=T0 + k * MIN, lon=112.1, lat=5.1, segment=1))
        rows.append(dict(mmsi=7, t_us=T0 + k * MIN + 1000, lon=110.0, lat=5.1, segment=2))
    assert [e.kind for e in _run(frame(rows), context())[0]] == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4), st.floats(111.9, 112.3), st.floats(-0.02, 0.02)),
                min_size=1, max_size=6), st.integers(0, 60))
def test_split_equals_whole(vessels: list[tuple[int, float, float]], cut_min: int) -> None:
    rows = []
    for m, lon0, step in vessels:
        rows += leg(m, T0 + m * 7_000_000, 60, lon0, 5.1, step)
    f = frame(rows)
    ctx = context()
    whole, _ = _run(f, ctx)
    a, b = split(f, T0 + cut_min * MIN)
    first, state = _run(a, ctx, final=False) if a.n else ([], {})
    wm = int(a.t_us.max()) if a.n else 0
    second, _ = ZoneCrossing().run(Batch(b, max(wm, int(b.t_us.max()) if b.n else 0), True),
                                   ctx, state)
    key = lambda e: (e.event_id, e.end_us, e.details.get("dwell_s"))  # noqa: E731
    assert sorted(map(key, first + second)) == sorted(map(key, whole))
