from __future__ import annotations

import csv
import io
import json

from pantau.schema import RELEASE_TABLES
from pantau.share.formats.csv_table import CSV_COLUMNS, render_csv

from ._release import FRIEND, HOSTILE, TRICKY, empty_release, golden_release, release


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode(), newline="")))


def test_columns_start_with_record_type_and_cover_every_release_column() -> None:
    assert CSV_COLUMNS[0] == "record_type" and len(set(CSV_COLUMNS)) == len(CSV_COLUMNS)
    for name, schema in RELEASE_TABLES.items():
        assert set(schema.names) <= set(CSV_COLUMNS), name
    header = render_csv(golden_release()).decode().splitlines()[0]
    assert header.split(",") == list(CSV_COLUMNS)


def test_one_line_per_row_vessels_first_then_each_table_in_order() -> None:
    lines = rows(render_csv(golden_release()))
    assert [r["record_type"] for r in lines] == (
        ["vessel"] * 4 + ["track"] * 7 + ["event"] * 2 + ["alert"] * 3 + ["incident"] * 2)
    assert [r["mmsi"] for r in lines[:4]] == sorted(r["mmsi"] for r in lines[:4])


def test_vessel_fields_are_filled_in_on_track_rows_and_values_are_written_plainly() -> None:
    lines = rows(render_csv(golden_release()))
    track = next(r for r in lines if r["record_type"] == "track" and r["mmsi"] == str(FRIEND))
    assert track["shipname"] == TRICKY and track["affiliation"] == "friend"
    assert track["t"] == "2026-03-01T00:00:00Z" and track["sog_kn"] == "10.0"
    assert track["event_id"] == "" and track["tlp"] == "green"
    event = next(r for r in lines if r["record_type"] == "event")
    assert event["mmsi"] == str(HOSTILE) and event["end"] == "2026-03-01T04:00:00Z"
    assert json.loads(event["details"])["min_duration_s"] == 14400
    inc = next(r for r in lines if r["record_type"] == "incident")
    assert json.loads(inc["event_ids"]) == ["ev-loiter", "ev-meet"]
    assert json.loads(inc["mmsis"]) == [HOSTILE, 574000003]
    assert inc["summary"] == 'Line one\nLine <two> with "quotes" & ampersands'
    for line in lines:
        for col in ("t", "start", "end", "created_at", "updated_at"):
            assert line[col] == "" or line[col].endswith("Z")


def test_empty_release_is_the_header_alone() -> None:
    assert render_csv(empty_release()) == (",".join(CSV_COLUMNS) + "\n").encode()


def test_a_carriage_return_or_comma_in_a_cell_keeps_the_row_whole() -> None:
    vessel = {"mmsi": FRIEND, "shipname": "CR\rIN, NAME", "callsign": 'Q"T'}
    lines = rows(render_csv(release(vessels=[vessel])))
    assert len(lines) == 1
    assert lines[0]["shipname"] == "CR\rIN, NAME" and lines[0]["callsign"] == 'Q"T'
