"""The vessel registry: what an MMSI says, who is on the watchlist, and each vessel's
identity merged from its static reports over time.

>>> from pantau.registry import flag_of, mmsi_kind
>>> flag_of([533123456, 5331234, 412000001]).to_pylist()
['MY', 'MY', 'CN']
>>> mmsi_kind([533123456, 5331234, 995331234]).to_pylist()
['ship', 'coast_station', 'aid_to_navigation']
"""

from pantau.registry.category import SHIP_TYPE_HINTS, categorise
from pantau.registry.errors import RegistryError, WatchlistError
from pantau.registry.identity import MergeResult, VesselState, merge_statics
from pantau.registry.mmsi import flag_of, mid_of, mid_table, mmsi_kind
from pantau.registry.schema import (
    CATEGORIES,
    CATEGORY_BASES,
    IDENTITY_HISTORY,
    MMSI_KINDS,
    VESSELS,
    WATCHLIST,
    WATCHLIST_REJECTS,
)
from pantau.registry.watchlist import WatchlistResult, load_watchlist, parse_watchlist

__all__ = [
    "CATEGORIES",
    "CATEGORY_BASES",
    "IDENTITY_HISTORY",
    "MMSI_KINDS",
    "SHIP_TYPE_HINTS",
    "VESSELS",
    "WATCHLIST",
    "WATCHLIST_REJECTS",
    "MergeResult",
    "RegistryError",
    "VesselState",
    "WatchlistError",
    "WatchlistResult",
    "categorise",
    "flag_of",
    "load_watchlist",
    "merge_statics",
    "mid_of",
    "mid_table",
    "mmsi_kind",
    "parse_watchlist",
]
