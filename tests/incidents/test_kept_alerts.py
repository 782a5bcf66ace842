"""Alerts kept in a real store as the live service keeps them (a batch's few at a time),
and the alert rules kept as versions in its configs table."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.detect.events import KINDS
from pantau.incidents import DEFAULT_RULES, Rule, parse_rules
from pantau.incidents import raise_alerts as alerts_of
from pantau.incidents.store import (
    KEPT,
    acknowledge,
    active_rules,
    keep_alerts,
    put_rules,
    rules_json,
)
from pantau.registry.schema import CATEGORIES
from pantau.store.embedded import EmbeddedStore
from pantau.zones import ZONE_KINDS
from tests.incidents.test_alerts import CG, FISH, _event, _lookup

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedStore:
    return EmbeddedStore(tmp_path)


def test_new_alerts_are_kept_with_when_and_nothing_else(store: EmbeddedStore) -> None:
    found = alerts_of([_event("zone_entry", CG, zone="EEZ"), _event("ais_gap", FISH)],
                      DEFAULT_RULES, _lookup())
    rows = keep_alerts(store, found, NOW)
    assert len(rows) == 2 == store.count("alerts")
    for row in rows:
        assert row["raised_at"] == NOW
        assert all(row[k] is None for k in KEPT if k != "raised_at")
    assert keep_alerts(store, found, NOW + timedelta(hours=1)) == []  # nothing changed


def test_an_alert_kept_again_keeps_its_acknowledgement(store: EmbeddedStore) -> None:
    first = alerts_of([_event("zone_entry", CG, zone="EEZ")], DEFAULT_RULES, _lookup())
    (row,) = keep_alerts(store, first, NOW)
    acknowledge(store, row["alert_id"], "watch", NOW + timedelta(minutes=1))
    # the same event, updated (a later position): the same alert, changed
    moved = alerts_of([_event("zone_entry", CG, zone="EEZ", lat=5.3)], DEFAULT_RULES,
                      _lookup())
    (again,) = keep_alerts(store, moved, NOW + timedelta(minutes=5))
    assert again["alert_id"] == row["alert_id"] and again["lat"] == 5.3
    assert again["acknowledged_by"] == "watch" and again["raised_at"] == NOW


def test_many_alerts_at_once(store: EmbeddedStore) -> None:
    events = [_event("ais_gap", FISH + k) for k in range(60)]
    found = alerts_of(events, DEFAULT_RULES, _lookup())
    assert len(keep_alerts(store, found, NOW)) == 60
    assert keep_alerts(store, found, NOW) == []


def test_rules_in_force_are_the_defaults_until_kept(store: EmbeddedStore) -> None:
    assert active_rules(store) == DEFAULT_RULES
    mine = (Rule("any entry", "low", ("zone_entry",)),)
    assert put_rules(store, mine) == 1
    assert put_rules(store, mine) == 1  # the same rules: no new version
    assert active_rules(store) == mine
    assert put_rules(store, DEFAULT_RULES) == 2
    assert active_rules(store) == DEFAULT_RULES


_names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1,
                 max_size=20).filter(str.strip)


@st.composite
def rules(draw: st.DrawFn) -> tuple[Rule, ...]:
    def some(values: tuple[str, ...]) -> tuple[str, ...] | None:
        return draw(st.none() | st.lists(st.sampled_from(values), min_size=1, max_size=3,
                                          unique=True).map(tuple))

    names = draw(st.lists(_names, min_size=1, max_size=5, unique=True))
    return tuple(Rule(n, draw(st.sampled_from(("low", "medium", "high"))),
                      draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=3,
                                    unique=True).map(tuple)),
                      categories=some(CATEGORIES), zone_kinds=some(ZONE_KINDS),
                      inside=some(ZONE_KINDS),
                      zones=draw(st.none() | st.lists(_names, min_size=1, max_size=2)
                                 .map(tuple)),
                      modes=draw(st.none() | st.lists(_names, min_size=1, max_size=2)
                                 .map(tuple)),
                      description=draw(st.text(max_size=30)))
                 for n in names)


@settings(max_examples=100)
@given(rules())
def test_rules_read_back_as_they_were_written(written: tuple[Rule, ...]) -> None:
    assert parse_rules(json.loads(rules_json(written))) == written


def test_the_default_rules_as_a_rules_file() -> None:
    data = json.loads(rules_json(DEFAULT_RULES))
    assert parse_rules(data) == DEFAULT_RULES
    first = data["rules"][0]
    assert list(first) == ["name", "severity", "kinds", "categories", "zone_kinds",
                           "description"]
