"""`pantau ingest INPUT... [--zones FILE] [--watchlist FILE] [--data-dir DIR]`."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pantau.cli._console import byte_progress, console, err_console, user_errors
from pantau.decode import DecodeOptions
from pantau.decode.sources import check_readable, input_size
from pantau.errors import PantauError
from pantau.pipeline import config
from pantau.pipeline.ingest import IngestOptions, Ingestor, InputReport
from pantau.store.embedded import EmbeddedStore

DATA_DIR = typer.Option("--data-dir", help="The data directory.")


def parse_time(value: str | None, what: str) -> datetime | None:
    if value is None:
        return None
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise PantauError(f"{what}: {value!r} is not an ISO 8601 time "
                          "(e.g. 2026-11-23T08:00:00Z)") from None
    if t.tzinfo is None:
        raise PantauError(f"{what}: {value!r} has no time zone (add Z for UTC)")
    return t


def ingest(
    inputs: Annotated[list[str], typer.Argument(help="NMEA files (plain or gzip), or -.",
                                                show_default=False)],
    zones: Annotated[Path | None, typer.Option(help="Zones GeoJSON (kept in the store).")]
    = None,
    watchlist: Annotated[Path | None, typer.Option(
        help="Watchlist CSV mmsi,category,name (kept in the store).")] = None,
    data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
    assume_time: Annotated[str | None, typer.Option(
        help="Receive time (ISO 8601, UTC) for positions that carry none.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the reports as JSON.")]
    = False,
) -> None:
    """Decode, store, track and label AIS; each input once (re-running is safe)."""
    with user_errors():
        assumed = parse_time(assume_time, "--assume-time")
        for name in inputs:
            check_readable(name)
        with EmbeddedStore(data_dir) as store:
            zone_name, version = config.use_zones(store, zones)
            listed = config.use_watchlist(store, watchlist)
            zoneset = config.load_zoneset(store)
        if watchlist is not None and listed is not None and listed.rejects.num_rows:
            err_console.print(f"watchlist: {listed.rejects.num_rows} row(s) rejected "
                              "(the rest kept):", highlight=False)
            for row in listed.rejects.to_pylist():
                err_console.print(f"  line {row['line']}: {row['reason']}: {row['raw']}",
                                  highlight=False, soft_wrap=True)
        geo = config.geography(zoneset, data_dir / "cache")
        ingestor = Ingestor(data_dir, geo, config.watchlist_table(listed),
                            IngestOptions(decode=DecodeOptions(), assume_time=assumed),
                            zones=zoneset)
        reports: list[InputReport] = []
        try:
            for name in inputs:
                with byte_progress(input_size(name), f"ingesting {name}") as advance:
                    reports.append(ingestor.ingest(name, advance))
        finally:
            ingestor.close()
    if as_json:
        typer.echo(json.dumps([_report_dict(r) for r in reports], indent=2))
        return
    table = Table("input", "decoded", "positions", "set aside", "rejected", "vessels",
                  "identity changes", "events", "time", title=f"ingested into {data_dir} "
                  f"(zones {zone_name} v{version})", title_justify="left")
    for r in reports:
        if r.skipped:
            table.add_row(r.input, "already ingested", "", "", "", "", "", "", "")
            continue
        d = r.decode
        assert d is not None
        rate = f"{d.decoded / r.seconds:,.0f}/s" if r.seconds else ""
        table.add_row(r.input, f"{d.decoded:,}", f"{r.positions:,}",
                      f"{sum(r.dropped.values()):,}", f"{d.n_rejected:,}",
                      f"{r.vessels:,}", f"{r.history:,}", f"{sum(r.events.values()):,}",
                      f"{r.seconds:.1f} s {rate}")
    console.print(table)
    for r in reports:
        for note in r.notes:
            console.print(f"{r.input}: {note}")
        if r.dropped:
            console.print(f"{r.input}: set aside " + ", ".join(
                f"{n:,} {reason}" for reason, n in sorted(r.dropped.items())))


def _report_dict(r: InputReport) -> dict[str, object]:
    d = r.decode
    return {"input": r.input, "skipped": r.skipped, "positions": r.positions,
            "dropped": r.dropped, "statics": r.statics, "vessels": r.vessels,
            "history": r.history, "events": r.events, "late": r.late,
            "seconds": round(r.seconds, 3), "notes": r.notes,
            "decoded": d.decoded if d else 0, "rejected": d.rejected if d else {}}
