from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, timedelta

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pantau.incidents.lifecycle import Incident
from pantau.share.model import SHARE_CATEGORIES, StatusChange, day_start
from pantau.share.policy import (
    CATEGORY,
    DELAY,
    EXCLUDED,
    NO_EVIDENCE,
    NOT_IN_FORCE,
    OUTSIDE,
    RECORD_TIME,
    TLP,
    decide,
    degrade,
    record_hash,
)
from pantau.share.tlp import TLP_LEVELS, allows

from ._fixtures import (
    PARTNER,
    T0,
    agreement,
    alerts,
    events,
    holdings,
    positions,
    vessels,
    zones,
)

ZONES = zones()
FLEET = vessels([(1, "TRAWLER", "fishing"), (2, "KD OWN", "own_asset"),
                 (3, "CG 5901", "coast_guard")])


def test_everything_inside_and_allowed_is_released_with_hashes() -> None:
    h = holdings(positions=positions([(1, T0, 100.5, 0.5), (3, T0, 100.6, 0.6)]),
                 vessels=FLEET,
                 events=events([{"event_id": "e1", "mmsi": 3, "start": T0, "end": T0,
                                 "lat": 0.5, "lon": 100.5}]))
    r = decide(agreement(), [PARTNER], h, ZONES, T0 + timedelta(hours=1))
    assert r.counts()["tracks"] == 2 and r.counts()["events"] == 1
    assert r.denied == {}
    row = r.table("events").to_pylist()[0]
    assert row["tlp"] == "green"
    assert row["record_hash"] == record_hash({k: v for k, v in row.items()
                                              if k != "record_hash"})
    assert [v["mmsi"] for v in r.table("vessels").to_pylist()] == [1, 3]
    assert r.releasable_to == ("USA",) and r.policy_version.endswith("MY-US-TEST v1")


def test_each_rule_withholds_and_counts() -> None:
    before = datetime(2025, 12, 31, tzinfo=UTC)
    h = holdings(positions=positions([
        (1, T0, 100.5, 0.5),                        # released
        (1, before, 100.5, 0.5),                    # before the agreement
        (1, T0 + timedelta(minutes=50), 100.5, 0.5),  # within the delay
        (1, T0 + timedelta(minutes=1), 102.5, 0.5),   # in BOX-B, not shared
        (2, T0, 100.5, 0.5),                        # own asset
    ]), vessels=FLEET)
    r = decide(agreement(delay_minutes=30), [PARTNER], h, ZONES, T0 + timedelta(hours=1))
    assert r.table("tracks").column("t").to_pylist() == [T0]
    assert r.denied["tracks"] == {RECORD_TIME: 1, DELAY: 1, OUTSIDE: 1, EXCLUDED: 1}
    # own asset identity never appears
    assert 2 not in r.table("vessels").column("mmsi").to_pylist()


def test_not_in_force_releases_nothing_and_counts_everything() -> None:
    h = holdings(positions=positions([(1, T0, 100.5, 0.5)]), vessels=FLEET,
                 events=events([{"event_id": "e1", "mmsi": 1, "start": T0, "end": T0,
                                 "lat": 0.5, "lon": 100.5}]))
    suspended = agreement(history=(StatusChange(day_start(date(2026, 1, 1)), "in_force"),
                                   StatusChange(T0 + timedelta(minutes=30), "suspended")))
    r = decide(suspended, [PARTNER], h, ZONES, T0 + timedelta(hours=1))
    assert sum(r.counts().values()) == 0
    assert r.denied == {"tracks": {NOT_IN_FORCE: 1}, "events": {NOT_IN_FORCE: 1}}
    expired = agreement(expires=date(2026, 1, 5))
    assert sum(decide(expired, [PARTNER], h, ZONES, T0).counts().values()) == 0


def test_category_tlp_and_incident_rules() -> None:
    ev = events([{"event_id": "e1", "mmsi": 3, "start": T0, "end": T0, "lat": 0.5,
                  "lon": 100.5},
                 {"event_id": "e2", "mmsi": 3, "other_mmsi": 2, "kind": "close_approach",
                  "start": T0, "end": T0, "lat": 0.5, "lon": 100.5}])
    al = alerts([{"alert_id": "a1", "event_id": "e1", "mmsi": 3, "start": T0, "lat": 0.5,
                  "lon": 100.5}])
    inc = Incident("i1", "CG loitering", "high", "triaged", T0, T0, "officer",
                   events=("e1", "e2"), vessels=(3, 2))
    lonely = Incident("i2", "Nothing shareable", "low", "new", T0, T0, "officer",
                      events=("e2",), vessels=(2,))
    h = holdings(vessels=FLEET, events=ev, alerts=al, incidents=[inc, lonely])
    r = decide(agreement(max_tlp="amber"), [PARTNER], h, ZONES, T0 + timedelta(hours=1))
    (row,) = r.table("incidents").to_pylist()
    assert row["event_ids"] == ["e1"] and row["mmsis"] == [3] and row["tlp"] == "amber"
    assert r.denied["events"] == {EXCLUDED: 1}
    assert r.denied["incidents"] == {NO_EVIDENCE: 1}
    assert r.table("alerts").column("tlp").to_pylist() == ["amber"]
    green = decide(agreement(max_tlp="green"), [PARTNER], h, ZONES, T0 + timedelta(hours=1))
    assert green.counts()["alerts"] == 0 and green.denied["alerts"] == {TLP: 1}
    assert green.denied["incidents"][TLP] == 1
    only_tracks = decide(agreement(categories=("tracks",)), [PARTNER], h, ZONES, T0)
    assert only_tracks.denied["events"] == {CATEGORY: 2}
    assert only_tracks.denied["incidents"] == {CATEGORY: 2}


def test_precision_degrades_positions_and_strips_exact_details() -> None:
    ev = events([{"event_id": "e1", "mmsi": 3, "start": T0, "end": T0, "lat": 0.5123456,
                  "lon": 100.5123456,
                  "details": json.dumps({"cpa_lat": 0.5123, "cpa_lon": 100.5, "cpa_m": 40})}])
    r = decide(agreement(precision_m=1000), [PARTNER], holdings(vessels=FLEET, events=ev),
               ZONES, T0 + timedelta(hours=1))
    row = r.table("events").to_pylist()[0]
    assert (row["lat"], row["lon"]) != (0.5123456, 100.5123456)
    details = json.loads(row["details"])
    assert "cpa_lat" not in details and details["cpa_m"] == 40
    assert details["position_precision_m"] == 1000


# -- property: no released record violates its agreement --------------------------------

def _metres(lon0: float, lat0: float, lon1: float, lat1: float) -> tuple[float, float]:
    return (abs(lon1 - lon0) * 111_320 * math.cos(math.radians(lat0)),
            abs(lat1 - lat0) * 111_320)


agreements_st = st.builds(
    agreement,
    categories=st.lists(st.sampled_from(SHARE_CATEGORIES), unique=True).map(tuple),
    zones=st.lists(st.sampled_from(("BOX-A", "BOX-B")), min_size=1, unique=True).map(tuple),
    delay_minutes=st.sampled_from([0.0, 15.0, 600.0]),
    precision_m=st.sampled_from([0.0, 100.0, 5000.0]),
    exclude=st.lists(st.sampled_from(("own_asset", "coast_guard", "fishing", "other")),
                     unique=True).map(tuple),
    max_tlp=st.sampled_from(TLP_LEVELS),
    in_force_from=st.dates(date(2026, 1, 1), date(2026, 1, 12)),
    expires=st.one_of(st.none(), st.dates(date(2026, 1, 13), date(2026, 2, 1))),
)
times = st.integers(0, 4 * 24 * 60).map(lambda m: datetime(2026, 1, 8, tzinfo=UTC)
                                         + timedelta(minutes=m))
points = st.tuples(st.integers(1, 4), times, st.floats(99.5, 103.5), st.floats(-0.5, 1.5))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=agreements_st, pts=st.lists(points, max_size=40), evs=st.lists(points, max_size=8),
       released_at=times, suspend=st.one_of(st.none(), times))
def test_no_released_record_violates_its_agreement(a, pts, evs, released_at, suspend):  # type: ignore[no-untyped-def]
    if suspend is not None:
        a = agreement(categories=tuple(a.share.categories), zones=a.share.zones,
                      delay_minutes=a.share.delay_minutes, precision_m=a.share.precision_m,
                      exclude=tuple(a.share.exclude_vessel_categories),
                      max_tlp=a.share.max_tlp, in_force_from=a.in_force_from,
                      expires=a.expires,
                      history=(StatusChange(day_start(a.in_force_from), "in_force"),
                               StatusChange(suspend, "suspended")))
    # one position per vessel and minute, so a released row maps back to its original
    pts = list({(m, t): (m, t, x, y) for m, t, x, y in pts}.values())
    ev_rows = [{"event_id": f"e{i}", "mmsi": m, "start": t, "end": t, "lat": y, "lon": x}
               for i, (m, t, x, y) in enumerate(evs)]
    h = holdings(positions=positions(pts), vessels=FLEET, events=events(ev_rows))
    r = decide(a, [PARTNER], h, ZONES, released_at)
    terms = a.share
    category = {1: "fishing", 2: "own_asset", 3: "coast_guard", 4: "other"}
    originals = {(m, t): (x, y) for m, t, x, y in pts}
    originals_ev = {r["event_id"]: r for r in ev_rows}
    released_tracks = r.table("tracks").to_pylist()
    released_events = r.table("events").to_pylist()
    for name, table in r.tables.items():
        if table.num_rows and name != "vessels":
            assert name in terms.categories, name
            assert a.in_force_at(released_at)
    for row in released_tracks:
        x, y = originals[(row["mmsi"], row["t"])]
        _check(a, released_at, row["t"], x, y, row, category[row["mmsi"]], row["tlp"])
    for row in released_events:
        o = originals_ev[row["event_id"]]
        _check(a, released_at, o["end"], o["lon"], o["lat"], row, category[row["mmsi"]],
               row["tlp"])
    # nothing is lost silently: every candidate is released or counted
    n_tracks = len(released_tracks) + sum(r.denied.get("tracks", {}).values())
    assert n_tracks == len(pts)
    if "events" in terms.categories or not a.in_force_at(released_at):
        assert len(released_events) + sum(r.denied.get("events", {}).values()) == len(evs)
    assert set(r.table("vessels").column("mmsi").to_pylist()) == {
        row["mmsi"] for row in released_tracks + released_events}


def _check(a, released_at, t, x, y, row, vessel_category, tlp):  # type: ignore[no-untyped-def]
    terms = a.share
    assert a.in_force_at(t), "record time outside the agreement"
    assert t <= released_at - timedelta(minutes=terms.delay_minutes), "inside the delay"
    assert vessel_category not in terms.exclude_vessel_categories
    assert allows(terms.max_tlp, tlp)
    inside = [z for z in terms.zones
              if (100 <= x <= 101 if z == "BOX-A" else 102 <= x <= 103) and 0 <= y <= 1]
    assert inside, f"({x}, {y}) outside {terms.zones}"
    dx, dy = _metres(x, y, row["lon"], row["lat"])
    if terms.precision_m == 0:
        assert (row["lon"], row["lat"]) == (x, y)
    else:
        assert dx <= terms.precision_m / 2 + 1 and dy <= terms.precision_m / 2 + 1


@given(st.floats(-80, 80), st.floats(-179, 179), st.sampled_from([10.0, 500.0, 5000.0]))
def test_degrade_moves_each_axis_at_most_half_a_cell(lat: float, lon: float, p: float) -> None:
    lo, la = degrade(np.array([lon]), np.array([lat]), p)
    dx, dy = _metres(lon, lat, float(lo[0]), float(la[0]))
    assert dy <= p / 2 + 0.01 and dx <= p / 2 * 1.02 + 0.01


def test_track_hashes_are_reproducible_from_the_released_row() -> None:
    import hashlib
    import struct

    h = holdings(positions=positions([(1, T0, 100.5, 0.5)]), vessels=FLEET)
    row = decide(agreement(), [PARTNER], h, ZONES, T0).table("tracks").to_pylist()[0]
    t_us = int(row["t"].timestamp()) * 1_000_000 + row["t"].microsecond
    packed = struct.pack("<qqddddd", row["mmsi"], t_us, row["lon"], row["lat"],
                         row["sog_kn"], row["cog_deg"], row["heading_deg"]) + b"green"
    assert row["record_hash"] == hashlib.sha256(packed).hexdigest()
