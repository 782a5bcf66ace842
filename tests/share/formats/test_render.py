"""The registry, and the release contract every format enforces before writing a byte."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pyarrow as pa
import pytest

from pantau.errors import PantauError
from pantau.schema import RELEASE_TABLES
from pantau.share.formats import (
    FORMATS,
    MEDIA_TYPES,
    SUFFIXES,
    FormatError,
    UnknownFormatError,
    render,
)
from pantau.share.release import Release

from ._release import (
    EVENTS,
    FRIEND,
    INCIDENTS,
    RELEASED_AT,
    VESSELS,
    agreement,
    golden_release,
    position,
    release,
    table,
)


def test_every_format_is_registered_with_a_media_type_and_suffix() -> None:
    assert sorted(FORMATS) == ["cot", "csv", "geojson", "kml", "stix"]
    assert set(MEDIA_TYPES) == set(FORMATS) == set(SUFFIXES)
    r = golden_release()
    for name, renderer in FORMATS.items():
        assert render(r, name) == renderer(r)
    assert render(r, " GeoJSON ") == FORMATS["geojson"](r)


def test_unknown_format_names_the_known_ones() -> None:
    with pytest.raises(UnknownFormatError) as info:
        render(golden_release(), "shapefile")
    assert isinstance(info.value, PantauError)
    assert str(info.value) == ("unknown release format 'shapefile' (known: cot, csv, "
                               "geojson, kml, stix)")


def _one(**changes: Any) -> Release:
    return release([{**position(FRIEND, 0, 112.0, 4.0), **changes}])


BAD: dict[str, tuple[Callable[[], Release], str]] = {
    "no tlp": (lambda: _one(tlp=None), "has no TLP label"),
    "not a tlp": (lambda: _one(tlp="white"), "unknown TLP label 'white'"),
    "latitude": (lambda: _one(lat=91.5), "latitude 91.5 is outside -90..90"),
    "longitude": (lambda: _one(lon=-181.0), "longitude -181.0 is outside -180..180"),
    "nan": (lambda: _one(sog_kn=math.nan), "sog_kn is nan, not a finite number"),
    "no time": (lambda: _one(t=None), "has no time"),
    "no mmsi": (lambda: _one(mmsi=None), "a tracks row has no mmsi"),
    "twice the vessel": (lambda: release(vessels=[VESSELS[0], VESSELS[0]]),
                         f"more than one row with mmsi {VESSELS[0]['mmsi']}"),
    "twice the event": (lambda: release(events=[EVENTS[0], EVENTS[0]]),
                        "more than one row with event_id 'ev-loiter'"),
    "event without id": (lambda: release(events=[{**EVENTS[0], "event_id": None}]),
                         "events row without event_id"),
    "incident without label": (lambda: release(incidents=[{**INCIDENTS[0], "tlp": None}]),
                               "incident 'inc-1' has no TLP label"),
    "affiliation": (lambda: release(vessels=[{**VESSELS[0], "affiliation": "ally"}]),
                    "affiliation 'ally' is not one of friend, neutral, hostile, unknown"),
    "naive release time": (lambda: release(released_at=datetime(2026, 3, 2, 8)),
                           "released_at must be a timezone-aware"),
    "missing column": (lambda: Release(agreement(), (), "p", RELEASED_AT, tables={
        "tracks": table("tracks", []).drop_columns(["tlp"])}),
        "release table 'tracks' lacks column(s) tlp"),
    "wrong type": (lambda: Release(agreement(), (), "p", RELEASED_AT, tables={
        "tracks": table("tracks", [position(FRIEND, 0, 112.0, 4.0)]).set_column(
            0, "mmsi", pa.array(["533 000 001"]))}),
        "release table 'tracks' does not match its schema"),
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("case", sorted(BAD))
def test_a_release_breaking_its_contract_is_refused_by_every_format(case: str,
                                                                     fmt: str) -> None:
    make, message = BAD[case]
    with pytest.raises(FormatError) as info:
        render(make(), fmt)
    assert message in str(info.value)


def test_labels_are_read_in_any_case_and_written_in_lower_case() -> None:
    out = render(_one(tlp="AMBER+STRICT"), "csv").decode()
    assert ",amber+strict," in out


def test_extra_columns_in_a_release_table_are_not_rendered() -> None:
    extra = table("tracks", [position(FRIEND, 0, 112.0, 4.0)]).append_column(
        "secret_note", pa.array(["do not share"]))
    r = Release(agreement(), (), "p", RELEASED_AT, tables={"tracks": extra})
    for fmt in FORMATS:
        assert b"do not share" not in render(r, fmt) and b"secret_note" not in render(r, fmt)


def test_release_schemas_are_the_ones_the_formats_were_written_for() -> None:
    # a new release column must be placed in the CSV column list and the formats' docs
    assert {name: len(schema) for name, schema in RELEASE_TABLES.items()} == {
        "tracks": 9, "vessels": 9, "events": 13, "alerts": 14, "incidents": 13}


def test_microseconds_are_written_only_when_there_are_some() -> None:
    r = release([position(FRIEND, 0, 112.0, 4.0),
                 {**position(FRIEND, 1, 112.0, 4.0), "t": position(FRIEND, 1, 0, 0)["t"]
                  + timedelta(microseconds=5)}])
    csv_text = render(r, "csv").decode()
    assert "2026-03-01T00:00:00Z" in csv_text and "2026-03-01T00:01:00.000005Z" in csv_text
