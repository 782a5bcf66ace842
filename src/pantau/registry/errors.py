"""Errors the registry raises on purpose: misuse and unusable files, never bad rows."""

from __future__ import annotations

from pantau.errors import PantauError


class RegistryError(PantauError):
    """The registry was called with a table it cannot use (missing column, naive time)."""


class WatchlistError(RegistryError):
    """A watchlist file as a whole is unusable: empty, no header, not UTF-8.

    Bad rows are not errors: they come back as rejects next to the rows that were kept.
    """
