from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from pantau.share.formats import FormatError
from pantau.share.formats.cot import (
    ALERT_TYPE,
    MS_PER_KNOT,
    cot_events,
    cot_left_out,
    cot_type,
    render_cot,
)

from ._release import (
    FISHER,
    FRIEND,
    HOSTILE,
    NEUTRAL,
    TRICKY,
    UNNAMED,
    empty_release,
    golden_release,
    position,
    release,
)


def get(element: ET.Element, path: str, name: str) -> str | None:
    found = element.find(path)
    assert found is not None, f"no {path}"
    return found.get(name)


def events_of(data: list[bytes]) -> dict[str, ET.Element]:
    out = {}
    for doc in data:
        assert doc.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>')
        event = ET.fromstring(doc)
        assert event.tag == "event" and event.get("version") == "2.0"
        out[event.get("uid") or ""] = event
    return out


def test_one_event_per_located_vessel_and_per_plottable_alert() -> None:
    events = events_of(cot_events(golden_release()))
    assert list(events) == [f"pantau-mmsi-{HOSTILE}", f"pantau-mmsi-{FRIEND}",
                            f"pantau-mmsi-{FISHER}", "pantau-alert-al-1", "pantau-alert-al-2"]
    assert cot_left_out(golden_release()) == [f"pantau-mmsi-{UNNAMED}", "pantau-alert-al-3"]


@pytest.mark.parametrize(("affiliation", "expected"), [
    ("friend", "a-f-S-X"), ("hostile", "a-h-S-X"), ("neutral", "a-n-S-X"),
    ("unknown", "a-u-S-X"), (None, "a-u-S-X")])
def test_type_follows_the_registry_affiliation(affiliation: str | None, expected: str) -> None:
    assert cot_type(affiliation) == expected
    vessel = {"mmsi": FRIEND, "shipname": "X", "flag": "MY", "affiliation": affiliation}
    (doc,) = cot_events(release([position(FRIEND, 0, 112.0, 4.0)], [vessel]))
    assert ET.fromstring(doc).get("type") == expected


def test_the_flag_never_decides_the_affiliation() -> None:
    # same flag, different registry entries; a Malaysian flag with no entry stays unknown
    vessels = [{"mmsi": 533000011, "flag": "MY", "affiliation": "hostile"},
               {"mmsi": 533000012, "flag": "MY", "affiliation": None},
               {"mmsi": 533000013, "flag": "MY", "affiliation": "friend"}]
    tracks = [position(v["mmsi"], 0, 112.0, 4.0) for v in vessels]
    types = [ET.fromstring(d).get("type") for d in cot_events(release(tracks, vessels))]
    assert types == ["a-h-S-X", "a-u-S-X", "a-f-S-X"]


def test_vessel_event_is_the_latest_position_with_speed_in_metres_per_second() -> None:
    friend = events_of(cot_events(golden_release()))[f"pantau-mmsi-{FRIEND}"]
    assert friend.get("how") == "m-g"
    assert friend.get("time") == "2026-03-02T08:00:00Z"
    assert friend.get("start") == "2026-03-01T00:20:00Z"
    assert friend.get("stale") == "2026-03-02T08:15:00Z"  # 15 min after the release
    point = friend.find("point")
    assert point is not None
    assert point.attrib == {"lat": "4.29", "lon": "112.54", "hae": "9999999.0",
                            "ce": "100.0", "le": "9999999.0"}
    track = friend.find("detail/track")
    assert track is not None and track.get("course") == "45.0"
    assert float(track.get("speed") or 0) == pytest.approx(12.5 * 0.514444, abs=1e-5)
    assert float(track.get("speed") or 0) == round(12.5 * MS_PER_KNOT, 6)
    contact = friend.find("detail/contact")
    assert contact is not None and contact.get("callsign") == TRICKY
    remarks = friend.findtext("detail/remarks") or ""
    assert TRICKY in remarks and "TLP:GREEN" in remarks and "SOG 12.5 kn" in remarks


def test_unknown_course_or_speed_leaves_the_track_out() -> None:
    fisher = events_of(cot_events(golden_release()))[f"pantau-mmsi-{FISHER}"]
    assert fisher.find("detail/track") is None
    assert get(fisher, "detail/contact", "callsign") == "XVAB"


def test_releasability_in_access_and_the_pantau_detail() -> None:
    for event in events_of(cot_events(golden_release())).values():
        assert event.get("access") == "REL TO AUS, USA"
        mark = event.find("detail/pantau")
        assert mark is not None
        assert mark.get("releasableto") == "AUS USA"
        assert mark.get("agreement") == "MY-AU-US-GOLD"
        assert mark.get("tlp") in {"clear", "green", "amber"}
        assert len(mark.get("record_hash") or "") == 64


def test_ce_is_unknown_when_the_agreement_keeps_full_precision() -> None:
    (doc,) = cot_events(release([position(FRIEND, 0, 112.0, 4.0)], precision_m=0.0))
    assert get(ET.fromstring(doc), "point", "ce") == "9999999.0"


def test_alert_events_use_their_position_else_the_vessel_latest() -> None:
    events = events_of(cot_events(golden_release()))
    loiter = events["pantau-alert-al-1"]
    assert loiter.get("type") == ALERT_TYPE and loiter.get("start") == "2026-03-01T00:00:00Z"
    assert get(loiter, "point", "lat") == "5.0"
    assert get(loiter, "detail/contact", "callsign") == \
        'Loitering: 海警 3901 near "Kasawari" & <platform>'
    assert "severity high" in (loiter.findtext("detail/remarks") or "")
    assert get(loiter, "detail/pantau", "tlp") == "amber"
    meet = events["pantau-alert-al-2"]
    point = meet.find("point")
    assert point is not None and (point.get("lat"), point.get("lon")) == ("4.99", "113.1")
    assert "latest released position" in (meet.findtext("detail/remarks") or "")
    assert get(meet, "detail/pantau", "other_mmsi") == str(FISHER)


def test_an_alert_with_no_position_anywhere_is_reported_as_left_out() -> None:
    alert = {"alert_id": "lost", "rule": "r", "mmsi": NEUTRAL, "tlp": "green",
             "record_hash": "h"}
    assert cot_events(release(alerts=[alert])) == []
    assert cot_left_out(release(alerts=[alert])) == ["pantau-alert-lost"]


def test_render_is_the_events_one_after_another_and_empty_is_empty() -> None:
    assert render_cot(golden_release()) == b"".join(cot_events(golden_release()))
    assert render_cot(empty_release()) == b"" and cot_left_out(empty_release()) == []


def test_unknown_affiliation_value_is_refused() -> None:
    with pytest.raises(FormatError, match="affiliation 'ally'"):
        cot_events(release([position(FRIEND, 0, 112.0, 4.0)],
                           [{"mmsi": FRIEND, "affiliation": "ally"}]))
