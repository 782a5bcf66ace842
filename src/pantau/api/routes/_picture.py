"""The current picture ready to answer `/api/vessels`: every vessel's identity and last
position as one table, each vessel's JSON encoded once, and a filter that picks rows with
numpy. A map view asks for it with a new box on every pan; building dicts of Arrow rows
and encoding them anew each time cost more than everything else in such a request.

A picture is kept while the registry's rows and the archive's files stay the same (the
registry is compared, not trusted by age: a store written by `pantau ingest` between two
requests gives a new picture on the next).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pydantic_core

from pantau.api.params import BBox


@dataclass(frozen=True)
class Filters:
    category: str | None = None
    flag: str | None = None
    zone: str | None = None
    box: BBox | None = None


class Picture:
    def __init__(self, identity: pa.Table, last: pa.Table):
        self.identity = identity
        self.last = last
        self.table = with_last_position(identity, last)
        self._lon = _floats(self.table["lon"])
        self._lat = _floats(self.table["lat"])
        self.items = [pydantic_core.to_json(r) for r in _json_rows(self.table)]

    def select(self, f: Filters) -> np.ndarray:
        """Row numbers (in MMSI order) of the vessels that pass every filter."""
        keep = np.ones(self.table.num_rows, dtype=bool)
        if f.category is not None:
            keep &= _equal(self.table["category"], f.category)
        if f.flag is not None:
            keep &= _equal(self.table["flag"], f.flag)
        if f.box is not None:
            lon0, lat0, lon1, lat1 = f.box
            # NaN (no position yet) compares false: such vessels are in no box
            keep &= (self._lon >= lon0) & (self._lon <= lon1)
            keep &= (self._lat >= lat0) & (self._lat <= lat1)
        if f.zone is not None:
            keep &= in_zone(self.table["zones"], f.zone)
        return np.flatnonzero(keep)

    def page(self, rows: np.ndarray, limit: int, offset: int) -> bytes:
        """The answer's JSON: ``total, limit, offset, items``."""
        chosen = rows[offset:offset + limit].tolist()
        items = b",".join([self.items[k] for k in chosen])
        head = f'{{"total":{len(rows)},"limit":{limit},"offset":{offset},"items":['
        return head.encode() + items + b"]}"


class PictureCache:
    """The latest picture, rebuilt when what it was made from changes; one request
    rebuilds while those arriving meanwhile wait for it."""

    def __init__(self) -> None:
        self._building = threading.Lock()
        self._picture: Picture | None = None

    def _kept(self, identity: pa.Table, last: pa.Table) -> Picture | None:
        kept = self._picture  # one read of one attribute: no lock needed
        if kept is not None and kept.last is last and (
                kept.identity is identity or kept.identity.equals(identity)):
            return kept
        return None

    def get(self, identity: pa.Table, last: pa.Table) -> Picture:
        kept = self._kept(identity, last)
        if kept is not None:
            return kept
        with self._building:
            kept = self._kept(identity, last)
            if kept is None:
                kept = self._picture = Picture(identity, last)
        return kept


def with_last_position(vessels: pa.Table, last: pa.Table) -> pa.Table:
    # Table.join cannot carry the list column `zones`: look rows up by index instead
    at = pc.index_in(vessels["mmsi"], value_set=last["mmsi"])
    found = last.take(at)
    for name in last.column_names[1:]:
        vessels = vessels.append_column(name, found[name])
    return vessels


def in_zone(zones: pa.ChunkedArray, zone: str) -> np.ndarray:
    # pyarrow has no list_contains kernel: compare the flattened names and mark their rows
    flat = zones.combine_chunks()
    mask = np.zeros(len(flat), dtype=bool)
    hit = pc.equal(pc.list_flatten(flat), zone).to_numpy(zero_copy_only=False)
    mask[pc.list_parent_indices(flat).to_numpy(zero_copy_only=False)[hit]] = True
    return mask


def _equal(column: pa.ChunkedArray, value: str) -> np.ndarray:
    same = pc.fill_null(pc.equal(column, value), False)
    return np.asarray(same.to_numpy(zero_copy_only=False), dtype=bool)


def _floats(column: pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(column.cast(pa.float64()), float("nan"))
                      .to_numpy(zero_copy_only=False), dtype=np.float64)


def _json_rows(table: pa.Table) -> list[dict[str, object]]:
    """Rows as JSON-ready dicts, as :func:`pantau.api.routes._rows.rows` makes them (UTC
    times with Z, NaN as null), but column by column, which is far quicker."""
    columns: list[list[object]] = []
    for column in table.columns:
        if pa.types.is_timestamp(column.type):
            text = pc.strftime(column, format="%Y-%m-%dT%H:%M:%S")
            # isoformat() leaves out a zero fraction; strftime always writes one
            text = pc.replace_substring_regex(text, pattern=r"\.0+$", replacement="")
            column = pc.binary_join_element_wise(text, "Z", "")
        elif pa.types.is_floating(column.type):
            column = pc.if_else(pc.is_finite(column), column, pa.scalar(None, column.type))
        columns.append(column.to_pylist())
    names = table.column_names
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]
