"""`pantau agreements import|list|show|suspend|resume|exit`: partners and the agreements
that decide what each may receive. Every change is versioned and audited."""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pantau.cli._console import console, user_errors
from pantau.cli.ingest import DATA_DIR, parse_time
from pantau.pipeline.config import load_zoneset
from pantau.share import registry
from pantau.share.agreements_file import load_agreements_file, parse_agreements
from pantau.store.embedded import EmbeddedStore

app = typer.Typer(help="Partners and sharing agreements.", no_args_is_help=True)

ID = typer.Argument(help="Agreement id.", show_default=False)
ACTOR = typer.Option("--actor", help="Who makes the change, for the audit log "
                     "[default: cli:<login name>].")
REASON = typer.Option("--reason", help="Why, for the audit log.")
AT = typer.Option("--at", help="When the change takes effect, ISO 8601 UTC [default: now]; "
                  "not before the agreement's last change.")
SAMPLE = "sample"


def actor_name(actor: str | None) -> str:
    if actor:
        return actor
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name (a container without /etc/passwd entry)
        return "cli"


def sample_text() -> str:
    """The illustrative sample agreements shipped for the demo."""
    return (resources.files("pantau.data") / "agreements" / "malaysia.yaml").read_text("utf-8")


@app.command("import")
def import_(
    file: Annotated[str, typer.Argument(help=f"Agreements YAML file, or {SAMPLE!r} for the "
                                        "illustrative sample shipped with pantau.",
                                        show_default=False)],
    data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
    actor: Annotated[str | None, ACTOR] = None,
    at: Annotated[str | None, AT] = None,
) -> None:
    """Store partners and agreements; changed ones get a new version."""
    with user_errors():
        when = parse_time(at, "--at") or datetime.now(UTC)
        with EmbeddedStore(data_dir) as store:
            zones = load_zoneset(store).names
            parsed = (parse_agreements(sample_text(), zones, source="sample:malaysia.yaml")
                      if file == SAMPLE else load_agreements_file(file, zones))
            changes = registry.import_file(store, parsed, actor_name(actor), when)
    for c in changes:
        typer.echo(f"{c.agreement_id}: v{c.version} {c.what}")
    typer.echo(f"{len(parsed.partners)} partners, {len(parsed.agreements)} agreements "
               f"({sum(c.what != 'unchanged' for c in changes)} changed)")


@app.command("list")
def list_(
    data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Agreements with their status now and their terms."""
    now = datetime.now(UTC)
    with user_errors(), EmbeddedStore(data_dir, read_only=True) as store:
        found = registry.load_all(store)
    if as_json:
        typer.echo(json.dumps([a.describe(now) for a in found], indent=1))
        return
    table = Table(title=f"{len(found)} agreements", title_justify="left")
    for name in ("id", "partners", "status now", "v", "in force", "expires", "shares",
                 "zones", "delay", "precision", "max TLP"):
        table.add_column(name)
    for a in found:
        s = a.share
        status = a.status_at(now)
        colour = "green" if status == "in_force" else "red"
        table.add_row(a.agreement_id, ",".join(a.partners), f"[{colour}]{status}[/]",
                      str(a.version), a.in_force_from.isoformat(),
                      a.expires.isoformat() if a.expires else "-",
                      ",".join(sorted(s.categories)) or "-", ",".join(s.zones),
                      f"{s.delay_minutes:g} min", f"{s.precision_m:g} m", s.max_tlp)
    console.print(table)


@app.command()
def show(
    agreement_id: Annotated[str, ID],
    data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
) -> None:
    """One agreement, its terms and its status history, as JSON."""
    with user_errors(), EmbeddedStore(data_dir, read_only=True) as store:
        a = registry.load(store, agreement_id)
    typer.echo(json.dumps(a.describe(datetime.now(UTC)), indent=1))


def _set(agreement_id: str, status: str, data_dir: Path, actor: str | None, reason: str,
         at: str | None) -> None:
    with user_errors():
        when = parse_time(at, "--at") or datetime.now(UTC)
        with EmbeddedStore(data_dir) as store:
            a = registry.set_status(store, agreement_id, status, actor_name(actor), when,
                                    reason)
    typer.echo(f"{a.agreement_id}: {status} from {a.history[-1].at.isoformat()} "
               f"(v{a.version}); releases under it "
               + ("may resume" if status == "in_force" else "stop now"))


@app.command()
def suspend(agreement_id: Annotated[str, ID],
            data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
            actor: Annotated[str | None, ACTOR] = None,
            reason: Annotated[str, REASON] = "", at: Annotated[str | None, AT] = None) -> None:
    """Suspend an agreement: nothing is released under it until it is resumed."""
    _set(agreement_id, "suspended", data_dir, actor, reason, at)


@app.command()
def resume(agreement_id: Annotated[str, ID],
           data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
           actor: Annotated[str | None, ACTOR] = None,
           reason: Annotated[str, REASON] = "", at: Annotated[str | None, AT] = None) -> None:
    """Put a suspended agreement back in force (records from while it was suspended stay
    unreleased)."""
    _set(agreement_id, "in_force", data_dir, actor, reason, at)


@app.command("exit")
def exit_(agreement_id: Annotated[str, ID],
          data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
          actor: Annotated[str | None, ACTOR] = None,
          reason: Annotated[str, REASON] = "", at: Annotated[str | None, AT] = None) -> None:
    """Exit an agreement, for good: nothing is released under it again."""
    _set(agreement_id, "exited", data_dir, actor, reason, at)


@app.command()
def key(agreement_id: Annotated[str, ID],
        label: Annotated[str, typer.Option(help="Who holds the key (the partner's system).",
                                           show_default=False)],
        data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
        actor: Annotated[str | None, ACTOR] = None) -> None:
    """Issue a partner API key for one agreement; printed once, on the last line."""
    from pantau.share.keys import issue_key

    with user_errors(), EmbeddedStore(data_dir) as store:
        new = issue_key(store, agreement_id, label, actor_name(actor))
    typer.echo(f"partner key {new.key_id} for {agreement_id} ({label}); it pulls "
               "GET /api/partner/release and nothing else; shown only now:")
    typer.echo(new.key)
