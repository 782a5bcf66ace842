"""`pantau incidents list|show|evidence ID`: incidents, their logs and evidence packs,
read-only (incidents are opened and run through the API, which records who changed what)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pantau.cli._console import console, user_errors
from pantau.cli.ingest import DATA_DIR
from pantau.errors import OutputError, PantauError
from pantau.incidents import lifecycle as lc
from pantau.incidents import store as kept
from pantau.store.embedded import EmbeddedStore

app = typer.Typer(help="Incidents and their logs (read-only).", no_args_is_help=True)

JSON = typer.Option("--json", help="Print JSON.")


def _when(value: str) -> str:
    return value[:16].replace("T", " ")


@app.command("list")
def list_(
    data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
    status: Annotated[str | None, typer.Option(
        help=f"Only this status: {', '.join(lc.STATUSES)}.")] = None,
    assignee: Annotated[str | None, typer.Option(help="Only those assigned to this user.")]
    = None,
    as_json: Annotated[bool, JSON] = False,
) -> None:
    """Incidents, most recently changed first."""
    with user_errors():
        if status is not None and status not in lc.STATUSES:
            raise PantauError(f"--status {status!r} is not one of {', '.join(lc.STATUSES)}")
        with EmbeddedStore(data_dir, read_only=True) as store:
            found = [lc.to_json(i) for i in kept.list_incidents(store, status, assignee)]
    if as_json:
        typer.echo(json.dumps(found, indent=1))
        return
    table = Table(title=f"{len(found)} incidents", title_justify="left")
    table.add_column("incident", no_wrap=True, min_width=24)  # ids are copied whole
    for name in ("status", "severity", "assignee", "updated (UTC)", "title"):
        table.add_column(name)
    for i in found:
        table.add_row(i["incident_id"], i["status"], i["severity"], i["assignee"] or "",
                      _when(i["updated_at"]), i["title"])
    console.print(table)


@app.command()
def show(
    incident_id: Annotated[str, typer.Argument(help="The incident's id.", show_default=False)],
    data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
    as_json: Annotated[bool, JSON] = False,
) -> None:
    """One incident with its links, evidence, notes and log."""
    with user_errors(), EmbeddedStore(data_dir, read_only=True) as store:
        incident = lc.to_json(kept.get_incident(store, incident_id))
        log = [lc.to_json(e) for e in kept.incident_log(store, incident_id)]
    if as_json:
        typer.echo(json.dumps(incident | {"log": log}, indent=1))
        return
    console.print(f"[bold]{incident['incident_id']}[/] {incident['title']}", highlight=False)
    console.print(f"status {incident['status']}, severity {incident['severity']}, assignee "
                  f"{incident['assignee'] or '-'}, opened {_when(incident['created_at'])} by "
                  f"{incident['created_by']}", highlight=False)
    for key in ("alerts", "events", "vessels"):
        if incident[key]:
            console.print(f"{key}: {', '.join(map(str, incident[key]))}", highlight=False)
    for ev in incident["evidence"]:
        console.print(f"evidence: {', '.join(map(str, ev['mmsis']))} from "
                      f"{_when(ev['since'])} to {_when(ev['until'])}", highlight=False)
    table = Table("#", "at (UTC)", "who", "action", "detail", title="log",
                  title_justify="left")
    for e in log:
        table.add_row(str(e["seq"]), _when(e["at"]), e["actor"], e["action"],
                      json.dumps(e["detail"], sort_keys=True))
    console.print(table)


@app.command()
def evidence(
    incident_id: Annotated[str, typer.Argument(help="The incident's id.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.",
                                      show_default=False)],
    pdf: Annotated[Path | None, typer.Option(help="Also write the pack as PDF here.",
                                             show_default=False)] = None,
    data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
    force: Annotated[bool, typer.Option(help="Replace existing output files.")] = False,
) -> None:
    """The evidence pack: header, timeline, linked events and vessels, a map of the
    tracks, and the hashes to check it by (one self-contained HTML file, optionally PDF)."""
    from pantau.incidents import evidence as pack
    from pantau.incidents import evidence_figures as figures
    from pantau.store.archive import PositionArchive

    with user_errors():
        for target in (out, pdf):
            if target is not None and target.is_dir():
                raise OutputError(f"{target}: is a directory")
            if target is not None and target.exists() and not force:
                raise OutputError(f"{target} exists; pass --force to replace it")
        if pdf is not None and pdf.resolve() == out.resolve():
            raise OutputError("--out and --pdf must be different files")
        with EmbeddedStore(data_dir, read_only=True) as store:
            data = pack.gather(store, PositionArchive(data_dir), incident_id)
        text = pack.evidence_html(data, figures.map_png(data))
        stated, _ = pack.check_pack(text)
        tmp = out.with_name(out.name + ".partial")
        try:
            tmp.write_text(text, encoding="utf-8", newline="\n")
            os.replace(tmp, out)
        except OSError as e:
            tmp.unlink(missing_ok=True)
            raise OutputError(f"{out}: cannot write ({e.strerror or e})") from None
        pages = figures.write_pdf(data, pdf, stated) if pdf is not None else 0
    console.print(f"evidence pack for {incident_id} written to {out}: "
                  f"{len(data.events)} events, {len(data.vessels)} vessels, "
                  f"{data.tracks.num_rows} positions", highlight=False, soft_wrap=True)
    console.print(f"pack SHA-256 (without its digest line) {stated}; audit head "
                  f"{data.audit_head.hash}", highlight=False, soft_wrap=True)
    if pdf is not None:
        digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
        console.print(f"PDF {pdf}: {pages} pages, SHA-256 {digest}", highlight=False,
                      soft_wrap=True)
