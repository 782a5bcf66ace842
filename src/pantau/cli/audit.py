"""`pantau audit export|verify|head|report`: the hash-chained audit log of every release,
denial and agreement change, for the oversight body."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from pantau.cli._console import console, err_console, user_errors
from pantau.cli.ingest import DATA_DIR
from pantau.errors import OutputError, PantauError
from pantau.share import audit
from pantau.share.oversight import report as oversight_report
from pantau.store.embedded import EmbeddedStore

app = typer.Typer(help="The audit log: export, verify, head hash, oversight report.",
                  no_args_is_help=True)

FORCE = typer.Option("--force", help="Replace an existing --out file.")


def _free(out: Path, force: bool) -> None:
    if out.is_dir():
        raise OutputError(f"{out}: is a directory")
    if out.exists() and not force:
        raise OutputError(f"{out} exists; pass --force to replace it")


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="JSON Lines file to write.",
                                      show_default=False)],
    data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
    force: Annotated[bool, FORCE] = False,
) -> None:
    """Write the whole chain, one JSON object a line, for anyone to verify."""
    with user_errors():
        _free(out, force)
        with EmbeddedStore(data_dir, read_only=True) as store:
            n = audit.export_jsonl(store, out)
            tip = audit.head(store)
    console.print(f"exported {n} entries to {out}; head {tip.hash}", highlight=False,
                  soft_wrap=True)


@app.command()
def verify(
    file: Annotated[Path | None, typer.Argument(
        help="An export (pantau audit export); without it, the store's own chain.",
        show_default=False)] = None,
    data_dir: Annotated[Path | None, typer.Option(
        "--data-dir", help="Verify the chain in this data directory's store.",
        show_default=False)] = None,
    expect_head: Annotated[str | None, typer.Option(
        help="The head hash you were given (pantau audit head); detects entries cut from "
             "the end, which a chain cannot show by itself.", show_default=False)] = None,
    segment: Annotated[bool, typer.Option(
        help="The file is part of a chain: do not require it to start at genesis.")]
    = False,
) -> None:
    """Check every entry's hash and link. Exit 0 when intact, 1 naming the first entry
    changed, removed or reordered, 2 when it cannot be read."""
    with user_errors():
        if (file is None) == (data_dir is None):
            raise PantauError("give an export FILE or --data-dir DIR (one of the two)")
        if expect_head is not None:
            expect_head = audit.check_head(expect_head)
        if file is not None:
            result = audit.verify_file(file, segment=segment, expect_head=expect_head)
        else:
            assert data_dir is not None
            if segment:
                raise PantauError("--segment is for files; the store holds the whole chain")
            with EmbeddedStore(data_dir, read_only=True) as store:
                result = audit.verify_store(store, expect_head=expect_head)
    if result.ok:
        console.print(result.describe(), highlight=False, soft_wrap=True)
        return
    err_console.print(result.describe(), highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@app.command()
def head(data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data")) -> None:
    """Print the chain's head hash and length: give these to the oversight body, so that
    it can later tell a whole export from one cut short."""
    with user_errors(), EmbeddedStore(data_dir, read_only=True) as store:
        tip = audit.head(store)
    when = f", last entry seq {tip.seq} at {audit.format_at(tip.at)}" if tip.at else ""
    console.print(f"head {tip.hash}\nentries {tip.count}{when}", highlight=False,
                  soft_wrap=True)


@app.command()
def report(
    agreement: Annotated[str, typer.Option("--agreement", help="The agreement's id.",
                                           show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.",
                                      show_default=False)],
    data_dir: Annotated[Path, DATA_DIR] = Path("pantau-data"),
    force: Annotated[bool, FORCE] = False,
) -> None:
    """The oversight report for one agreement: terms, status history, releases and
    denials per month, and the chain's verification and head hash (one HTML file)."""
    with user_errors():
        _free(out, force)
        with EmbeddedStore(data_dir, read_only=True) as store:
            text = oversight_report(store, agreement)
        tmp = out.with_name(out.name + ".partial")
        try:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, out)
        except OSError as e:
            tmp.unlink(missing_ok=True)
            raise OutputError(f"{out}: cannot write ({e.strerror or e})") from None
    console.print(f"oversight report for {agreement} written to {out}", highlight=False,
                  soft_wrap=True)
