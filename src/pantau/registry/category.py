"""Vessel category: the analysts' watchlist first, then the vessel's own AIS ship type.

The category drives presence statistics and sharing rules (own assets are never shared
unless an agreement says so), so each answer carries its basis: ``watchlist`` (an analyst
said so), ``ship_type`` (the vessel says so in its AIS static data, which anyone can set)
or ``default`` (nothing known: ``other``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import pyarrow as pa

from pantau.registry._arrays import IntColumn, int64_and_mask
from pantau.registry.errors import RegistryError
from pantau.registry.schema import CATEGORIES, CATEGORY_BASES
from pantau.registry.watchlist import WatchlistResult

#: AIS ship and cargo type codes that hint at a category when no watchlist entry exists
#: (ITU-R M.1371-5, Annex 8, Table 53: 30 fishing, 35 military operations, 55 law
#: enforcement). AIS has no code for survey ships or coast guards beyond 55; those come
#: from the watchlist (DESIGN.md).
SHIP_TYPE_HINTS: Mapping[int, str] = MappingProxyType(
    {30: "fishing", 35: "navy", 55: "law_enforcement"})

DEFAULT_CATEGORY = "other"
_BASES = pa.array(CATEGORY_BASES, pa.string())


def categorise(mmsi: IntColumn, ship_type: IntColumn,
               watchlist: pa.Table | WatchlistResult | None = None,
               hints: Mapping[int, str] = SHIP_TYPE_HINTS) -> pa.Table:
    """Category of each vessel, row by row: a table with ``category`` and
    ``category_basis`` (string columns, as long as the inputs).

    Precedence: the watchlist entry for the MMSI, else ``hints[ship_type]``, else
    ``other``. ``watchlist`` is a table with ``mmsi`` and ``category`` columns (as
    :func:`~pantau.registry.watchlist.parse_watchlist` returns); if an MMSI appears more
    than once, its first row counts.
    """
    m, m_ok = int64_and_mask(mmsi, "mmsi")
    st, st_ok = int64_and_mask(ship_type, "ship_type")
    if len(m) != len(st):
        raise RegistryError(f"mmsi and ship_type differ in length ({len(m)} != {len(st)})")
    code_of = {c: i for i, c in enumerate(CATEGORIES)}
    codes = np.full(len(m), code_of[DEFAULT_CATEGORY], np.int32)
    basis = np.full(len(m), CATEGORY_BASES.index("default"), np.int32)

    for type_code, category in hints.items():
        hit = st_ok & (st == type_code)
        codes[hit] = code_of.setdefault(category, len(code_of))
        basis[hit] = CATEGORY_BASES.index("ship_type")

    wl = watchlist.table if isinstance(watchlist, WatchlistResult) else watchlist
    if wl is not None and wl.num_rows:
        for col in ("mmsi", "category"):
            if col not in wl.column_names:
                raise RegistryError(f"the watchlist table has no {col!r} column")
        wl_m, wl_ok = int64_and_mask(wl.column("mmsi"), "watchlist mmsi")
        wl_cat = wl.column("category").to_pylist()
        keys, first = np.unique(wl_m[wl_ok], return_index=True)
        wl_codes = np.array([code_of.setdefault(str(c), len(code_of))
                             for c in np.asarray(wl_cat, dtype=object)[wl_ok][first]],
                            np.int32)
        if len(keys):
            pos = np.minimum(np.searchsorted(keys, m), len(keys) - 1)
            hit = m_ok & (keys[pos] == m)
            codes[hit] = wl_codes[pos[hit]]
            basis[hit] = CATEGORY_BASES.index("watchlist")

    names = sorted(code_of, key=code_of.__getitem__)
    return pa.table({
        "category": pa.array(names, pa.string()).take(pa.array(codes)),
        "category_basis": _BASES.take(pa.array(basis)),
    })
