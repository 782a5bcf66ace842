"""What every release format shares: the release's rows, checked, normalised, in a stable order.

A format must never invent, drop or reorder data differently from another, so the checks and
the ordering live here once. Rows come out as plain dicts; timestamps as integer microseconds
since the epoch (UTC), which each format writes with :func:`iso`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa

from pantau.detect.events import iso_us
from pantau.errors import PantauError
from pantau.schema import RELEASE_TABLES
from pantau.share.model import AFFILIATIONS
from pantau.share.release import Release
from pantau.share.tlp import TLP_LEVELS, TlpError, strictest, tlp_rank

Row = dict[str, Any]

#: The value of the ``record_type`` field for a row of each release table.
RECORD_TYPES: dict[str, str] = {"tracks": "track", "vessels": "vessel", "events": "event",
                                "alerts": "alert", "incidents": "incident"}
#: Tables whose rows carry a TLP label (the vessels table describes, it is not a record).
LABELLED: tuple[str, ...] = ("tracks", "events", "alerts", "incidents")

#: Each record table's id column: never null, never repeated within a release.
ID_COLUMNS: dict[str, str] = {"events": "event_id", "alerts": "alert_id",
                              "incidents": "incident_id"}

TIME_COLUMNS: dict[str, frozenset[str]] = {
    name: frozenset(f.name for f in schema if pa.types.is_timestamp(f.type))
    for name, schema in RELEASE_TABLES.items()
}
_FLOAT_COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(f.name for f in schema if pa.types.is_floating(f.type))
    for name, schema in RELEASE_TABLES.items()
}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# XML 1.0 cannot carry these code points at all, not even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class FormatError(PantauError):
    """A release cannot be rendered: a row breaks the release contract."""


def iso(t_us: int | None) -> str | None:
    """ISO 8601 UTC with a Z (microseconds only when there are any), None stays None."""
    return None if t_us is None else iso_us(t_us)


def to_us(t: datetime, what: str) -> int:
    if t.tzinfo is None or t.utcoffset() is None:
        raise FormatError(f"{what} must be a timezone-aware UTC datetime, got {t.isoformat()}")
    return (t - _EPOCH) // timedelta(microseconds=1)


def xml_safe(text: str) -> str:
    """``text`` with the code points XML 1.0 forbids (NUL, most C0 controls) replaced by
    U+FFFD; escaping is the XML writer's job."""
    return _NOT_XML.sub("\ufffd", text)


def identity(mmsi: int | None, vessel: Row | None) -> str:
    """What a person calls the vessel: its name, else its call sign, else its MMSI."""
    if vessel is not None:
        for key in ("shipname", "callsign"):
            value = vessel.get(key)
            if isinstance(value, str) and value.strip():
                return value
    return f"MMSI {mmsi}" if mmsi is not None else "unknown vessel"


def label(name: str, row: Row) -> str:
    """How an error message names a row."""
    if name in ("tracks", "vessels"):
        where = f" at {iso(row.get('t'))}" if name == "tracks" else ""
        return f"{name} row for mmsi {row.get('mmsi')}{where}"
    return f"{RECORD_TYPES[name]} {row.get(ID_COLUMNS[name])!r}"


def _sort_key(keys: tuple[str, ...]) -> Callable[[Row], tuple[Any, ...]]:
    # (is-null, value) pairs: nulls sort last and never meet a value in a comparison
    def key(row: Row) -> tuple[Any, ...]:
        return tuple((row[k] is None, 0 if row[k] is None else row[k]) for k in keys)
    return key


_SORT_KEYS: dict[str, tuple[str, ...]] = {
    "tracks": ("mmsi", "t", "record_hash"),
    "events": ("start", "event_id", "record_hash"),
    "alerts": ("start", "alert_id", "record_hash"),
    "incidents": ("created_at", "incident_id", "record_hash"),
}


@dataclass(frozen=True)
class Records:
    """A release's rows, checked and sorted: tracks by vessel then time, events and alerts
    by start then id, incidents by creation then id; vessels by MMSI."""

    tracks: list[Row]
    vessels: dict[int, Row]
    events: list[Row]
    alerts: list[Row]
    incidents: list[Row]

    def table(self, name: str) -> list[Row]:
        if name == "vessels":
            return list(self.vessels.values())
        rows: list[Row] = getattr(self, name)
        return rows

    def tracks_by_vessel(self) -> list[tuple[int, list[Row]]]:
        """Each vessel's positions, oldest first, vessels by MMSI."""
        grouped: dict[int, list[Row]] = {}
        for row in self.tracks:
            grouped.setdefault(row["mmsi"], []).append(row)
        return list(grouped.items())

    def vessel(self, mmsi: int | None) -> Row | None:
        return None if mmsi is None else self.vessels.get(mmsi)

    def count(self) -> int:
        return sum(len(self.table(name)) for name in RELEASE_TABLES)


def located(row: Row) -> bool:
    return row.get("lat") is not None and row.get("lon") is not None


def _table_rows(release: Release, name: str) -> list[Row]:
    schema = RELEASE_TABLES[name]
    table = release.table(name)
    missing = [n for n in schema.names if n not in table.column_names]
    if missing:
        raise FormatError(f"release table {name!r} lacks column(s) {', '.join(missing)}")
    try:
        table = table.select(schema.names).cast(schema)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
        raise FormatError(f"release table {name!r} does not match its schema: {e}") from None
    for col in TIME_COLUMNS[name]:
        i = table.schema.get_field_index(col)
        table = table.set_column(i, col, table.column(col).cast(pa.int64()))
    rows: list[Row] = table.to_pylist()
    return rows


def _check_row(name: str, row: Row) -> None:
    for col in _FLOAT_COLUMNS[name]:
        value = row[col]
        if value is not None and not math.isfinite(value):
            raise FormatError(f"{label(name, row)}: {col} is {value}, not a finite number")
    lat, lon = row.get("lat"), row.get("lon")
    if lat is not None and not -90.0 <= lat <= 90.0:
        raise FormatError(f"{label(name, row)}: latitude {lat} is outside -90..90")
    if lon is not None and not -180.0 <= lon <= 180.0:
        raise FormatError(f"{label(name, row)}: longitude {lon} is outside -180..180")
    if name in LABELLED:
        tlp = row.get("tlp")
        if tlp is None:
            raise FormatError(f"{label(name, row)} has no TLP label; nothing unmarked is "
                              "released")
        try:
            row["tlp"] = TLP_LEVELS[tlp_rank(tlp)]
        except TlpError as e:
            raise FormatError(f"{label(name, row)}: {e}") from None
    if name in ID_COLUMNS and row.get(ID_COLUMNS[name]) is None:
        raise FormatError(f"{name} row without {ID_COLUMNS[name]}: every record needs its id")
    if name in ("tracks", "vessels") and row.get("mmsi") is None:
        raise FormatError(f"a {name} row has no mmsi")
    if name == "tracks" and row.get("t") is None:
        raise FormatError(f"{label(name, row)} has no time")
    if name == "vessels":
        affiliation = row.get("affiliation")
        if affiliation is not None and affiliation not in AFFILIATIONS:
            raise FormatError(f"{label(name, row)}: affiliation {affiliation!r} is not one "
                              f"of {', '.join(AFFILIATIONS)}")


def _unique(name: str, keys: list[Any]) -> None:
    seen: set[Any] = set()
    for key in keys:
        if key in seen:
            column = ID_COLUMNS.get(name, "mmsi")
            raise FormatError(f"the {name} table has more than one row with {column} {key!r}")
        seen.add(key)


def records(release: Release) -> Records:
    """The release's rows, checked against the release contract (FormatError if not)."""
    to_us(release.released_at, "released_at")
    tables: dict[str, list[Row]] = {}
    for name in RELEASE_TABLES:
        rows = _table_rows(release, name)
        for row in rows:
            _check_row(name, row)
        rows.sort(key=_sort_key(_SORT_KEYS.get(name, ("mmsi",))))
        if name in ID_COLUMNS:
            _unique(name, [row[ID_COLUMNS[name]] for row in rows])
        tables[name] = rows
    _unique("vessels", [row["mmsi"] for row in tables["vessels"]])
    vessels = {row["mmsi"]: row for row in tables["vessels"]}
    return Records(tracks=tables["tracks"], vessels=vessels, events=tables["events"],
                   alerts=tables["alerts"], incidents=tables["incidents"])


def strictest_tlp(rows: Iterable[Row], default: str = "clear") -> str:
    return strictest((r["tlp"] for r in rows), default=default)


def meta(release: Release) -> Row:
    """What every output says about the release itself."""
    return {
        "agreement_id": release.agreement.agreement_id,
        "agreement_version": release.agreement.version,
        "policy_version": release.policy_version,
        "released_at": iso(to_us(release.released_at, "released_at")),
        "releasable_to": list(release.releasable_to),
        "since": iso(to_us(release.since, "since")) if release.since else None,
        "until": iso(to_us(release.until, "until")) if release.until else None,
    }


def plain(name: str, row: Row) -> Row:
    """``row`` with its timestamps as ISO strings, for text formats."""
    times = TIME_COLUMNS[name]
    return {k: iso(v) if k in times else v for k, v in row.items()}
