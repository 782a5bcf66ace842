from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pantau.analytics import AnalyticsError
from pantau.analytics.archive_presence import (
    archive_presence,
    observations,
    zone_names_seen,
)
from pantau.pipeline.config import load_zoneset
from pantau.store.archive import PositionArchive
from pantau.store.embedded import EmbeddedStore
from tests.analytics._archive import (
    CG1,
    CG2,
    FISHER,
    OLD_ZONE,
    ZONE,
    make_data_dir,
    positions_table,
)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_data_dir(tmp_path_factory.mktemp("presence"))


def rows(table: object) -> list[tuple[object, ...]]:
    return [tuple(r.values()) for r in table.to_pylist()]  # type: ignore[attr-defined]


def test_monthly_presence_from_the_archive(data: Path) -> None:
    result = archive_presence(data, ZONE, "month", "coast_guard")
    assert rows(result.periods) == [
        ("2026-01", 2, 3, 2, 3), ("2026-02", 2, 2, 1, 2), ("2026-03", 0, 0, 0, 1)]
    assert rows(result.total) == [("2026-01-01/2026-03-05", 4, 5, 2, 6)]
    assert not result.archive_empty


def test_the_rule_quotes_the_digest_of_the_zone_in_use(data: Path) -> None:
    with EmbeddedStore(data, read_only=True) as store:
        digest = load_zoneset(store)[ZONE].digest()
    rule = archive_presence(data, ZONE, "day", "coast_guard").rule
    assert rule.zone_digest == digest and digest in rule.statement()


def test_the_archive_is_reduced_to_vessel_days_before_python_sees_it(data: Path) -> None:
    obs = observations(PositionArchive(data), ZONE, None, None).sort_by(
        [("day", "ascending"), ("inside", "descending"), ("mmsi", "ascending")])
    inside = [(r["day"], r["mmsi"]) for r in obs.to_pylist() if r["inside"]]
    assert inside == [(date(2026, 1, 1), CG1), (date(2026, 1, 1), CG2),
                      (date(2026, 1, 2), FISHER), (date(2026, 1, 3), CG1),
                      (date(2026, 2, 10), CG1), (date(2026, 2, 11), CG1)]
    covered = [r["day"] for r in obs.to_pylist() if not r["inside"]]
    assert covered == [date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3),
                       date(2026, 2, 10), date(2026, 2, 11), date(2026, 3, 5)]
    assert all(r["mmsi"] is None for r in obs.to_pylist() if not r["inside"])


def test_since_and_until_bound_by_time_of_day(data: Path) -> None:
    result = archive_presence(data, ZONE, "day", "coast_guard",
                              since=datetime(2026, 1, 1, 12, tzinfo=UTC),
                              until=datetime(2026, 1, 3, tzinfo=UTC))
    # 1 January from noon: only CG1's 13:00 report; until is exclusive: no 3 January
    assert rows(result.periods) == [("2026-01-01", 1, 1, 1, 1), ("2026-01-02", 0, 0, 0, 1)]
    feb = archive_presence(data, ZONE, "month", "coast_guard",
                           since=datetime(2026, 2, 1, tzinfo=UTC),
                           until=datetime(2026, 2, 11, tzinfo=UTC))
    assert rows(feb.periods) == [("2026-02", 1, 1, 1, 1)]


def test_a_vessel_seen_in_two_runs_the_same_day_counts_once(tmp_path: Path) -> None:
    data = make_data_dir(tmp_path)
    archive = PositionArchive(data)
    again = positions_table([(CG1, datetime(2026, 1, 1, 20, tzinfo=UTC), [ZONE])])
    archive.stage("run-2", again)
    archive.commit("run-2")
    assert len(archive.files()) > len({f.parent for f in archive.files()})
    result = archive_presence(data, ZONE, "day", "coast_guard",
                              until=datetime(2026, 1, 2, tzinfo=UTC))
    assert rows(result.periods) == [("2026-01-01", 1, 2, 2, 1)]


def test_zone_names_come_from_the_zones_in_use_and_the_archive(data: Path) -> None:
    assert zone_names_seen(PositionArchive(data)) == [OLD_ZONE, ZONE]
    old = archive_presence(data, OLD_ZONE, "month")
    assert old.rule.zone_digest is None and "digest unknown" in old.rule.statement()
    assert rows(old.periods)[-1] == ("2026-03", 1, 1, 1, 1)
    with pytest.raises(AnalyticsError, match=f"unknown zone 'Atlantis'.*{ZONE}.*{OLD_ZONE}"):
        archive_presence(data, "Atlantis", "month")


def test_an_empty_archive_gives_no_rows_or_the_zero_rows_of_the_range(tmp_path: Path) -> None:
    data = make_data_dir(tmp_path, with_positions=False)
    result = archive_presence(data, ZONE, "month", "coast_guard")
    assert result.archive_empty and result.periods.num_rows == 0
    ranged = archive_presence(data, ZONE, "month", since=datetime(2026, 1, 1, tzinfo=UTC),
                              until=datetime(2026, 3, 1, tzinfo=UTC))
    assert rows(ranged.periods) == [("2026-01", 0, 0, 0, 0), ("2026-02", 0, 0, 0, 0)]


def test_bad_requests_are_refused(data: Path) -> None:
    with pytest.raises(AnalyticsError, match="unknown category 'pirate'"):
        archive_presence(data, ZONE, "month", "pirate")
    t = datetime(2026, 1, 1, tzinfo=UTC)
    with pytest.raises(AnalyticsError, match="must be before --until"):
        archive_presence(data, ZONE, "month", since=t, until=t)
