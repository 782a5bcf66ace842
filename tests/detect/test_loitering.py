from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.detect.base import Batch
from pantau.detect.loitering import Loitering, Params
from tests.detect._frames import HOUR, MIN, T0, context, frame, leg, split

FAR = dict(shore_m=60_000.0, port_m=80_000.0)


def _run(f, state=None, final=True, params=None):
    wm = int(f.t_us.max()) if f.n else 0
    return Loitering(params).run(Batch(f, wm, final), context(), state or {})


def test_slow_offshore_for_five_hours_is_loitering() -> None:
    rows = leg(1, T0, 60, 112.0, 5.0, 0.01, sog_kn=10.0, **FAR)  # transit first
    rows += leg(1, T0 + 61 * MIN, 300, 112.6, 5.0, 0.0001, every_min=3, sog_kn=0.8, **FAR)
    rows += leg(1, T0 + 362 * MIN, 60, 112.63, 5.0, 0.01, sog_kn=9.0, **FAR)
    events, state = _run(frame(rows))
    assert len(events) == 1
    e = events[0]
    assert (e.kind, e.mmsi) == ("loitering", 1)
    assert e.start_us == T0 + 61 * MIN
    assert e.end_us == T0 + (61 + 300) * MIN
    assert abs(e.details["mean_sog_kn"] - 0.8) < 1e-9
    assert e.details["params"]["min_duration_s"] == 4 * 3600.0
    assert state["open"].num_rows == 0


def test_too_short_near_shore_or_unknown_distance_is_not() -> None:
    short = leg(1, T0, 200, 112.6, 5.0, 0.0, every_min=5, sog_kn=0.5, **FAR)
    near = leg(2, T0, 400, 112.6, 5.0, 0.0, every_min=5, sog_kn=0.5, shore_m=20_000.0,
               port_m=80_000.0)
    unknown = leg(3, T0, 400, 112.6, 5.0, 0.0, every_min=5, sog_kn=0.5, shore_m=float("nan"))
    assert _run(frame(short + near + unknown))[0] == []


def test_a_long_silence_ends_the_run() -> None:
    rows = leg(1, T0, 150, 112.6, 5.0, 0.0, every_min=5, sog_kn=0.5, **FAR)
    rows += leg(1, T0 + 150 * MIN + 4 * HOUR, 150, 112.6, 5.0, 0.0, every_min=5, sog_kn=0.5,
                **FAR)
    assert _run(frame(rows))[0] == []


def test_open_at_the_end_of_a_batch_is_kept_then_closed() -> None:
    rows = leg(1, T0, 300, 112.6, 5.0, 0.0, every_min=5, sog_kn=0.5, **FAR)
    a, b = split(frame(rows), T0 + 100 * MIN)
    first, state = _run(a, final=False)
    assert first == [] and state["open"].num_rows == 1
    second, state = _run(b, state)
    assert len(second) == 1 and second[0].start_us == T0


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 3), st.integers(0, 600), st.integers(1, 400),
                          st.floats(0.0, 4.0)), min_size=1, max_size=8),
       st.integers(0, 900))
def test_split_equals_whole(legs: list[tuple[int, int, int, float]], cut_min: int) -> None:
    rows = []
    for m, start, length, sog in legs:
        rows += leg(m, T0 + start * MIN + m, length, 112.6, 5.0, 0.0, every_min=7, sog_kn=sog,
                    **FAR)
    seen = set()
    rows = [r for r in rows if (r["mmsi"], r["t_us"]) not in seen
            and not seen.add((r["mmsi"], r["t_us"]))]
    params = Params(min_duration_s=2 * 3600.0)
    f = frame(rows)
    whole, _ = _run(f, params=params)
    a, b = split(f, T0 + cut_min * MIN)
    wm = T0 + cut_min * MIN
    first, state = Loitering(params).run(Batch(a, wm, False), context(), {})
    second, _ = Loitering(params).run(
        Batch(b, max(wm, int(f.t_us.max())), True), context(), state)
    key = lambda e: (e.event_id, e.end_us, e.details["positions"])  # noqa: E731
    assert sorted(map(key, first + second)) == sorted(map(key, whole))
