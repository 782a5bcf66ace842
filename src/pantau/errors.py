"""One exception tree for misuse of pantau (bad input data is counted, not raised)."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO


class PantauError(Exception):
    """Base of every error pantau raises on purpose; the CLI prints its message."""


class InputError(PantauError):
    """An input cannot be read: missing, a directory, no permission."""


class OutputError(PantauError):
    """An output cannot be written: exists already, not writable."""


def open_input(path: str | Path, what: str = "") -> BinaryIO:
    """Open a file for reading, or raise InputError naming it and saying why not."""
    label = f"{what} {path}".strip()
    try:
        return Path(path).open("rb")
    except FileNotFoundError:
        raise InputError(f"{label}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{label}: is a directory, not a file") from None
    except OSError as e:
        raise InputError(f"{label}: cannot read ({e.strerror or e})") from None


def read_input(path: str | Path, what: str = "") -> bytes:
    """A whole file's bytes, or InputError naming it (see open_input)."""
    with open_input(path, what) as f:
        return f.read()
