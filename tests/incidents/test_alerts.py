from __future__ import annotations

import json
from pathlib import Path

import pytest

from pantau.detect.events import Event
from pantau.incidents import DEFAULT_RULES, Lookup, RulesError, load_rules, parse_rules
from pantau.incidents import raise_alerts as alerts_of
from tests.detect._frames import T0, context, square
from tests.detect._tracks import vessels

CG, FISH, SURVEY = 413000001, 533000002, 413000003


def _lookup() -> Lookup:
    ctx = context([square("EEZ", "eez", 110.0, 3.0, 5.0), square("Shoal", "aoi", 112.0, 5.0, 0.5),
                   square("Range", "exercise", 100.0, 2.0, 0.5)],
                  vessels({CG: ("coast_guard", 100.0), FISH: ("fishing", 20.0),
                           SURVEY: ("survey", 90.0)}))
    return Lookup(ctx.vessels, ctx.zones, ctx.index)


def _event(kind: str, mmsi: int, lon: float = 112.2, lat: float = 5.2, zone: str | None = None,
           other: int | None = None, **details: object) -> Event:
    return Event(kind, mmsi, T0, T0 + 60_000_000, lat, lon, other_mmsi=other, zone=zone,
                 details=dict(details))


def _one(*events: Event) -> list[tuple[str, str]]:
    return [(a.rule, a.severity) for a in alerts_of(list(events), DEFAULT_RULES, _lookup())]


def test_state_vessel_entering_the_eez_but_not_a_fishing_boat() -> None:
    assert _one(_event("zone_entry", CG, zone="EEZ")) == [("state vessel enters the EEZ",
                                                           "high")]
    assert _one(_event("zone_entry", FISH, zone="EEZ")) == []
    assert _one(_event("zone_entry", CG, zone="Shoal")) == [
        ("state vessel enters an area of interest", "medium")]


def test_pairs_count_either_vessel_and_modes_decide() -> None:
    assert _one(_event("escort", SURVEY, other=CG)) == [("escorted survey", "high")]
    assert _one(_event("close_approach", CG, zone="Rig", mode="asset"))[0][1] == "high"
    assert _one(_event("close_approach", CG, other=FISH, mode="vessel"))[0][1] == "medium"


def test_a_gap_counts_inside_the_eez_only() -> None:
    assert _one(_event("ais_gap", FISH)) == [("AIS gap in the EEZ", "medium")]
    assert _one(_event("ais_gap", FISH, lon=90.0, lat=0.0)) == []


def test_exercise_entry_is_high_for_anyone_and_the_most_severe_rule_wins() -> None:
    assert _one(_event("zone_entry", FISH, zone="Range")) == [
        ("entry into an active exercise area", "high")]
    both = parse_rules({"rules": [
        {"name": "any entry", "severity": "low", "kinds": ["zone_entry"]},
        {"name": "cg entry", "severity": "high", "kinds": ["zone_entry"],
         "categories": ["coast_guard"]}]})
    got = alerts_of([_event("zone_entry", CG, zone="EEZ")], both, _lookup())
    assert [(a.rule, a.severity) for a in got] == [("cg entry", "high")]


def test_alert_ids_are_stable_and_rows_from_the_store_work() -> None:
    e = _event("escort", SURVEY, other=CG)
    row = dict(e.to_json(), details=json.dumps(e.details))
    a, b = alerts_of([e], DEFAULT_RULES, _lookup()), alerts_of([row], DEFAULT_RULES, _lookup())
    assert a == b and a[0].event_id == e.event_id


@pytest.mark.parametrize(("rules", "message"), [
    ({"rules": [{"name": "x", "severity": "urgent", "kinds": ["escort"]}]}, "severity"),
    ({"rules": [{"name": "x", "severity": "low", "kinds": ["parking"]}]}, "'parking'"),
    ({"rules": [{"name": "x", "severity": "low", "kinds": ["escort"], "colour": 1}]},
     "unknown key(s) colour"),
    ({"rules": [{"name": "x", "severity": "low", "kinds": ["escort"]}] * 2}, "unique"),
    ({"rules": [{"name": "x", "severity": "low"}]}, "kinds"),
    ({"rule": []}, "one key"),
])
def test_bad_rules_are_refused_by_name(rules: object, message: str) -> None:
    with pytest.raises(RulesError, match="rule"):
        parse_rules(rules)
    with pytest.raises(RulesError) as info:
        parse_rules(rules)
    assert message in str(info.value)


def test_rules_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text(json.dumps({"rules": [{"name": "all gaps", "severity": "low",
                                           "kinds": ["ais_gap"]}]}))
    assert [r.name for r in load_rules(path)] == ["all gaps"]
    path.write_text("{not json")
    with pytest.raises(RulesError, match="not JSON"):
        load_rules(path)
