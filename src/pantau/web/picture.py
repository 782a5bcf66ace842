"""What the map draws, read from the positions archive: the current picture (each
vessel's newest position with its course and heading) and a replay of the last hours in
fixed time steps.

Both are computed with DuckDB over the day-partitioned Parquet archive and read only the
days they need, so their cost follows the window shown, not the archive's age. Both send
columns (one list per field) rather than one object per vessel: 5,000 vessels then cost a
few hundred kilobytes, and the page builds its map features from them directly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pantau.api.params import iso
from pantau.errors import PantauError
from pantau.store.archive import PositionArchive

#: the picture shows vessels heard within this long before the newest position archived
PICTURE_WINDOW = timedelta(hours=24)
#: a replayed vessel keeps its last position for this long without a new one, then is
#: hidden (AIS class B reports every 3 minutes at anchor; a gap past this is a gap)
REPLAY_HOLD = timedelta(minutes=30)
MAX_REPLAY_STEPS = 1000
MAX_REPLAY_CELLS = 3_000_000  # vessels x steps
IDENTITY = ("shipname", "category", "flag", "ship_type", "length_m")


class ReplayTooLarge(PantauError):
    """A replay would hold more vessel-steps than the page should be sent at once."""


def _days(files: list[Path], since: date) -> list[str]:
    return [str(f) for f in files if date.fromisoformat(f.parent.name[4:]) >= since]


def newest_position(archive: PositionArchive) -> datetime | None:
    """The time of the newest archived position (the end of "now" for the map)."""
    files = archive.files()
    if not files:
        return None
    last_day = max(f.parent.name for f in files)
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        rows = con.execute("SELECT max(received_at) FROM read_parquet(?)",
                           [[str(f) for f in files if f.parent.name == last_day]]).fetchall()
    finally:
        con.close()
    found = rows[0][0] if rows else None
    return found.astimezone(UTC) if isinstance(found, datetime) else None


def _query(sql: str, params: dict[str, object]) -> pa.Table:
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        return con.sql(sql, params=params).to_arrow_table()
    finally:
        con.close()


def _floats(column: pa.ChunkedArray | pa.Array, digits: int) -> list[float | None]:
    values = column.to_numpy(zero_copy_only=False).astype(float)
    return [None if math.isnan(v) else round(float(v), digits) for v in values]


def current_picture(archive: PositionArchive, vessels: pa.Table) -> dict[str, Any]:
    """Every vessel heard in the PICTURE_WINDOW before the newest position: its newest
    position, course, heading and speed, and its identity from ``vessels`` (the
    registry's rows: mmsi plus IDENTITY)."""
    newest = newest_position(archive)
    empty: dict[str, Any] = {"as_of": None, "count": 0, "mmsi": [], "lon": [], "lat": [],
                             "course": [], "heading": [], "speed": [], "at": [],
                             **{k: [] for k in IDENTITY}}
    if newest is None:
        return empty
    since = newest - PICTURE_WINDOW
    files = _days(archive.files(), since.date())
    table = _query("""
        SELECT mmsi, max(received_at) AS at,
               arg_max(lon, received_at) AS lon, arg_max(lat, received_at) AS lat,
               arg_max(course, received_at) AS course,
               arg_max(heading, received_at) AS heading,
               arg_max(speed, received_at) AS speed
        FROM read_parquet($files)
        WHERE lon IS NOT NULL AND lat IS NOT NULL AND received_at >= $since
        GROUP BY mmsi ORDER BY mmsi""", {"files": files, "since": since})
    if not table.num_rows:
        return empty | {"as_of": iso(newest)}
    at = pc.index_in(table["mmsi"], value_set=vessels["mmsi"])
    known = vessels.take(at)
    out: dict[str, Any] = {
        "as_of": iso(newest), "count": table.num_rows,
        "mmsi": table["mmsi"].to_pylist(),
        "lon": _floats(table["lon"], 5), "lat": _floats(table["lat"], 5),
        "course": _floats(table["course"], 1), "heading": table["heading"].to_pylist(),
        "speed": _floats(table["speed"], 1),
        "at": [iso(t) for t in table["at"].to_pylist()]}
    for name in IDENTITY:
        out[name] = known[name].to_pylist()
    return out


@dataclass(frozen=True)
class ReplayWindow:
    since: datetime
    until: datetime
    step_s: int

    @property
    def steps(self) -> int:
        return max(1, math.ceil((self.until - self.since).total_seconds() / self.step_s))


def replay(archive: PositionArchive, window: ReplayWindow) -> dict[str, Any]:
    """Each vessel's position at the end of every step of the window: its newest fix in
    the step, or the one before it if that is at most REPLAY_HOLD old; null otherwise.
    ``heading`` is the true heading where the vessel sends one, else its course."""
    steps = window.steps
    if steps > MAX_REPLAY_STEPS:
        raise ReplayTooLarge(f"replay of {steps} steps; at most {MAX_REPLAY_STEPS} (use a "
                             "longer step_s or a shorter window)")
    times = [iso(window.since + timedelta(seconds=window.step_s * (k + 1)))
             for k in range(steps)]
    empty = {"times": times, "step_s": window.step_s, "mmsi": [], "lon": [], "lat": [],
             "heading": []}
    start = window.since - REPLAY_HOLD
    files = _days(archive.files(), start.date())
    files = [f for f in files if Path(f).parent.name[4:] <= window.until.date().isoformat()]
    if not files:
        return empty
    since_us = int(window.since.timestamp() * 1_000_000)
    # bucket k holds the fixes in [since + k step, since + (k+1) step); fixes before
    # `since`, within the hold, seed bucket -1
    table = _query("""
        SELECT mmsi,
               greatest(-1, floor((epoch_us(received_at) - $since) / $step))::BIGINT AS k,
               arg_max(lon, received_at) AS lon, arg_max(lat, received_at) AS lat,
               arg_max(coalesce(heading::DOUBLE, course), received_at) AS heading,
               epoch_us(max(received_at)) AS at_us
        FROM read_parquet($files)
        WHERE lon IS NOT NULL AND lat IS NOT NULL
          AND received_at >= $start AND received_at < $until
        GROUP BY mmsi, k""", {"files": files, "since": since_us,
                               "step": window.step_s * 1_000_000, "start": start,
                               "until": window.until})
    if not table.num_rows:
        return empty
    mmsis, row = np.unique(table["mmsi"].to_numpy(), return_inverse=True)
    if len(mmsis) * steps > MAX_REPLAY_CELLS:
        raise ReplayTooLarge(f"replay of {len(mmsis)} vessels x {steps} steps is over "
                             f"{MAX_REPLAY_CELLS:,}; use a longer step_s or a shorter window")
    col = table["k"].to_numpy() + 1  # 0 is the seed
    shape = (len(mmsis), steps + 1)
    grids = {}
    for name in ("lon", "lat", "heading", "at_us"):
        grid = np.full(shape, np.nan)
        grid[row, col] = table[name].to_numpy(zero_copy_only=False).astype(float)
        grids[name] = grid
    at = grids["at_us"]
    for j in range(1, steps + 1):  # carry each vessel's last fix forward
        gap = np.isnan(at[:, j])
        for grid in grids.values():
            grid[gap, j] = grid[gap, j - 1]
    ends = since_us + window.step_s * 1_000_000 * np.arange(steps + 1)
    hold_us = max(REPLAY_HOLD.total_seconds(), window.step_s) * 1_000_000
    stale = ~(ends[None, :] - at <= hold_us)  # NaN (never heard) counts as stale too
    for grid in grids.values():
        grid[stale] = np.nan
    return {"times": times, "step_s": window.step_s, "mmsi": mmsis.tolist(),
            "lon": _rows(grids["lon"][:, 1:], 5), "lat": _rows(grids["lat"][:, 1:], 5),
            "heading": _rows(grids["heading"][:, 1:], 0)}


def _rows(grid: np.ndarray, digits: int) -> list[list[float | None]]:
    rounded = np.round(grid, digits)
    return [[None if math.isnan(v) else v for v in r] for r in rounded.tolist()]
