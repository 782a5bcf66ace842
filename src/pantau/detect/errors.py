"""The detectors' exception (misuse of the API; bad data is counted, not raised)."""

from __future__ import annotations

from pantau.errors import PantauError


class DetectError(PantauError):
    """Detectors were called wrongly (missing columns, bad parameters)."""
