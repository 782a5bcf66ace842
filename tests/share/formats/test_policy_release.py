"""The formats over a release the sharing policy made (not one built by hand)."""

from __future__ import annotations

import json
from datetime import timedelta

from pantau.share.formats import FORMATS, cot_events, render
from pantau.share.policy import decide

from .._fixtures import PARTNER, T0, agreement, events, holdings, positions, vessels, zones
from ._stix_classes import parse_strict


def test_every_format_renders_what_the_policy_released() -> None:
    h = holdings(positions=positions([(1, T0, 100.5, 0.5), (1, T0 + timedelta(minutes=5),
                                                           100.51, 0.51),
                                      (3, T0, 100.6, 0.6), (2, T0, 100.7, 0.7)]),
                 vessels=vessels([(1, "TRAWLER", "fishing"), (2, "KD OWN", "own_asset"),
                                  (3, "CG 5901", "coast_guard")]),
                 events=events([{"event_id": "e1", "mmsi": 3, "start": T0, "end": T0,
                                 "lat": 0.5, "lon": 100.5}]))
    r = decide(agreement(precision_m=50.0), [PARTNER], h, zones(), T0 + timedelta(hours=1))
    outputs = {fmt: render(r, fmt) for fmt in FORMATS}
    doc = json.loads(outputs["geojson"])
    tracks = [f for f in doc["features"] if f["properties"]["record_type"] == "track"]
    assert sorted(f["properties"]["mmsi"] for f in tracks) == [1, 3]  # own asset withheld
    assert doc["pantau"]["releasable_to"] == ["USA"]
    assert len(cot_events(r)) == 2 and b"KD OWN" not in outputs["cot"]
    assert b'ce="50.0"' in outputs["cot"]
    parse_strict(outputs["stix"])
