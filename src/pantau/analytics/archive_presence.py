"""Presence over a data directory: the positions archive and the store feed the pure
count in :mod:`pantau.analytics.presence`.

DuckDB reduces the archive to one row per (UTC day, vessel) inside the zone, plus one
row per day with any data, before anything reaches Python: memory follows the zone's
traffic, not the size of the archive.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from pantau.analytics.errors import AnalyticsError
from pantau.analytics.presence import Period, PresenceRule, presence
from pantau.pipeline.config import load_zoneset
from pantau.store.archive import PositionArchive
from pantau.store.base import Store
from pantau.store.embedded import EmbeddedStore
from pantau.zones import ZoneSet

OBSERVATIONS = pa.schema([("day", pa.date32()), ("mmsi", pa.int64()),
                          ("inside", pa.bool_())])

_ONE_US = timedelta(microseconds=1)
_SOURCE = "read_parquet(?, hive_partitioning = true, hive_types = {'day': VARCHAR})"


@dataclass(frozen=True)
class ArchivePresence:
    rule: PresenceRule
    periods: pa.Table  # PRESENCE schema, one row per period of the range
    total: pa.Table  # PRESENCE schema, one row for the whole range (empty with periods)
    archive_empty: bool  # no position archived at all, in any range


def archive_presence(data_dir: str | Path, zone: str, by: Period,
                     category: str | None = None, since: datetime | None = None,
                     until: datetime | None = None) -> ArchivePresence:
    """Presence of ``category`` (None: every vessel) in ``zone`` per ``by`` period, over
    positions received in [since, until); without bounds, over the days with data."""
    if since is not None and until is not None and since >= until:
        raise AnalyticsError(f"--since ({since.isoformat()}) must be before --until "
                             f"({until.isoformat()})")
    archive = PositionArchive(data_dir)
    rule = PresenceRule(zone, category)  # refuses an unknown category before any scan
    with EmbeddedStore(data_dir, read_only=True) as store:
        rule = replace(rule, zone_digest=zone_digest(zone, load_zoneset(store), archive))
        vessels = _vessels(store, category)
    rows = observations(archive, zone, since, until)
    first = since.astimezone(UTC).date() if since is not None else None
    last = (until - _ONE_US).astimezone(UTC).date() if until is not None else None
    return ArchivePresence(
        rule, presence(rows, rule, by, vessels, first, last),
        presence(rows, rule, "total", vessels, first, last), not archive.files())


def zone_digest(name: str, zones: ZoneSet, archive: PositionArchive) -> str | None:
    """The digest of the zone in use with this name; None for a zone known only from the
    archive's labels (zones in use have changed since). Unknown names are refused."""
    if name in zones:
        return zones[name].digest()
    seen = zone_names_seen(archive)
    if name in seen:
        return None
    also = [n for n in seen if n not in zones]
    known = ", ".join(zones.names) + (f"; seen in the archive: {', '.join(also)}"
                                      if also else "")
    raise AnalyticsError(f"unknown zone {name!r} (zones in use: {known})")


def zone_names_seen(archive: PositionArchive) -> list[str]:
    """Every zone name positions in the archive were labelled with."""
    if not archive.files():
        return []
    sql = (f"SELECT DISTINCT unnest(zones) AS zone FROM {_SOURCE} "
           "WHERE len(zones) > 0 ORDER BY zone")
    table = _run(sql, [_glob(archive)])
    return [str(v) for v in table["zone"].to_pylist()]


def observations(archive: PositionArchive, zone: str, since: datetime | None,
                 until: datetime | None) -> pa.Table:
    """(day, mmsi, inside): a row per UTC day and vessel with a position inside ``zone``,
    and a row (day, null, false) per day with any position, in [since, until)."""
    if not archive.files():
        return OBSERVATIONS.empty_table()
    where, params = _bounds(since, until)
    # the hive column `day` (text) prunes whole files; `utc_day` is computed from the time.
    # NOT MATERIALIZED: a materialised CTE would hold every row's zone list in memory;
    # inlined, each branch streams its own scan and keeps only its grouped result
    sql = f"""
        WITH p AS NOT MATERIALIZED (
            SELECT CAST(received_at AS DATE) AS utc_day, mmsi, zones FROM {_SOURCE} {where}
        )
        SELECT utc_day AS day, mmsi, true AS inside FROM p
        WHERE list_contains(zones, ?) GROUP BY utc_day, mmsi
        UNION ALL
        SELECT DISTINCT utc_day AS day, CAST(NULL AS BIGINT) AS mmsi, false AS inside FROM p
    """
    table = _run(sql, [_glob(archive), *params, zone])
    return table.cast(OBSERVATIONS)


def _glob(archive: PositionArchive) -> str:
    return str(archive.root / "day=*" / "*.parquet")


def _bounds(since: datetime | None, until: datetime | None) -> tuple[str, list[object]]:
    where: list[str] = []
    params: list[object] = []
    if since is not None:
        where += ["day >= ?", "received_at >= ?"]
        params += [_day(since).isoformat(), since]
    if until is not None:
        where += ["day <= ?", "received_at < ?"]
        params += [_day(until).isoformat(), until]
    return ("WHERE " + " AND ".join(where) if where else ""), params


def _day(t: datetime) -> date:
    return t.astimezone(UTC).date()


def _run(sql: str, params: list[object]) -> pa.Table:
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")  # CAST(received_at AS DATE) is a UTC day
        return con.sql(sql, params=params).to_arrow_table()
    finally:
        con.close()


def _vessels(store: Store, category: str | None) -> pa.Table | None:
    if category is None:
        return None
    return store.select("vessels", {"category": category}).select(["mmsi", "category"])
