"""Statistics analysts publish from the archive: presence per zone and vessel category.

``presence`` is the pure core (Arrow tables in, Arrow table out); ``archive_presence``
reads the positions archive and the store; ``presence_plot`` draws a chart.
"""

from __future__ import annotations

from pantau.analytics.errors import AnalyticsError
from pantau.analytics.presence import (
    PERIODS,
    PRESENCE,
    PRESENCE_COLUMNS,
    RULE_VERSION,
    Period,
    PresenceRule,
    inside_zone,
    presence,
)

__all__ = [
    "PERIODS",
    "PRESENCE",
    "PRESENCE_COLUMNS",
    "RULE_VERSION",
    "AnalyticsError",
    "Period",
    "PresenceRule",
    "inside_zone",
    "presence",
]
