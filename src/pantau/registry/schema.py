"""Schemas of the registry's tables: vessels, identity history, watchlist and its rejects.

Kept next to the code that builds them until they join :mod:`pantau.schema`; the columns,
types and units here are the contract.
"""

from __future__ import annotations

import pyarrow as pa

from pantau.schema import UTC_TS, Column

#: Vessel categories of the watchlist file format (DESIGN.md, "Watchlist file").
CATEGORIES: tuple[str, ...] = (
    "coast_guard", "maritime_militia", "navy", "law_enforcement", "survey", "fishing",
    "own_asset", "other",
)

#: Why a vessel got its category: a watchlist entry beats an AIS ship-type hint.
CATEGORY_BASES: tuple[str, ...] = ("watchlist", "ship_type", "default")

#: What :func:`pantau.registry.mmsi.mmsi_kind` can answer.
MMSI_KINDS: tuple[str, ...] = (
    "ship", "coast_station", "group", "sar_aircraft", "aid_to_navigation", "auxiliary_craft",
    "sart_mob_epirb", "diver", "invalid",
)

#: Fields whose change is an identity change worth a history row.
TRACKED_FIELDS: tuple[str, ...] = ("shipname", "callsign", "imo", "ship_type")


def _schema(columns: tuple[Column, ...]) -> pa.Schema:
    return pa.schema([pa.field(c.name, c.type, metadata={"doc": c.doc}) for c in columns])


VESSEL_COLUMNS = (
    Column("mmsi", pa.int64(), "Maritime Mobile Service Identity"),
    Column("shipname", pa.string(), "latest known vessel name"),
    Column("callsign", pa.string(), "latest known call sign"),
    Column("imo", pa.int64(), "latest known IMO number"),
    Column("ship_type", pa.uint8(), "latest known AIS ship and cargo type code"),
    Column("length_m", pa.uint16(), "to_bow + to_stern, metres; null when both are 0 or null"),
    Column("beam_m", pa.uint16(), "to_port + to_starboard, metres; null when both are 0 or null"),
    Column("flag", pa.string(), "ISO 3166 alpha-2 code of the MMSI's MID; null if none"),
    Column("mmsi_kind", pa.string(), "kind of station by MMSI format (ITU-R M.585)"),
    Column("first_seen", UTC_TS, "earliest received_at of a static report; null if none had one"),
    Column("last_seen", UTC_TS, "latest received_at of a static report; null if none had one"),
    Column("n_static_reports", pa.int64(), "static reports merged (type 5, 19, 24 A and B)"),
    Column("category", pa.string(), "vessel category (watchlist categories)"),
    Column("category_basis", pa.string(), "why: watchlist, ship_type or default"),
)

HISTORY_COLUMNS = (
    Column("mmsi", pa.int64(), "Maritime Mobile Service Identity"),
    Column("field", pa.string(), "shipname, callsign, imo or ship_type"),
    Column("old_value", pa.string(), "value before the change, as text"),
    Column("new_value", pa.string(), "value after the change, as text"),
    Column("changed_at", UTC_TS, "received_at of the report that changed it; null if unknown"),
)

WATCHLIST_COLUMNS = (
    Column("mmsi", pa.int64(), "Maritime Mobile Service Identity"),
    Column("category", pa.string(), "one of CATEGORIES"),
    Column("name", pa.string(), "analyst's name for the vessel; null when empty"),
)

WATCHLIST_REJECT_COLUMNS = (
    Column("line", pa.int64(), "1-based line number in the watchlist file"),
    Column("reason", pa.string(), "reject code (see pantau.registry.watchlist.REASONS)"),
    Column("detail", pa.string(), "what exactly was wrong, for the analyst"),
    Column("raw", pa.string(), "the line as written"),
)

VESSELS = _schema(VESSEL_COLUMNS)
IDENTITY_HISTORY = _schema(HISTORY_COLUMNS)
WATCHLIST = _schema(WATCHLIST_COLUMNS)
WATCHLIST_REJECTS = _schema(WATCHLIST_REJECT_COLUMNS)
