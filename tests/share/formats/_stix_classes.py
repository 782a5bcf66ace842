"""The pantau STIX extensions registered with the stix2 library, written from the
extension definitions' text (not from pantau's code), so that ``stix2.parse(...,
allow_custom=False)`` checks every property of every pantau object: an unexpected property,
a wrong type or a missing required one is an error, as for the standard objects."""

from __future__ import annotations

from typing import Any

import stix2
from stix2.properties import (
    EnumProperty,
    FloatProperty,
    IntegerProperty,
    ListProperty,
    StringProperty,
    TimestampProperty,
)
from stix2.v21 import CustomExtension, CustomObject

VESSEL_EXTENSION = "extension-definition--5bc9779b-08a1-4094-8768-68993e1c1bfb"
RECORD_EXTENSION = "extension-definition--a3347ebe-192f-4f1c-bbfe-3e4b78c9edf1"


@CustomObject("pantau-vessel", [
    ("name", StringProperty(required=True)),
    ("mmsi", IntegerProperty(required=True)),
    ("shipname", StringProperty()),
    ("callsign", StringProperty()),
    ("imo", IntegerProperty()),
    ("ship_type", IntegerProperty(min=0, max=255)),
    ("length_m", IntegerProperty(min=0)),
    ("flag", StringProperty()),
    ("category", StringProperty()),
    ("affiliation", EnumProperty(["friend", "neutral", "hostile", "unknown"])),
], extension_name=VESSEL_EXTENSION)
class PantauVessel:
    pass


@CustomExtension(RECORD_EXTENSION, [
    ("record_type", EnumProperty(["incident", "alert"], required=True)),
    ("record_id", StringProperty(required=True)),
    ("status", StringProperty()),
    ("severity", StringProperty()),
    ("rule", StringProperty()),
    ("kind", StringProperty()),
    ("event_id", StringProperty()),
    ("event_ids", ListProperty(StringProperty)),
    ("mmsi", IntegerProperty()),
    ("other_mmsi", IntegerProperty()),
    ("mmsis", ListProperty(IntegerProperty)),
    ("zone", StringProperty()),
    ("start", TimestampProperty()),
    ("lat", FloatProperty(min=-90.0, max=90.0)),
    ("lon", FloatProperty(min=-180.0, max=180.0)),
    ("record_hash", StringProperty()),
])
class PantauRecord:
    extension_type = "property-extension"


def parse_strict(text: bytes) -> Any:
    """The bundle parsed and validated by stix2 with no custom content allowed."""
    return stix2.parse(text.decode(), allow_custom=False)
