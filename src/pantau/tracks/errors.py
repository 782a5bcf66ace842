"""Errors the tracks package raises on purpose: misuse of its API, never bad rows."""

from __future__ import annotations

from pantau.errors import PantauError


class TracksError(PantauError):
    """A tracks function was called with a table or parameter it cannot use: a missing
    column, a naive timestamp, unsorted input to ``segment``, a negative threshold.

    Bad positions are not errors: :func:`pantau.tracks.prepare` returns them, with their
    reason, next to the rows it keeps.
    """
