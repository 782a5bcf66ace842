"""`pantau presence --zone NAME [--category C] --by day|month`: days present, ship-days
and distinct vessels per period, with the rule they were counted by."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pyarrow as pa
import typer
from rich.table import Table

from pantau.analytics.archive_presence import ArchivePresence, archive_presence
from pantau.analytics.presence import PRESENCE
from pantau.analytics.presence_plot import plot_presence
from pantau.cli._console import console, err_console, user_errors
from pantau.cli.ingest import DATA_DIR, parse_time
from pantau.registry import CATEGORIES

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HEADERS = {"period": "period", "days_present": "days present", "ship_days": "ship-days",
            "vessels": "vessels", "days_with_data": "days with data"}


class By(StrEnum):
    day = "day"
    month = "month"


def parse_bound(value: str | None, what: str) -> datetime | None:
    """ISO 8601 time with a zone, as the other commands take it; a bare date means
    00:00 UTC that day, since presence counts UTC calendar days."""
    if value is not None and _DATE.fullmatch(value):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return parse_time(value, what)


def presence(
    zone: Annotated[str, typer.Option(help="Zone name (one of the zones in use).",
                                      show_default=False)],
    category: Annotated[str | None, typer.Option(
        help=f"Vessel category: {', '.join(CATEGORIES)}. Default: all vessels.")] = None,
    by: Annotated[By, typer.Option(help="One row per day or per month.")] = By.month,
    since: Annotated[str | None, typer.Option(
        help="From (ISO 8601; a date means 00:00 UTC).")] = None,
    until: Annotated[str | None, typer.Option(
        help="Before (ISO 8601; a date means 00:00 UTC, that day excluded).")] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV (the rule goes to stderr).")]
    = False,
    plot: Annotated[Path | None, typer.Option(
        help="Also draw a bar chart to this PNG file.", show_default=False)] = None,
    data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
) -> None:
    """Presence of a vessel category in a zone: days present, ship-days, vessels."""
    with user_errors():
        t0, t1 = parse_bound(since, "--since"), parse_bound(until, "--until")
        result = archive_presence(data_dir, zone, by.value, category, t0, t1)
        if plot is not None:
            plot_presence(result.periods, result.rule, by.value, plot)
    note = _note(result, data_dir)
    if note:
        err_console.print(note, highlight=False, soft_wrap=True)
    rule = f"rule {result.rule.version}: {result.rule.statement()}"
    if as_csv:
        typer.echo(_csv(result.periods), nl=False)
        err_console.print(rule, highlight=False, soft_wrap=True)
    else:
        console.print(_table(result, by.value))
        console.print(rule, highlight=False, soft_wrap=True)
    if plot is not None:
        err_console.print(f"plot written to {plot}", highlight=False, soft_wrap=True)


def _note(result: ArchivePresence, data_dir: Path) -> str | None:
    if result.archive_empty:
        return f"no positions archived in {data_dir} yet (run pantau ingest)"
    if not result.total.num_rows or not result.total["days_with_data"][0].as_py():
        return f"no positions in {data_dir} in the range asked for"
    return None


def _csv(periods: pa.Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PRESENCE.names)
    writer.writerows([row[name] for name in PRESENCE.names] for row in periods.to_pylist())
    return out.getvalue()


def _table(result: ArchivePresence, by: str) -> Table:
    rule = result.rule
    totals = result.total.to_pylist()
    span = (f"UTC days {totals[0]['period'].replace('/', ' to ')}" if totals
            else "no days in range")
    view = Table(title=f"presence in {rule.zone}: {rule.who}, per {by}", title_justify="left",
                 caption=span, caption_justify="left")
    for name in PRESENCE.names:
        view.add_column(_HEADERS[name], justify="left" if name == "period" else "right",
                        no_wrap=True)
    rows = result.periods.to_pylist()
    for i, row in enumerate(rows):
        view.add_row(*[str(row[name]) for name in PRESENCE.names],
                     end_section=i == len(rows) - 1)
    for row in totals if rows else []:
        view.add_row("total", *[str(row[name]) for name in PRESENCE.names[1:]], style="bold")
    return view
