"""Errors the zones package raises on purpose: misuse and unusable zone files."""

from __future__ import annotations

from pantau.errors import PantauError


class ZoneError(PantauError):
    """The zones API was misused: a naive datetime, a zone built with impossible values."""


class ZoneFileError(ZoneError):
    """A zones file (or GeoJSON object) cannot be used as it is.

    The message names the feature (index, and name when it has one) and what is wrong, so
    the author can fix the file; nothing in a zones file is skipped or repaired silently.
    """
