"""The `pantau` command."""

from __future__ import annotations

import typer

from pantau import __version__
from pantau.cli.agreements import app as agreements_app
from pantau.cli.alerts import alerts
from pantau.cli.audit import app as audit_app
from pantau.cli.decode import decode
from pantau.cli.demo import demo
from pantau.cli.detect import detect
from pantau.cli.incidents import app as incidents_app
from pantau.cli.ingest import ingest
from pantau.cli.presence import presence
from pantau.cli.query import events, stats, track, vessels
from pantau.cli.serve import serve
from pantau.cli.share import app as share_app
from pantau.cli.simulate import simulate
from pantau.cli.users import app as users_app

app = typer.Typer(
    name="pantau",
    help="Maritime domain awareness and partner information sharing, from raw AIS.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(decode)
app.command()(ingest)
app.command()(detect)
app.command()(stats)
app.command()(vessels)
app.command()(track)
app.command()(events)
app.command()(alerts)
app.command()(presence)
app.command()(demo)
app.command()(simulate)
app.command()(serve)
app.add_typer(users_app, name="users")
app.add_typer(incidents_app, name="incidents")
app.add_typer(agreements_app, name="agreements")
app.add_typer(share_app, name="share")
app.add_typer(audit_app, name="audit")


@app.command()
def version() -> None:
    """Print pantau's version."""
    typer.echo(__version__)


if __name__ == "__main__":  # pragma: no cover
    app()
