"""Errors the analytics package raises on purpose."""

from __future__ import annotations

from pantau.errors import PantauError


class AnalyticsError(PantauError):
    """A statistic was asked for with inputs it cannot use: a table without the needed
    columns, a naive time, an unknown zone or category."""
