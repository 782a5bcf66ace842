from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pantau.analytics import (
    PRESENCE,
    RULE_VERSION,
    AnalyticsError,
    PresenceRule,
    inside_zone,
    presence,
)
from tests.analytics._archive import (
    CG1,
    CG2,
    FISHER,
    POSITIONS,
    ZONE,
    positions_table,
    vessels_table,
)

CG = PresenceRule(ZONE, "coast_guard", "d" * 64)


def rows(table: pa.Table) -> list[tuple[str, int, int, int, int]]:
    return [tuple(r.values()) for r in table.to_pylist()]


def test_days_count_once_per_vessel_and_other_categories_are_left_out() -> None:
    out = presence(positions_table(POSITIONS), CG, "day", vessels_table(),
                   last_day=date(2026, 1, 4))
    assert out.schema.equals(PRESENCE)
    assert rows(out) == [
        # period, days_present, ship_days, vessels, days_with_data
        ("2026-01-01", 1, 2, 2, 1),  # CG1 inside twice counts once
        ("2026-01-02", 0, 0, 0, 1),  # only the fishing vessel was inside
        ("2026-01-03", 1, 1, 1, 1),
        ("2026-01-04", 0, 0, 0, 0),  # no data at all that day
    ]


def test_month_rollup_keeps_months_without_presence() -> None:
    out = presence(positions_table(POSITIONS), CG, "month", vessels_table())
    assert rows(out) == [
        ("2026-01", 2, 3, 2, 3),
        ("2026-02", 2, 2, 1, 2),  # either side of midnight UTC: two days
        ("2026-03", 0, 0, 0, 1),  # data, no presence: a finding
    ]


def test_without_a_category_every_vessel_counts() -> None:
    out = presence(positions_table(POSITIONS), PresenceRule(ZONE), "month")
    assert rows(out)[0] == ("2026-01", 3, 4, 3, 3)


def test_total_is_one_row_over_the_whole_range() -> None:
    out = presence(positions_table(POSITIONS), CG, "total", vessels_table())
    assert rows(out) == [("2026-01-01/2026-03-05", 4, 5, 2, 6)]


def test_bounds_give_zero_rows_outside_the_data_and_drop_rows_outside_the_range() -> None:
    out = presence(positions_table(POSITIONS), CG, "month", vessels_table(),
                   first_day=date(2025, 12, 1), last_day=date(2026, 1, 2))
    assert rows(out) == [("2025-12", 0, 0, 0, 0), ("2026-01", 1, 2, 2, 2)]


def test_a_vessel_missing_from_the_registry_is_not_of_the_category() -> None:
    only_cg1 = vessels_table().filter(pa.compute.equal(vessels_table()["mmsi"], CG1))
    out = presence(positions_table(POSITIONS), CG, "month", only_cg1)
    assert rows(out)[0] == ("2026-01", 2, 2, 1, 3)


def test_reduced_rows_give_the_same_answer_as_raw_positions() -> None:
    reduced = pa.table({
        "day": pa.array([date(2026, 1, 1), date(2026, 1, 1), date(2026, 1, 2),
                         date(2026, 1, 2), date(2026, 1, 3)], pa.date32()),
        "mmsi": pa.array([CG1, CG2, FISHER, None, CG1], pa.int64()),
        "inside": [True, True, True, False, True],
    })
    raw = positions_table(POSITIONS[:6])
    for by in ("day", "month", "total"):
        assert presence(reduced, CG, by, vessels_table()).equals(
            presence(raw, CG, by, vessels_table()))


def test_the_rule_is_stated_versioned_and_carried_in_the_schema() -> None:
    out = presence(positions_table(POSITIONS), CG, "month", vessels_table())
    meta = {k.decode(): v.decode() for k, v in (out.schema.metadata or {}).items()}
    assert meta["rule_version"] == RULE_VERSION == "presence/1"
    assert meta["zone_digest"] == "d" * 64 and meta["category"] == "coast_guard"
    text = CG.statement()
    assert meta["rule"] == text
    assert "a vessel of category coast_guard" in text and repr(ZONE) in text
    assert f"sha256:{'d' * 64}" in text
    assert "digest unknown" in PresenceRule(ZONE).statement()
    assert "any vessel" in PresenceRule(ZONE).statement()


def test_no_observations_give_no_rows_unless_a_range_is_asked_for() -> None:
    empty = positions_table([])
    assert presence(empty, CG, "day", vessels_table()).num_rows == 0
    out = presence(empty, CG, "day", vessels_table(), date(2026, 1, 1), date(2026, 1, 2))
    assert rows(out) == [("2026-01-01", 0, 0, 0, 0), ("2026-01-02", 0, 0, 0, 0)]


def test_inside_zone_reads_the_archive_labels() -> None:
    zones = pa.array([[ZONE], [], None, ["Other", ZONE], ["Other"]], pa.list_(pa.string()))
    assert inside_zone(zones, ZONE).tolist() == [True, False, False, True, False]


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t.drop_columns(["received_at"]), "day (date32) or received_at"),
    (lambda t: t.drop_columns(["zones"]), "inside (bool) or zones"),
    (lambda t: t.drop_columns(["mmsi"]), "mmsi column"),
    (lambda t: t.set_column(1, "received_at", t["received_at"].cast(pa.timestamp("us"))),
     "timezone-aware"),
])
def test_unusable_observations_are_refused(change: object, message: str) -> None:
    table = change(positions_table(POSITIONS))  # type: ignore[operator]
    with pytest.raises(AnalyticsError, match=re.escape(message)):
        presence(table, CG, "day", vessels_table())


def test_misuse_is_refused_with_the_valid_choices() -> None:
    with pytest.raises(AnalyticsError, match=r"unknown category 'pirate'.*coast_guard"):
        PresenceRule(ZONE, "pirate")
    with pytest.raises(AnalyticsError, match="needs the vessels table"):
        presence(positions_table(POSITIONS), CG, "day")
    with pytest.raises(AnalyticsError, match="unknown period 'week'"):
        presence(positions_table(POSITIONS), CG, "week", vessels_table())  # type: ignore[arg-type]


_T0 = datetime(2026, 1, 30, tzinfo=UTC)
# hours from 30 January to 10 March: three months, February possibly without data
_obs = st.lists(st.tuples(st.integers(1, 4), st.integers(0, 40 * 24 - 1), st.booleans()),
                max_size=40)


@settings(max_examples=60, deadline=None)
@given(_obs)
def test_counts_match_a_plain_set_oracle(obs: list[tuple[int, int, bool]]) -> None:
    table = pa.table({
        "mmsi": pa.array([m for m, _, _ in obs], pa.int64()),
        "received_at": pa.array([_T0 + timedelta(hours=h) for _, h, _ in obs],
                                pa.timestamp("ms", tz="UTC")),
        "inside": pa.array([i for _, _, i in obs], pa.bool_()),
    })
    registry = pa.table({"mmsi": pa.array([1, 2, 3], pa.int64()),
                         "category": ["coast_guard", "coast_guard", "navy"]})
    out = presence(table, CG, "month", registry)
    present: dict[str, set[tuple[date, int]]] = defaultdict(set)
    covered: dict[str, set[date]] = defaultdict(set)
    for m, h, inside in obs:
        day = (_T0 + timedelta(hours=h)).date()
        covered[day.isoformat()[:7]].add(day)
        if inside and m in (1, 2):
            present[day.isoformat()[:7]].add((day, m))
    seen = sorted(covered)  # the months between, with or without data, are all reported
    every_month = [m for m in ("2026-01", "2026-02", "2026-03")
                   if seen and seen[0] <= m <= seen[-1]]
    expected = [(month, len({d for d, _ in present[month]}), len(present[month]),
                 len({m for _, m in present[month]}), len(covered[month]))
                for month in every_month]
    assert rows(out) == expected
