"""The registry's vocabulary; its tables' columns live in :mod:`pantau.schema`."""

from __future__ import annotations

from pantau.schema import (
    HISTORY_COLUMNS,
    IDENTITY_HISTORY,
    VESSEL_COLUMNS,
    WATCHLIST,
    WATCHLIST_COLUMNS,
    WATCHLIST_REJECT_COLUMNS,
    WATCHLIST_REJECTS,
)
from pantau.schema import REGISTRY_VESSELS as VESSELS

__all__ = [
    "CATEGORIES", "CATEGORY_BASES", "HISTORY_COLUMNS", "IDENTITY_HISTORY", "MMSI_KINDS",
    "TRACKED_FIELDS", "VESSELS", "VESSEL_COLUMNS", "WATCHLIST", "WATCHLIST_COLUMNS",
    "WATCHLIST_REJECTS", "WATCHLIST_REJECT_COLUMNS",
]

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
