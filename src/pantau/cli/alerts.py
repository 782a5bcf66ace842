"""`pantau alerts`: the stored events that match the alert rules, most severe first."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pantau.cli._console import console, user_errors
from pantau.cli.ingest import DATA_DIR, parse_time
from pantau.detect.base import Vessels
from pantau.errors import PantauError
from pantau.incidents import SEVERITIES, Lookup, load_rules, raise_alerts
from pantau.incidents.store import active_rules
from pantau.pipeline import config
from pantau.store.embedded import EmbeddedStore
from pantau.zones import ZoneIndex


def alerts(
    data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
    rules: Annotated[Path | None, typer.Option(
        help="Alert rules (JSON); default: the rules in force (PUT /api/rules), else "
             "the reference case's.")] = None,
    severity: Annotated[str, typer.Option(help="Lowest severity shown: low, medium, high.")]
    = "low",
    since: Annotated[str | None, typer.Option(help="Events ending at or after (ISO 8601).")]
    = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Alerts raised by the stored events under the alert rules."""
    with user_errors():
        if severity not in SEVERITIES:
            raise PantauError(f"--severity {severity!r} is not one of {', '.join(SEVERITIES)}")
        given = load_rules(rules) if rules is not None else None
        t0 = parse_time(since, "--since")
        with EmbeddedStore(data_dir, read_only=True) as store:
            chosen = given if given is not None else active_rules(store)
            events = store.select("events", {"end": (">=", t0)} if t0 else None).to_pylist()
            vessels = store.select("vessels")
            watch = config.watchlist_table(config.use_watchlist(store, None))
            zones = config.load_zoneset(store)
        lookup = Lookup(Vessels.from_table(vessels, watch), zones, ZoneIndex.build(zones))
        floor = SEVERITIES.index(severity)
        found = [a for a in raise_alerts(events, chosen, lookup)
                 if SEVERITIES.index(a.severity) >= floor]
    if as_json:
        typer.echo(json.dumps([a.to_json() for a in found], indent=1))
        return
    table = Table("severity", "start (UTC)", "alert", title=f"{len(found)} alerts",
                  title_justify="left")
    for a in found:
        table.add_row(a.severity, a.start[:16].replace("T", " "), a.title)
    console.print(table)
