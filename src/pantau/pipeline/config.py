"""Zones and watchlist: given once to `pantau ingest`, kept in the store by name and
version, and used by every later command on the same data directory."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from pantau.errors import InputError, read_input
from pantau.pipeline.enrich import Geography
from pantau.registry import parse_watchlist
from pantau.registry.watchlist import WatchlistResult
from pantau.store.base import Store
from pantau.zones import PortIndex, ZoneIndex, ZoneSet, dump_zones, load_zones, parse_zones
from pantau.zones import defaults as zone_defaults

ACTIVE = "active"  # config kind of the pointers to the zones and watchlist in use
REFERENCE = "reference"


def _read(path: str | Path) -> str:
    try:
        return read_input(path).decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 text (byte {e.start})") from None


def use_zones(store: Store, path: str | Path | None) -> tuple[str, int]:
    """Keep the zones file (validated) under its file name; returns (name, version).
    Without a file: the zones in use, else the shipped reference zones."""
    if path is None:
        name = store.get_config(ACTIVE, "zones")
        if name is not None:
            versions = store.select("configs", {"kind": "zones", "name": name},
                                    order_by="version desc", limit=1)
            return name, int(versions["version"][0].as_py())
        name, text = REFERENCE, json.dumps(dump_zones(zone_defaults.reference_zones()))
    else:
        load_zones(path)  # a bad file is refused here, naming the feature at fault
        text = _read(path)
        name = Path(path).stem
    version = store.put_config("zones", name, text)
    store.put_config(ACTIVE, "zones", name)
    return name, version


def load_zoneset(store: Store) -> ZoneSet:
    name = store.get_config(ACTIVE, "zones")
    text = store.get_config("zones", name) if name else None
    if text is None:
        return zone_defaults.reference_zones()
    return parse_zones(json.loads(text))


def use_watchlist(store: Store, path: str | Path | None) -> WatchlistResult | None:
    """Keep the watchlist under its file name; rows that do not parse are returned as
    rejects (with line numbers) and the rest kept."""
    if path is None:
        name = store.get_config(ACTIVE, "watchlist")
        text = store.get_config("watchlist", name) if name else None
        return None if text is None else parse_watchlist(text)
    text = _read(path)
    result = parse_watchlist(text)
    name = Path(path).stem
    store.put_config("watchlist", name, text)
    store.put_config(ACTIVE, "watchlist", name)
    return result


def geography(zones: ZoneSet, cache_dir: Path) -> Geography:
    ports = PortIndex.from_zones(zones)
    if not len(ports):
        ports = zone_defaults.port_index()
    return Geography(ZoneIndex.build(zones), zone_defaults.distance_grid(cache_dir), ports)


def watchlist_table(result: WatchlistResult | None) -> pa.Table | None:
    return None if result is None else result.table
