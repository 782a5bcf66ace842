from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from pantau.share.formats.kml import KML_NS, render_kml

from ._release import FRIEND, HOSTILE, TRICKY, empty_release, golden_release, position, release

NS = {"k": KML_NS}


def document(data: bytes) -> ET.Element:
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(data)
    assert root.tag == f"{{{KML_NS}}}kml"
    doc = root.find("k:Document", NS)
    assert doc is not None
    return doc


def folders(doc: ET.Element) -> dict[str, list[ET.Element]]:
    return {f.findtext("k:name", namespaces=NS) or "": f.findall("k:Placemark", NS)
            for f in doc.findall("k:Folder", NS)}


def data(mark: ET.Element) -> dict[str, str]:
    return {d.get("name") or "": d.findtext("k:value", default="", namespaces=NS)
            for d in mark.findall("k:ExtendedData/k:Data", NS)}


def test_a_folder_per_record_type_and_the_release_in_extended_data() -> None:
    doc = document(render_kml(golden_release()))
    marks = folders(doc)
    assert list(marks) == ["tracks", "events", "alerts", "incidents"]
    assert [len(m) for m in marks.values()] == [4, 2, 3, 2]
    head = data(doc)
    assert head["agreement_id"] == "MY-AU-US-GOLD" and head["released_at"].endswith("Z")
    assert json.loads(head["releasable_to"]) == ["AUS", "USA"]


def test_track_placemark_is_a_linestring_named_by_identity_with_escaped_text() -> None:
    tracks = folders(document(render_kml(golden_release())))["tracks"]
    friend = next(m for m in tracks if data(m).get("mmsi") == str(FRIEND))
    assert friend.findtext("k:name", namespaces=NS) == TRICKY  # & < " survive the round trip
    coords = friend.findtext("k:LineString/k:coordinates", namespaces=NS)
    assert coords == "112.5,4.25 112.52,4.27 112.54,4.29"
    assert friend.findtext("k:TimeSpan/k:begin", namespaces=NS) == "2026-03-01T00:00:00Z"
    assert friend.findtext("k:TimeSpan/k:end", namespaces=NS) == "2026-03-01T00:20:00Z"
    fields = data(friend)
    assert fields["affiliation"] == "friend" and fields["tlp"] == "green"
    assert len(json.loads(fields["record_hashes"])) == 3
    single = next(m for m in tracks if m.find("k:Point", NS) is not None)
    assert single.findtext("k:Point/k:coordinates", namespaces=NS) == "113.2,5.1"
    nowhere = [m for m in tracks if m.find("k:Point", NS) is None
               and m.find("k:LineString", NS) is None]
    assert len(nowhere) == 1 and "unlocated_times" in data(nowhere[0])


def test_records_are_placemarks_with_every_field_and_nulls_left_out() -> None:
    marks = folders(document(render_kml(golden_release())))
    loiter = marks["events"][0]
    assert loiter.findtext("k:name", namespaces=NS) == "loitering: 海警 3901"
    assert loiter.findtext("k:Point/k:coordinates", namespaces=NS) == "113.1,5.0"
    fields = data(loiter)
    assert fields["zone"] == "Luconia <North> & co" and fields["tlp"] == "amber"
    assert fields["mmsi"] == str(HOSTILE) and "other_mmsi" not in fields
    alert = marks["alerts"][0]
    assert alert.findtext("k:name", namespaces=NS) == \
        'Loitering: 海警 3901 near "Kasawari" & <platform>'
    assert alert.findtext("k:TimeStamp/k:when", namespaces=NS) == "2026-03-01T00:00:00Z"
    inc = marks["incidents"][0]
    assert inc.findtext("k:description", namespaces=NS) == \
        'Line one\nLine <two> with "quotes" & ampersands'
    assert json.loads(data(inc)["event_ids"]) == ["ev-loiter", "ev-meet"]
    bare = marks["incidents"][1]
    assert bare.findtext("k:name", namespaces=NS) == "incident inc-2"
    assert bare.find("k:Point", NS) is None and "summary" not in data(bare)


def test_characters_xml_cannot_carry_become_replacement_characters() -> None:
    vessel = {"mmsi": FRIEND, "shipname": "NUL\x00BELL\x07 TAB\tOK", "affiliation": "friend"}
    out = render_kml(release([position(FRIEND, 0, 112.0, 4.0)], [vessel]))
    name = folders(document(out))["tracks"][0].findtext("k:name", namespaces=NS)
    assert name == "NUL\ufffdBELL\ufffd TAB\tOK"


def test_empty_release_has_the_four_empty_folders() -> None:
    marks = folders(document(render_kml(empty_release())))
    assert marks == {"tracks": [], "events": [], "alerts": [], "incidents": []}
