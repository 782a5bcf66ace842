"""Shared console helpers: one place that turns PantauError into a clear exit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from pantau.errors import PantauError

console = Console()
err_console = Console(stderr=True)


@contextmanager
def user_errors() -> Iterator[None]:
    """PantauError -> a red one-line message and exit status 2, not a traceback."""
    try:
        yield
    except PantauError as e:
        err_console.print(f"[bold red]error:[/] {e}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


@contextmanager
def byte_progress(total: int | None, label: str) -> Iterator[Callable[[int], Any]]:
    """A progress bar over bytes read, on a terminal only; yields the advance callback."""
    if not err_console.is_terminal or not total:
        yield lambda n: None
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                  TimeRemainingColumn(), console=err_console, transient=True) as progress:
        task = progress.add_task(label, total=total)
        yield lambda n: progress.advance(task, n)
