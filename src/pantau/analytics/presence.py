"""Presence of a vessel category in a zone: days present, ship-days, distinct vessels.

This is the count analysts publish for contested waters (AMTI's series for Luconia
Shoals): a UTC calendar day counts as present when at least one vessel of the category
reported a position inside the zone; ship-days add up, day by day, the distinct vessels
seen inside. pantau states the rule with every figure and versions it (:data:`RULE_VERSION`),
so a published number can be traced to the polygon and the rule it was computed with.

Pure: an Arrow table of observations in, an Arrow table of periods out.

Observations have ``mmsi`` (int64; null for a row that only says the day has data),
the time as ``day`` (date32) or ``received_at`` (timezone-aware timestamp), and zone
membership as ``inside`` (bool) or ``zones`` (list<string>, as in the archive). Raw
positions will do; so will rows already reduced to one per (day, mmsi), which is what
:mod:`pantau.analytics.archive_presence` sends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from pantau.analytics.errors import AnalyticsError
from pantau.registry import CATEGORIES
from pantau.schema import Column

RULE_VERSION = "presence/1"

Period = Literal["day", "month", "total"]
PERIODS: tuple[str, ...] = get_args(Period)

_TICKS_PER_DAY = {"s": 86_400, "ms": 86_400_000, "us": 86_400_000_000,
                  "ns": 86_400_000_000_000}
_EPOCH = date(1970, 1, 1)

I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

PRESENCE_COLUMNS = (
    Column("period", pa.string(),
           "UTC day (YYYY-MM-DD), month (YYYY-MM), or first/last day for the whole range"),
    Column("days_present", pa.int64(),
           "UTC calendar days of the period with at least one vessel of the category "
           "inside the zone"),
    Column("ship_days", pa.int64(),
           "sum over the period's days of the distinct vessels of the category inside the "
           "zone that day"),
    Column("vessels", pa.int64(), "distinct vessels of the category inside the zone"),
    Column("days_with_data", pa.int64(),
           "days of the period with at least one position of any vessel, anywhere: a zero "
           "presence means something only on a day with data"),
)
PRESENCE = pa.schema([pa.field(c.name, c.type, metadata={"doc": c.doc})
                      for c in PRESENCE_COLUMNS])


@dataclass(frozen=True)
class PresenceRule:
    """What counts as presence, stated in words and versioned.

    ``zone_digest`` is :meth:`pantau.zones.Zone.digest` of the polygon the positions were
    labelled with, when known; ``category`` None means every vessel.
    """

    zone: str
    category: str | None = None
    zone_digest: str | None = None
    version: str = RULE_VERSION

    def __post_init__(self) -> None:
        if not self.zone.strip():
            raise AnalyticsError("a presence rule needs a zone name")
        if self.category is not None and self.category not in CATEGORIES:
            raise AnalyticsError(f"unknown category {self.category!r} "
                                 f"(one of {', '.join(CATEGORIES)})")

    @property
    def who(self) -> str:
        return "all vessels" if self.category is None else self.category

    def statement(self) -> str:
        vessel = ("any vessel" if self.category is None else
                  f"a vessel of category {self.category} (its category in the registry now)")
        polygon = (f"polygon digest sha256:{self.zone_digest}" if self.zone_digest
                   else "polygon digest unknown")
        return (f"a day (UTC calendar day) counts when at least one position of {vessel} "
                f"lies inside zone {self.zone!r} ({polygon}); ship-days add up the "
                "distinct such vessels of each day")

    def metadata(self) -> dict[str, str]:
        """Schema metadata that travels with a result table."""
        return {"rule_version": self.version, "rule": self.statement(), "zone": self.zone,
                "category": self.category or "", "zone_digest": self.zone_digest or ""}


def inside_zone(zones: pa.Array | pa.ChunkedArray, zone: str) -> Bools:
    """Whether each row's list of zone names holds ``zone`` (a null list: not inside)."""
    lists = zones.combine_chunks() if isinstance(zones, pa.ChunkedArray) else zones
    if not (pa.types.is_list(lists.type) or pa.types.is_large_list(lists.type)):
        raise AnalyticsError(f"zones must be a list of zone names, not {lists.type}")
    out = np.zeros(len(lists), np.bool_)
    hits = pc.fill_null(pc.equal(pc.list_flatten(lists), zone), False).to_numpy(
        zero_copy_only=False)
    parents = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
    out[parents[hits]] = True
    return out


def presence(observations: pa.Table, rule: PresenceRule, by: Period,
             vessels: pa.Table | None = None, first_day: date | None = None,
             last_day: date | None = None) -> pa.Table:
    """One row per period from ``first_day`` to ``last_day`` (both included; each
    defaults to the first or last day with data), periods without presence included.

    ``vessels`` (``mmsi``, ``category``, as the registry has them) is needed when the
    rule names a category; a vessel missing from it is not of that category. The result
    has the :data:`PRESENCE` schema, with the rule in its metadata.
    """
    if by not in PERIODS:
        raise AnalyticsError(f"unknown period {by!r} (one of {', '.join(PERIODS)})")
    days = _days(observations)
    counted = _inside(observations, rule.zone) & _of_category(observations, rule, vessels)
    covered = np.unique(days)
    first = _ordinal(first_day) if first_day is not None else _min(covered)
    last = _ordinal(last_day) if last_day is not None else _max(covered)
    schema = PRESENCE.with_metadata(rule.metadata())
    if first is None or last is None or first > last:
        return schema.empty_table()
    # nulls are never counted (see _inside); filling them keeps the array int64
    mmsi = pc.fill_null(observations["mmsi"], 0).to_numpy(zero_copy_only=False)
    pairs = _distinct_pairs(days[counted], mmsi[counted].astype(np.int64))
    pairs = pairs[(pairs[:, 0] >= first) & (pairs[:, 0] <= last)]
    covered = covered[(covered >= first) & (covered <= last)]
    keys, labels = _periods(first, last, by)
    key0 = int(keys[0])

    def per_period(values: I64) -> I64:
        return np.bincount(values - key0, minlength=len(keys)).astype(np.int64)

    pair_keys = _key(pairs[:, 0], by)
    vessel_keys = _distinct_pairs(pair_keys, pairs[:, 1])[:, 0]
    columns = [
        pa.array(labels, pa.string()),
        per_period(_key(np.unique(pairs[:, 0]), by)),
        per_period(pair_keys),
        per_period(vessel_keys),
        per_period(_key(covered, by)),
    ]
    if by == "total":
        columns[0] = pa.array([f"{_iso(first)}/{_iso(last)}"], pa.string())
    return pa.Table.from_arrays(columns, schema=schema)


# -- inputs -------------------------------------------------------------------------------

def _days(table: pa.Table) -> I64:
    """UTC day of each row, as days since 1970-01-01."""
    if "day" in table.column_names:
        col = table["day"]
        if not pa.types.is_date32(col.type):
            raise AnalyticsError(f"observations: day must be date32, not {col.type}")
        _no_nulls(col, "day")
        return np.asarray(pc.cast(col, pa.int32()).to_numpy(zero_copy_only=False), np.int64)
    if "received_at" in table.column_names:
        col = table["received_at"]
        if not pa.types.is_timestamp(col.type) or col.type.tz is None:
            raise AnalyticsError("observations: received_at must be a timezone-aware "
                                 f"timestamp (UTC), not {col.type}")
        _no_nulls(col, "received_at")
        ticks = pc.cast(col, pa.int64()).to_numpy(zero_copy_only=False)
        return np.asarray(ticks, np.int64) // _TICKS_PER_DAY[col.type.unit]
    raise AnalyticsError("observations need a day (date32) or received_at column")


def _no_nulls(col: pa.ChunkedArray, name: str) -> None:
    if col.null_count:
        raise AnalyticsError(f"observations: {col.null_count} row(s) have no {name}")


def _inside(table: pa.Table, zone: str) -> Bools:
    if "mmsi" not in table.column_names:
        raise AnalyticsError("observations need an mmsi column")
    if "inside" in table.column_names:
        flag = pc.fill_null(pc.cast(table["inside"], pa.bool_()), False)
        inside = np.asarray(flag.to_numpy(zero_copy_only=False), np.bool_)
    elif "zones" in table.column_names:
        inside = inside_zone(table["zones"], zone)
    else:
        raise AnalyticsError("observations need an inside (bool) or zones (list) column")
    return inside & np.asarray(table["mmsi"].is_valid().to_numpy(zero_copy_only=False),
                               np.bool_)


def _of_category(table: pa.Table, rule: PresenceRule, vessels: pa.Table | None) -> Bools:
    if rule.category is None:
        return np.ones(table.num_rows, np.bool_)
    if vessels is None or not {"mmsi", "category"} <= set(vessels.column_names):
        raise AnalyticsError(f"presence of category {rule.category} needs the vessels "
                             "table (mmsi, category)")
    members = vessels.filter(pc.equal(vessels["category"], rule.category))["mmsi"]
    found = pc.is_in(table["mmsi"], value_set=members.combine_chunks())
    return np.asarray(pc.fill_null(found, False).to_numpy(zero_copy_only=False), np.bool_)


# -- periods ------------------------------------------------------------------------------

def _distinct_pairs(a: I64, b: I64) -> I64:
    """Distinct (a, b) rows as an (n, 2) array, sorted."""
    if len(a) == 0:
        return np.zeros((0, 2), np.int64)
    return np.unique(np.column_stack([a, b]), axis=0)


def _key(days: I64, by: Period) -> I64:
    if by == "day":
        return days
    if by == "month":
        return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return np.zeros(len(days), np.int64)


def _periods(first: int, last: int, by: Period) -> tuple[I64, list[str]]:
    """Every period key from the one holding ``first`` to the one holding ``last``."""
    bounds = _key(np.array([first, last], np.int64), by)
    keys = np.arange(bounds[0], bounds[1] + 1, dtype=np.int64)
    unit = {"day": "datetime64[D]", "month": "datetime64[M]"}.get(by)
    labels = [str(k) for k in keys.astype(unit)] if unit else [""]
    return keys, labels


def _ordinal(d: date) -> int:
    return (d - _EPOCH).days


def _iso(day: int) -> str:
    return str(np.datetime64(day, "D"))


def _min(values: I64) -> int | None:
    return int(values[0]) if len(values) else None


def _max(values: I64) -> int | None:
    return int(values[-1]) if len(values) else None
