from __future__ import annotations

import json
import uuid
from collections import Counter
from typing import Any

import pytest
import stix2

from pantau.share.formats import FormatError
from pantau.share.formats.stix import (
    NAMESPACE,
    TLP2_EXTENSION,
    TLP2_MARKINGS,
    render_stix,
    stix_bundle,
)

from ._release import FISHER, HOSTILE, NEUTRAL, empty_release, golden_release, release
from ._stix_classes import PantauRecord, PantauVessel, parse_strict

# The ids OASIS publishes for TLP 2.0 (cti-stix-common-objects, tlp-2.0 extension),
# copied here from the published examples so a typo in pantau cannot pass.
OFFICIAL_TLP2 = {
    "TLP:CLEAR": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "TLP:GREEN": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "TLP:AMBER": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "TLP:AMBER+STRICT": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "TLP:RED": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}


def objects(data: bytes) -> dict[str, dict[str, Any]]:
    bundle = json.loads(data)
    return {o["id"]: o for o in bundle["objects"]}


def of_type(objs: dict[str, dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [o for o in objs.values() if o["type"] == kind]


def record(objs: dict[str, dict[str, Any]], record_id: str) -> dict[str, Any]:
    return next(o for o in of_type(objs, "incident")
                if o["extensions"]["extension-definition--a3347ebe-192f-4f1c-bbfe-3e4b78c9edf1"]
                ["record_id"] == record_id)


def test_bundle_passes_strict_stix2_validation_with_pantau_types() -> None:
    bundle = parse_strict(render_stix(golden_release()))
    kinds = Counter(type(o).__name__ for o in bundle.objects)
    assert kinds == {"Identity": 2, "ExtensionDefinition": 2, "MarkingDefinition": 5,
                     "PantauVessel": 3, "Incident": 5, "Relationship": 8}
    incident = next(o for o in bundle.objects if o.type == "incident")
    ext = incident.extensions["extension-definition--a3347ebe-192f-4f1c-bbfe-3e4b78c9edf1"]
    assert isinstance(ext, PantauRecord)
    assert all(isinstance(o, PantauVessel) for o in bundle.objects if o.type == "pantau-vessel")


def test_a_property_the_extension_does_not_define_fails_validation() -> None:
    # the strict parse is not a rubber stamp
    doc = json.loads(render_stix(golden_release()))
    vessel = next(o for o in doc["objects"] if o["type"] == "pantau-vessel")
    vessel["speed"] = 3
    with pytest.raises(stix2.exceptions.STIXError):
        parse_strict(json.dumps(doc).encode())


def test_tlp_markings_are_the_official_tlp2_objects() -> None:
    markings = of_type(objects(render_stix(golden_release())), "marking-definition")
    assert {m["name"]: m["id"] for m in markings} == OFFICIAL_TLP2
    for m in markings:
        assert m["created"] == "2022-10-01T00:00:00.000Z"
        assert m["extensions"] == {TLP2_EXTENSION: {
            "extension_type": "property-extension",
            "tlp_2_0": m["name"].removeprefix("TLP:").lower()}}
    assert TLP2_MARKINGS["amber+strict"] == OFFICIAL_TLP2["TLP:AMBER+STRICT"]


def test_every_object_is_marked_with_one_label_present_in_the_bundle() -> None:
    objs = objects(render_stix(golden_release()))
    for obj in objs.values():
        if obj["type"] == "marking-definition":
            continue
        (mark,) = obj["object_marking_refs"]
        assert mark in objs and objs[mark]["type"] == "marking-definition"
    inc = record(objs, "inc-1")
    assert inc["object_marking_refs"] == [TLP2_MARKINGS["amber+strict"]]
    assert record(objs, "al-3")["object_marking_refs"] == [TLP2_MARKINGS["clear"]]


def test_incidents_and_alerts_carry_their_fields() -> None:
    objs = objects(render_stix(golden_release()))
    inc = record(objs, "inc-1")
    assert inc["name"] == "Coast guard loitering & escort <draft>"
    assert inc["description"].startswith("Line one\nLine <two>")
    assert inc["created"] == "2026-03-01T02:00:00.000Z"
    assert inc["modified"] == "2026-03-01T05:00:00.000Z"
    assert inc["external_references"] == [{"source_name": "pantau", "external_id": "inc-1"}]
    ext = inc["extensions"]["extension-definition--a3347ebe-192f-4f1c-bbfe-3e4b78c9edf1"]
    assert ext["record_type"] == "incident" and ext["status"] == "triaged"
    assert ext["event_ids"] == ["ev-loiter", "ev-meet"] and ext["mmsis"] == [HOSTILE, FISHER]
    bare = record(objs, "inc-2")
    assert bare["name"] == "incident inc-2" and "description" not in bare
    assert bare["created"] == "2026-03-02T08:00:00.000Z"  # no creation time: the release's
    alert = record(objs, "al-3")
    assert alert["created"] == alert["modified"] == "2026-03-01T02:00:00.000250Z"
    ext = alert["extensions"]["extension-definition--a3347ebe-192f-4f1c-bbfe-3e4b78c9edf1"]
    assert ext["record_type"] == "alert" and ext["rule"] == "watchlist"
    assert "lat" not in ext  # nulls are left out, as STIX requires


def test_vessels_and_relationships_link_records_to_the_vessels_they_name() -> None:
    objs = objects(render_stix(golden_release()))
    vessels = {v["mmsi"]: v for v in of_type(objs, "pantau-vessel")}
    assert sorted(vessels) == [HOSTILE, NEUTRAL, FISHER]
    hostile = vessels[HOSTILE]
    assert hostile["name"] == "海警 3901" and hostile["affiliation"] == "hostile"
    assert hostile["category"] == "coast_guard" and "callsign" not in hostile
    # named by amber, green and amber+strict records: marked with the strictest
    assert hostile["object_marking_refs"] == [TLP2_MARKINGS["amber+strict"]]
    assert vessels[FISHER]["name"] == "XVAB" and "affiliation" not in vessels[FISHER]
    links = {(objs[r["source_ref"]]["external_references"][0]["external_id"],
              objs[r["target_ref"]].get("mmsi")
              or objs[r["target_ref"]]["external_references"][0]["external_id"])
             for r in of_type(objs, "relationship")}
    assert links == {("inc-1", HOSTILE), ("inc-1", FISHER), ("inc-1", "al-1"),
                     ("inc-1", "al-2"), ("al-1", HOSTILE), ("al-2", HOSTILE),
                     ("al-2", FISHER), ("al-3", NEUTRAL)}
    for rel in of_type(objs, "relationship"):
        assert rel["relationship_type"] == "related-to"


def test_ids_are_uuid5_of_record_ids_so_re_exports_are_identical() -> None:
    first = render_stix(golden_release())
    assert first == render_stix(golden_release())
    objs = objects(first)
    expected = f"incident--{uuid.uuid5(NAMESPACE, 'incident|incident|inc-1')}"
    assert record(objs, "inc-1")["id"] == expected
    vessel = f"pantau-vessel--{uuid.uuid5(NAMESPACE, f'pantau-vessel|{HOSTILE}')}"
    assert vessel in objs


def test_alert_naming_one_vessel_twice_relates_it_once() -> None:
    alert = {"alert_id": "twice", "mmsi": HOSTILE, "other_mmsi": HOSTILE, "tlp": "green",
             "record_hash": "h"}
    bundle = parse_strict(render_stix(release(alerts=[alert])))
    assert sum(o.type == "relationship" for o in bundle.objects) == 1


def test_empty_release_is_a_valid_bundle_with_the_producer_alone() -> None:
    bundle = parse_strict(render_stix(empty_release()))
    assert [o.type for o in bundle.objects] == ["identity", "identity", "marking-definition"]
    assert stix_bundle(empty_release(), producer="Maritime Ops Centre")["objects"][0][
        "name"] == "Maritime Ops Centre"


def test_producer_must_have_a_name() -> None:
    with pytest.raises(FormatError, match="producer"):
        stix_bundle(empty_release(), producer=" ")
