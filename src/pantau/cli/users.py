"""`pantau users add|list|token|revoke|password`: who may use the API and the web page,
in which role.

A new token is printed once, on the last line of the output, so that a script can take
it with `tail -n 1`; pantau keeps only its digest and cannot show it again.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pantau.api import sessions
from pantau.api import users as accounts
from pantau.cli._console import console, user_errors
from pantau.cli.ingest import DATA_DIR
from pantau.errors import PantauError
from pantau.store.embedded import EmbeddedStore

app = typer.Typer(help="Users, roles and API tokens.", no_args_is_help=True)

NAME = typer.Argument(help="User name (lower-case letters, digits, . _ -).",
                      show_default=False)


def _print_token(new: accounts.NewToken) -> None:
    typer.echo(f"API token for {new.user_name} (id {new.token_id}); shown only now, "
               "keep it secret:")
    typer.echo(new.token)


@app.command()
def add(
    name: Annotated[str, NAME],
    role: Annotated[str, typer.Option(help=f"One of {', '.join(accounts.ROLES)}.",
                                      show_default=False)],
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read a password (for the web page) from stdin.")] = False,
    data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
) -> None:
    """Create a user; prints a new API token on the last line."""
    with user_errors():
        accounts.check_name(name)
        accounts.check_role(role)
        password = _read_password() if password_stdin else None
        with EmbeddedStore(data_dir) as store:
            user = accounts.add_user(store, name, role, password)
            new = accounts.issue_token(store, user.name)
    typer.echo(f"created user {user.name} with role {user.role}"
               + (" and a password" if password is not None else ""))
    _print_token(new)


def _read_password() -> str:
    # one line, as `docker login --password-stdin` reads it: the newline is not part of it
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise PantauError("--password-stdin: no password on stdin")
    return password


@app.command("list")
def list_users(
    data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Users, their roles and how many live tokens each has."""
    with user_errors(), EmbeddedStore(data_dir, read_only=True) as store:
        found = accounts.list_users(store)
    if as_json:
        typer.echo(json.dumps(found, default=lambda t: t.isoformat().replace("+00:00", "Z"),
                              indent=1))
        return
    view = Table("name", "role", "created", "password", "live tokens",
                 title=f"{len(found)} users in {data_dir}", title_justify="left")
    for u in found:
        created = u["created_at"]
        view.add_row(str(u["name"]), str(u["role"]),
                     created.isoformat(timespec="seconds").replace("+00:00", "Z")
                     if isinstance(created, datetime) else "",
                     "yes" if u["password"] else "no", str(u["active_tokens"]))
    console.print(view)


@app.command()
def token(
    name: Annotated[str, NAME],
    data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
) -> None:
    """Issue another API token for a user; printed on the last line."""
    with user_errors(), EmbeddedStore(data_dir) as store:
        new = accounts.issue_token(store, name)
    _print_token(new)


@app.command()
def revoke(
    name: Annotated[str, NAME],
    data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
) -> None:
    """Revoke every API token of a user and end their web sessions (at once: the next
    request with one gets 401)."""
    with user_errors(), EmbeddedStore(data_dir) as store:
        n = accounts.revoke_tokens(store, name)
        ended = sessions.end_sessions(store, name)
    typer.echo(f"revoked {n} token(s) of {name} and ended {ended} web session(s)")


@app.command()
def password(
    name: Annotated[str, NAME],
    data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
) -> None:
    """Set a user's password for the web page, read from stdin (one line); ends the
    user's web sessions."""
    with user_errors():
        new = _read_password()
        with EmbeddedStore(data_dir) as store:
            ended = accounts.set_password(store, name, new)
    typer.echo(f"new password for {name}; ended {ended} web session(s)")
