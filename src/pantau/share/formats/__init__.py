"""Output formats for a partner release: each renders a :class:`~pantau.share.release.Release`
and nothing else, so no format can carry a record the policy did not pass.

``render(release, "geojson")`` gives the bytes; :data:`FORMATS` maps each name to its
renderer, :data:`MEDIA_TYPES` and :data:`SUFFIXES` say how to serve and name the result.
Every renderer checks the release against its contract first (a labelled row without a TLP
label, a latitude out of range, a repeated id: :class:`FormatError`) and orders records the
same way, so one release always renders to the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable

from pantau.share.formats._common import FormatError
from pantau.share.formats.cot import cot_events, cot_left_out, render_cot
from pantau.share.formats.csv_table import CSV_COLUMNS, render_csv
from pantau.share.formats.geojson import feature_collection, render_geojson
from pantau.share.formats.kml import render_kml
from pantau.share.formats.stix import render_stix, stix_bundle
from pantau.share.release import Release

__all__ = ["CSV_COLUMNS", "FORMATS", "MEDIA_TYPES", "SUFFIXES", "FormatError",
           "UnknownFormatError", "cot_events", "cot_left_out", "feature_collection", "render",
           "stix_bundle"]

FORMATS: dict[str, Callable[[Release], bytes]] = {
    "geojson": render_geojson,
    "kml": render_kml,
    "csv": render_csv,
    "cot": render_cot,
    "stix": render_stix,
}
MEDIA_TYPES: dict[str, str] = {
    "geojson": "application/geo+json",
    "kml": "application/vnd.google-earth.kml+xml",
    "csv": "text/csv; charset=utf-8",
    "cot": "application/xml",
    "stix": "application/stix+json;version=2.1",
}
SUFFIXES: dict[str, str] = {"geojson": ".geojson", "kml": ".kml", "csv": ".csv",
                            "cot": ".cot.xml", "stix": ".stix.json"}


class UnknownFormatError(FormatError):
    """A format name that is not in :data:`FORMATS`."""


def render(release: Release, fmt: str) -> bytes:
    """The release in format ``fmt`` (a key of :data:`FORMATS`, any case)."""
    renderer = FORMATS.get(fmt.strip().lower())
    if renderer is None:
        raise UnknownFormatError(f"unknown release format {fmt!r} (known: "
                                 f"{', '.join(sorted(FORMATS))})")
    return renderer(release)
