"""`pantau simulate`: a reference scenario's AIS feed, its truth and its watchlist."""

from __future__ import annotations

import json
import math
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pantau.cli._console import console, user_errors
from pantau.simulate import (
    DEFAULT_HOURS,
    DEFAULT_SCENARIO,
    DEFAULT_SEED,
    ScenarioError,
    Simulation,
    scenario_names,
)
from pantau.simulate.simulation import check_outputs
from pantau.simulate.simulation import simulate as run_simulation


def _start(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        t = datetime.fromisoformat(text)
    except ValueError:
        raise ScenarioError(f"--start {text!r} is not an ISO 8601 time "
                            "(e.g. 2025-09-15T00:00:00Z)") from None
    # a time without an offset is read as UTC, the only clock pantau keeps
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def simulate(
    out: Annotated[Path, typer.Option("--out", "-o", help="NMEA feed to write.")],
    truth: Annotated[Path, typer.Option(help="Truth events to write (JSON lines).")],
    scenario: Annotated[str, typer.Option(help="Scenario name.")] = DEFAULT_SCENARIO,
    hours: Annotated[float, typer.Option(help="Length of the run in hours.")] = DEFAULT_HOURS,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same bytes.")]
    = DEFAULT_SEED,
    start: Annotated[str | None, typer.Option(
        help="Start time, ISO 8601 UTC [default: the scenario's, 2025-09-15T00:00:00Z].",
        show_default=False)] = None,
    thin_s: Annotated[float | None, typer.Option(
        "--thin-s", help="Keep at most one position report per vessel per this many "
        "seconds, one line per message, like an aggregator (statics all kept).",
        show_default=False)] = None,
    watchlist: Annotated[Path | None, typer.Option(
        help="Watchlist CSV to write (mmsi,category,name).", show_default=False)] = None,
    force: Annotated[bool, typer.Option(help="Replace existing output files.")] = False,
    cache_dir: Annotated[Path | None, typer.Option(
        help="Cache for the distance-to-shore grid [default: ~/.cache/pantau].",
        show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")]
    = False,
) -> None:
    """Simulate a reference scenario: AIS feed, truth events and watchlist."""
    with user_errors():
        if scenario not in scenario_names():
            raise ScenarioError(f"unknown scenario {scenario!r}; known: "
                                f"{', '.join(scenario_names())}")
        if not (hours > 0 and math.isfinite(hours)):
            raise ScenarioError(f"--hours must be a positive number, got {hours:g}")
        if thin_s is not None and not (thin_s > 0 and math.isfinite(thin_s)):
            raise ScenarioError(f"--thin-s must be a positive number, got {thin_s:g}")
        when = _start(start)
        outputs = [out, truth] + ([watchlist] if watchlist is not None else [])
        check_outputs(outputs, force)
        started = time.perf_counter()
        sim = run_simulation(scenario, hours, seed, when, thin_s, cache_dir=cache_dir)
        sizes = {"feed": sim.write_feed(out)}
        sim.write_truth(truth)
        sizes["truth"] = truth.stat().st_size
        if watchlist is not None:
            sim.write_watchlist(watchlist)
            sizes["watchlist"] = watchlist.stat().st_size
        elapsed = time.perf_counter() - started
    if as_json:
        typer.echo(json.dumps(summary_dict(sim, sizes, elapsed), indent=2))
    else:
        print_summary(sim, sizes, elapsed, outputs)


def summary_dict(sim: Simulation, sizes: dict[str, int], elapsed: float) -> dict[str, object]:
    s = sim.stats
    sc = sim.scenario
    return {
        "scenario": sc.name, "start": sc.start.isoformat().replace("+00:00", "Z"),
        "hours": sc.hours, "seed": sc.seed, "thin_s": sim.thin_s,
        "vessels_by_kind": s.vessels_by_kind, "vessels": sum(s.vessels_by_kind.values()),
        "messages": s.messages, "messages_by_type": {str(k): v for k, v in
                                                    s.messages_by_type.items()},
        "lines": s.lines, "corrupt_lines": s.corrupt_lines,
        "truth_by_kind": s.truth_by_kind, "watchlist": len(sim.watchlist),
        "bytes": sizes, "seconds": round(elapsed, 2),
    }


def print_summary(sim: Simulation, sizes: dict[str, int], elapsed: float,
                  outputs: list[Path]) -> None:
    s = sim.stats
    sc = sim.scenario
    head = Table(title=f"simulated {sc.name}", show_header=False, title_justify="left")
    thin = f", thinned to {sim.thin_s:g} s" if sim.thin_s else ""
    head.add_row("run", f"{sc.start:%Y-%m-%dT%H:%M:%SZ} + {sc.hours:g} h, seed {sc.seed}{thin}")
    head.add_row("vessels", f"{sum(s.vessels_by_kind.values()):,}")
    head.add_row("messages", f"{s.messages:,}")
    head.add_row("lines", f"{s.lines:,} ({s.corrupt_lines:,} corrupt)")
    head.add_row("feed", f"{sizes['feed'] / 1e6:,.1f} MB")
    head.add_row("time", f"{elapsed:.1f} s")
    console.print(head)
    for title, key, counts in (("vessels by kind", "kind", s.vessels_by_kind),
                               ("messages by type", "type", s.messages_by_type),
                               ("truth events by kind", "kind", s.truth_by_kind)):
        table = Table(key, "count", title=title, title_justify="left")
        for k, n in counts.items():
            table.add_row(str(k), f"{n:,}")
        console.print(table)
    console.print("written: " + ", ".join(f"[bold]{p}[/]" for p in outputs))
