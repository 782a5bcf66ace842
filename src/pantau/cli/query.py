"""`pantau stats`, `pantau vessels`, `pantau track`: what the data directory holds."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import duckdb
import pyarrow as pa
import typer
from rich.table import Table

from pantau.cli._console import console, user_errors
from pantau.cli.ingest import DATA_DIR, parse_time
from pantau.errors import PantauError
from pantau.registry import CATEGORIES
from pantau.store.archive import PositionArchive
from pantau.store.embedded import EmbeddedStore

AS_JSON = typer.Option("--json", help="Print JSON.")
AS_CSV = typer.Option("--csv", help="Print CSV.")


def _emit(table: pa.Table, as_json: bool, as_csv: bool, title: str) -> None:
    if as_json and as_csv:
        raise PantauError("choose one of --json and --csv")
    rows = table.to_pylist()
    if as_json:
        typer.echo(json.dumps(rows, default=_iso, indent=1))
    elif as_csv:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=table.column_names, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: _iso(v) if isinstance(v, datetime) else v for k, v in r.items()}
                         for r in rows)
        typer.echo(out.getvalue(), nl=False)
    else:
        view = Table(*table.column_names, title=title, title_justify="left")
        for r in rows:
            view.add_row(*["" if v is None else _iso(v) if isinstance(v, datetime) else str(v)
                           for v in r.values()])
        console.print(view)


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return str(value)


def stats(
    data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
    as_json: Annotated[bool, AS_JSON] = False,
) -> None:
    """Counts of what the data directory holds."""
    with user_errors(), EmbeddedStore(data_dir, read_only=True) as store:
        archive = PositionArchive(data_dir)
        days = archive.days()
        counts = {
            "positions": archive.count(), "vessels": store.count("vessels"),
            "events": store.count("events"), "incidents": store.count("incidents"),
            "identity_changes": store.count("vessel_history"),
            "inputs": store.count("ingests", {"status": "done"}),
            "days": len(days), "first_day": days[0].isoformat() if days else None,
            "last_day": days[-1].isoformat() if days else None,
        }
    if as_json:
        typer.echo(json.dumps(counts, indent=2))
        return
    view = Table("what", "count", title=str(data_dir), title_justify="left")
    for k, v in counts.items():
        view.add_row(k, "" if v is None else f"{v:,}" if isinstance(v, int) else str(v))
    console.print(view)


def vessels(
    category: Annotated[str | None, typer.Option(help="Only this category.")] = None,
    zone: Annotated[str | None, typer.Option(help="Only vessels seen in this zone.")] = None,
    since: Annotated[str | None, typer.Option(help="Seen at or after (ISO 8601).")] = None,
    until: Annotated[str | None, typer.Option(help="Seen before (ISO 8601).")] = None,
    data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
    as_json: Annotated[bool, AS_JSON] = False,
    as_csv: Annotated[bool, AS_CSV] = False,
) -> None:
    """Vessels in the registry, filtered by category, zone and time."""
    with user_errors():
        if category is not None and category not in CATEGORIES:
            raise PantauError(f"unknown category {category!r} (one of {', '.join(CATEGORIES)})")
        t0, t1 = parse_time(since, "--since"), parse_time(until, "--until")
        with EmbeddedStore(data_dir, read_only=True) as store:
            table = store.select("vessels", {"category": category} if category else None,
                                 order_by="mmsi")
        if zone is not None or t0 is not None or t1 is not None:
            seen = _mmsis_seen(PositionArchive(data_dir), zone, t0, t1)
            table = table.filter(pa.compute.is_in(table["mmsi"], value_set=seen))
        table = table.select(["mmsi", "shipname", "callsign", "imo", "ship_type", "flag",
                              "category", "length_m", "first_seen", "last_seen"])
        _emit(table, as_json, as_csv, f"{table.num_rows} vessels")


def _mmsis_seen(archive: PositionArchive, zone: str | None, since: datetime | None,
                until: datetime | None) -> pa.Array:
    files = archive.files()
    if not files:
        return pa.array([], pa.int64())
    where: list[str] = []
    params: list[object] = []
    if zone is not None:
        where.append("list_contains(zones, ?)")
        params.append(zone)
    if since is not None:
        where.append("received_at >= ?")
        params.append(since)
    if until is not None:
        where.append("received_at < ?")
        params.append(until)
    sql = ("SELECT DISTINCT mmsi FROM read_parquet(?, hive_partitioning = true) WHERE "
           + " AND ".join(where))
    con = duckdb.connect()
    try:
        result = con.sql(sql, params=[str(archive.root / "day=*" / "*.parquet"), *params])
        return result.to_arrow_table()["mmsi"].combine_chunks()
    finally:
        con.close()


def track(
    mmsi: Annotated[int, typer.Argument(help="The vessel's MMSI.")],
    since: Annotated[str | None, typer.Option(help="From (ISO 8601).")] = None,
    until: Annotated[str | None, typer.Option(help="Before (ISO 8601).")] = None,
    data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
    as_json: Annotated[bool, AS_JSON] = False,
    as_csv: Annotated[bool, AS_CSV] = False,
) -> None:
    """A vessel's positions, in time order, with segment, zones and distances."""
    with user_errors():
        t0, t1 = parse_time(since, "--since"), parse_time(until, "--until")
        EmbeddedStore(data_dir, read_only=True).close()  # a clear error if no data here
        table = PositionArchive(data_dir).query(mmsi=mmsi, since=t0, until=t1)
        if table.num_rows == 0:
            raise PantauError(f"no positions of {mmsi} in {data_dir}")
        table = table.select(["received_at", "lon", "lat", "speed", "course", "heading",
                              "status", "segment_id", "implied_speed_kn", "zones",
                              "shore_distance_m", "nearest_port", "port_distance_m"])
        _emit(table, as_json, as_csv, f"{mmsi}: {table.num_rows} positions")


def events(
    data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
    kind: Annotated[str | None, typer.Option(help="Only this kind (zone_entry, escort, ...).")]
    = None,
    mmsi: Annotated[int | None, typer.Option(help="Only events of this vessel (either side).")]
    = None,
    since: Annotated[str | None, typer.Option(help="Ending at or after (ISO 8601, UTC).")]
    = None,
    until: Annotated[str | None, typer.Option(help="Starting before (ISO 8601, UTC).")]
    = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 100,
    as_json: Annotated[bool, AS_JSON] = False,
    as_csv: Annotated[bool, AS_CSV] = False,
) -> None:
    """Behaviour events found by ingest, newest first."""
    from pantau.detect import KINDS

    with user_errors():
        if kind is not None and kind not in KINDS:
            raise PantauError(f"--kind {kind!r} is not one of {', '.join(KINDS)}")
        t0, t1 = parse_time(since, "--since"), parse_time(until, "--until")
        if limit < 1:
            raise PantauError(f"--limit must be at least 1, got {limit}")
        where: dict[str, object] = {}
        if kind is not None:
            where["kind"] = kind
        if t0 is not None:
            where["end"] = (">=", t0)
        if t1 is not None:
            where["start"] = ("<", t1)
        with EmbeddedStore(data_dir, read_only=True) as store:
            found = store.select("events", where or None, order_by="start desc")
        if mmsi is not None:
            hit = pa.compute.or_(pa.compute.equal(found["mmsi"], mmsi),
                                 pa.compute.fill_null(
                                     pa.compute.equal(found["other_mmsi"], mmsi), False))
            found = found.filter(hit)
        found = found.slice(0, limit)
    if as_json and not as_csv:  # the events contract: details as an object
        rows = [dict(r, details=json.loads(r["details"] or "{}")) for r in found.to_pylist()]
        typer.echo(json.dumps(rows, default=_iso, indent=1))
        return
    columns = list(found.column_names) if as_csv else [
        "kind", "mmsi", "other_mmsi", "start", "end", "zone", "duration_s"]
    _emit(found.select(columns), as_json, as_csv, f"{found.num_rows} events in {data_dir}")
