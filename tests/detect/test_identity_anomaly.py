from __future__ import annotations

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.detect.base import Batch
from pantau.detect.identity_anomaly import IdentityAnomaly
from pantau.registry.schema import IDENTITY_HISTORY
from tests.detect._frames import HOUR, MIN, T0, context, frame, leg, split

SHIP = 533000001


def _run(f, state=None, final=True, history=None):
    wm = int(f.t_us.max()) if f.n else 0
    batch = Batch(f, wm, final, history if history is not None
                  else IDENTITY_HISTORY.empty_table())
    return IdentityAnomaly().run(batch, context(), state or {})


def _twins(minutes: int = 120) -> list[dict[str, float]]:
    """One MMSI from the Straits and from off Sabah, each every minute."""
    return (leg(SHIP, T0, minutes, 101.0, 2.8, 0.003, segment=11)
            + [dict(r, t_us=r["t_us"] + 20_000_000) for r in
               leg(SHIP, T0, minutes, 116.0, 6.5, -0.003, segment=22)])


def test_one_mmsi_in_two_places_is_one_event() -> None:
    (e,), _ = _run(frame(_twins()))
    assert (e.kind, e.mmsi, e.details["reason"]) == ("identity_anomaly", SHIP, "shared_mmsi")
    assert e.details["max_implied_speed_kn"] > 1000
    # established segments only: the first conflicts need three positions each
    assert T0 <= e.start_us <= T0 + 3 * MIN
    assert e.end_us >= T0 + 119 * MIN


def test_one_stray_fix_is_not_a_twin() -> None:
    rows = leg(SHIP, T0, 60, 101.0, 2.8, 0.003, segment=11)
    rows.append(dict(mmsi=SHIP, t_us=T0 + 30 * MIN + 1, lon=105.0, lat=2.8, segment=99))
    assert _run(frame(rows))[0] == []


def test_invalid_mmsi_once() -> None:
    f = frame(leg(111222333, T0, 30, 112.0, 5.0, 0.001))
    a, b = split(f, T0 + 10 * MIN)
    first, state = _run(a, final=False)
    second, _ = _run(b, state)
    assert [(e.details["reason"], e.start_us) for e in first] == [("invalid_mmsi", T0)]
    assert second == []


def _history(mmsi: int, at_us: int) -> pa.Table:
    t = pa.array([at_us, at_us], pa.int64()).cast(pa.timestamp("us", "UTC"))
    return pa.table({"mmsi": [mmsi, mmsi], "field": ["shipname", "ship_type"],
                     "old_value": ["OCEAN STAR", "80"], "new_value": ["SEA PEARL", "70"],
                     "changed_at": t}).cast(IDENTITY_HISTORY)


def test_identity_change_at_sea_but_not_in_port() -> None:
    at_sea = leg(SHIP, T0, 120, 112.0, 5.0, 0.002, port_m=90_000.0)
    in_port = leg(SHIP + 1, T0, 120, 101.4, 3.0, 0.0, port_m=1_000.0)
    history = pa.concat_tables([_history(SHIP, T0 + 61 * MIN + 5),
                                _history(SHIP + 1, T0 + 61 * MIN)])
    events, _ = _run(frame(at_sea + in_port), history=history)
    assert len(events) == 1
    e = events[0]
    assert (e.mmsi, e.start_us, e.details["reason"]) == (SHIP, T0 + 61 * MIN + 5,
                                                          "identity_change")
    assert [c["field"] for c in e.details["changes"]] == ["shipname", "ship_type"]


def test_change_with_the_position_in_an_earlier_batch() -> None:
    f = frame(leg(SHIP, T0, 60, 112.0, 5.0, 0.002, port_m=90_000.0))
    _, state = _run(f, final=False)
    later = frame(leg(SHIP, T0 + 2 * HOUR, 10, 112.2, 5.0, 0.002, port_m=90_000.0))
    events, _ = _run(later, state, history=_history(SHIP, T0 + 61 * MIN))
    assert [e.details["reason"] for e in events] == ["identity_change"]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 130), st.integers(1, 60))
def test_split_equals_whole(cut_min: int, minutes: int) -> None:
    rows = _twins(minutes) + leg(111222333, T0, 30, 112.0, 5.0, 0.001)
    f = frame(rows)
    whole, _ = _run(f)
    a, b = split(f, T0 + cut_min * MIN)
    wm = T0 + cut_min * MIN
    first, state = IdentityAnomaly().run(Batch(a, wm, False), context(), {})
    second, _ = IdentityAnomaly().run(Batch(b, max(wm, int(f.t_us.max())), True), context(),
                                      state)
    key = lambda e: (e.event_id, e.end_us, e.details.get("conflicts"))  # noqa: E731
    assert sorted(map(key, first + second)) == sorted(map(key, whole))


def test_names_taking_turns_are_twins_not_a_disguise() -> None:
    rows = leg(SHIP, T0, 180, 112.0, 5.0, 0.002, port_m=90_000.0)
    flips = []
    for k in range(1, 12):
        old, new = ("OCEAN STAR", "SEA PEARL") if k % 2 else ("SEA PEARL", "OCEAN STAR")
        t = pa.array([T0 + k * 6 * MIN], pa.int64()).cast(pa.timestamp("us", "UTC"))
        flips.append(pa.table({"mmsi": [SHIP], "field": ["shipname"], "old_value": [old],
                               "new_value": [new], "changed_at": t}).cast(IDENTITY_HISTORY))
    assert _run(frame(rows), history=pa.concat_tables(flips))[0] == []


def test_a_change_waits_an_hour_before_it_counts() -> None:
    f = frame(leg(SHIP, T0, 240, 112.0, 5.0, 0.002, port_m=90_000.0))
    a, b = split(f, T0 + 70 * MIN)
    history = _history(SHIP, T0 + 61 * MIN)
    first, state = _run(a, final=False, history=history)
    assert first == [] and state["pending"].num_rows == 1
    second, _ = _run(b, state)
    assert [e.details["reason"] for e in second] == ["identity_change"]
