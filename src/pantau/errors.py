"""One exception tree for misuse of pantau (bad input data is counted, not raised)."""

from __future__ import annotations


class PantauError(Exception):
    """Base of every error pantau raises on purpose; the CLI prints its message."""


class InputError(PantauError):
    """An input cannot be read: missing, a directory, no permission."""


class OutputError(PantauError):
    """An output cannot be written: exists already, not writable."""
