"""Zones: what they are, the zones file, labelling positions, distance to shore and ports.

Pure core (``model``, ``label``, ``distance``): arrays in, arrays out. ``geojson`` reads and
writes zones files; ``defaults`` loads the reference data shipped with pantau.
"""

from __future__ import annotations

from pantau.zones.distance import DistanceGrid, PortIndex
from pantau.zones.errors import ZoneError, ZoneFileError
from pantau.zones.geojson import dump_zones, load_zones, parse_zones
from pantau.zones.label import Transitions, ZoneIndex, in_zone, transitions, zone_indices
from pantau.zones.model import ZONE_KINDS, Zone, ZoneKind, ZoneSet

__all__ = [
    "ZONE_KINDS",
    "DistanceGrid",
    "PortIndex",
    "Transitions",
    "Zone",
    "ZoneError",
    "ZoneFileError",
    "ZoneIndex",
    "ZoneKind",
    "ZoneSet",
    "dump_zones",
    "in_zone",
    "load_zones",
    "parse_zones",
    "transitions",
    "zone_indices",
]
