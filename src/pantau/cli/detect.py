"""`pantau detect INPUT... [--zones FILE] [--watchlist FILE] --out EVENTS.jsonl`."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pantau.cli._console import console, err_console, user_errors
from pantau.detect.events import dumps_jsonl
from pantau.errors import OutputError
from pantau.pipeline import config
from pantau.pipeline.detect import detect_files, read_inputs
from pantau.registry import load_watchlist
from pantau.zones import defaults as zone_defaults
from pantau.zones import load_zones


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pantau"


def detect(
    inputs: Annotated[list[str], typer.Argument(
        help="NMEA files (plain or gzip), `pantau decode` output directories or positions "
             "Parquet files.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Events, one JSON object a line.")],
    zones: Annotated[Path | None, typer.Option(
        help="Zones GeoJSON (default: the shipped Malaysian reference zones).")] = None,
    watchlist: Annotated[Path | None, typer.Option(
        help="Watchlist CSV mmsi,category,name.")] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing --out file.")] = False,
) -> None:
    """Detect behaviour events in AIS files; the same files always give the same ids."""
    with user_errors():
        if out.exists() and not force:
            raise OutputError(f"{out} exists; pass --force to replace it")
        zoneset = load_zones(zones) if zones is not None else zone_defaults.reference_zones()
        listed = load_watchlist(watchlist) if watchlist is not None else None
        if listed is not None and listed.rejects.num_rows:
            err_console.print(f"watchlist: {listed.rejects.num_rows} row(s) rejected "
                              "(the rest kept):", highlight=False)
            for row in listed.rejects.to_pylist():
                err_console.print(f"  line {row['line']}: {row['reason']}: {row['raw']}",
                                  highlight=False, soft_wrap=True)
        started = time.perf_counter()
        read = read_inputs(inputs)
        geo = config.geography(zoneset, cache_dir())
        run = detect_files(read, zoneset, geo, listed.table if listed else None)
        text = dumps_jsonl(run.report.events)
        tmp = out.with_name(out.name + ".partial")
        try:
            tmp.write_text(text)
            os.replace(tmp, out)
        except OSError as e:
            tmp.unlink(missing_ok=True)
            raise OutputError(f"{out}: cannot write ({e.strerror or e})") from None
        elapsed = time.perf_counter() - started
    table = Table("kind", "events", title=f"{len(run.report.events):,} events from "
                  f"{run.positions:,} positions of {run.vessels:,} vessels "
                  f"({elapsed:.1f} s)", title_justify="left")
    for kind, n in sorted(run.report.by_kind.items()):
        table.add_row(kind, f"{n:,}")
    console.print(table)
    if run.set_aside:
        console.print(f"{run.set_aside:,} positions set aside by cleaning "
                      "(no time, no position, duplicates)")
    console.print(f"events written to [bold]{out}[/]")
