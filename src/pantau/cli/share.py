"""`pantau share export|push`: release to a partner what its agreement allows, as a file
or to a TAK server, audited."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pantau.cli._console import user_errors
from pantau.cli.agreements import ACTOR, actor_name
from pantau.cli.ingest import DATA_DIR, parse_time
from pantau.errors import OutputError, PantauError
from pantau.share.export import (
    ShareRefused,
    manifest_path,
    prepare_release,
    record_release,
    release_to,
    write_release,
)
from pantau.store.archive import PositionArchive
from pantau.store.embedded import EmbeddedStore

app = typer.Typer(help="Releases to partners under their agreements.", no_args_is_help=True)


@app.command("export")
def export(
    agreement: Annotated[str, typer.Option(help="Agreement id.", show_default=False)],
    fmt: Annotated[str, typer.Option("--format", help="geojson, kml, csv, cot or stix.",
                                     show_default=False)],
    out: Annotated[Path, typer.Option(help="Output file; a manifest is written beside it.",
                                      show_default=False)],
    since: Annotated[str | None, typer.Option(help="From this time, ISO 8601 UTC.")] = None,
    until: Annotated[str | None, typer.Option(help="Before this time, ISO 8601 UTC.")]
    = None,
    data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
    actor: Annotated[str | None, ACTOR] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing output file.")] = False,
) -> None:
    """Export what AGREEMENT releases; exits 3, writing nothing, when it is not in force."""
    from pantau.share.formats import FORMATS, render

    with user_errors():
        if fmt not in FORMATS:
            raise PantauError(f"--format {fmt!r} is not one of {', '.join(sorted(FORMATS))}")
        t0, t1 = parse_time(since, "--since"), parse_time(until, "--until")
        for path in (out, manifest_path(out)):
            if path.is_dir():
                raise OutputError(f"{path}: is a directory")
            if path.exists() and not force:
                raise OutputError(f"{path} exists; use --force to replace it")
        if not out.parent.exists():
            raise OutputError(f"{out.parent}: no such directory")
        with EmbeddedStore(data_dir) as store:
            try:
                outcome = release_to(store, PositionArchive(data_dir), agreement, fmt, render,
                                     actor_name(actor), t0, t1, destination=str(out))
            except ShareRefused as e:
                typer.echo(f"refused: {e}", err=True)
                raise typer.Exit(3) from None
        write_release(outcome, out)
    counts = ", ".join(f"{n} {k}" for k, n in outcome.release.counts().items() if n)
    denied = sum(sum(v.values()) for v in outcome.release.denied.values())
    typer.echo(f"released to {','.join(outcome.release.releasable_to)} under {agreement}: "
               f"{counts or 'nothing'}; {denied} records withheld")
    typer.echo(f"wrote {out} and {manifest_path(out).name} (sha256 {outcome.content_sha256}, "
               f"audit entry {outcome.audit_entry.seq})")


def _host_port(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise PantauError(f"--tak {value!r}: expected HOST:PORT (e.g. tak.example:8089)")
    return host.strip("[]"), int(port)


@app.command()
def push(
    agreement: Annotated[str, typer.Option(help="Agreement id.", show_default=False)],
    tak: Annotated[str, typer.Option(help="TAK server HOST:PORT (8087 TCP, 8089 TLS).",
                                     show_default=False)],
    tls: Annotated[bool, typer.Option(help="Use TLS (verify the server).")] = False,
    ca: Annotated[Path | None, typer.Option(help="CA file (PEM) the server's certificate "
                                            "chains to [default: the system's].")] = None,
    cert: Annotated[Path | None, typer.Option(help="Client certificate (PEM).")] = None,
    key: Annotated[Path | None, typer.Option(help="Client key (PEM).")] = None,
    since: Annotated[str | None, typer.Option(help="From this time, ISO 8601 UTC.")] = None,
    until: Annotated[str | None, typer.Option(help="Before this time, ISO 8601 UTC.")]
    = None,
    data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
    actor: Annotated[str | None, ACTOR] = None,
    timeout_s: Annotated[float, typer.Option(help="Seconds to wait on the server.")] = 10.0,
) -> None:
    """Push AGREEMENT's release as Cursor-on-Target to a TAK server; audited once sent."""
    from pantau.share.formats import render
    from pantau.share.formats.cot import cot_events
    from pantau.share.tak import client_tls_context, push_cot

    with user_errors():
        host, port = _host_port(tak)
        context = client_tls_context(ca, cert, key) if tls else None
        if (cert or key or ca) and not tls:
            raise PantauError("--ca, --cert and --key need --tls")
        t0, t1 = parse_time(since, "--since"), parse_time(until, "--until")
        destination = f"{'tls' if tls else 'tcp'}://{host}:{port}"
        with EmbeddedStore(data_dir) as store:
            try:
                prepared = prepare_release(store, PositionArchive(data_dir), agreement, "cot",
                                           render, actor_name(actor), t0, t1,
                                           destination=destination)
            except ShareRefused as e:
                typer.echo(f"refused: {e}", err=True)
                raise typer.Exit(3) from None
            # audited only once the server has it all: a failed push released nothing
            sent = push_cot(cot_events(prepared.release), host, port, context, timeout_s)
            outcome = record_release(store, prepared, actor_name(actor), destination)
    typer.echo(f"pushed {sent} CoT events to {destination} under {agreement} (audit entry "
               f"{outcome.audit_entry.seq})")
