"""Releases built by hand for the format tests: a fixed one for the golden files (tricky
names, nulls, unicode, every TLP label) and a builder for the rest."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pyarrow as pa

from pantau.schema import RELEASE_TABLES
from pantau.share.model import Agreement, Partner, ShareTerms, StatusChange, day_start
from pantau.share.release import Release

T0 = datetime(2026, 3, 1, tzinfo=UTC)
RELEASED_AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
PARTNERS = (Partner("AUS", "Australia"), Partner("USA", "United States"))
TRICKY = 'A&B <"Ship">'


def agreement(precision_m: float = 100.0, agreement_id: str = "MY-AU-US-GOLD") -> Agreement:
    return Agreement(agreement_id, "Golden test agreement", ("AUS", "USA"), date(2026, 1, 1),
                     date(2026, 1, 1), date(2027, 1, 1), False,
                     ShareTerms(frozenset({"tracks", "events", "alerts", "incidents"}),
                                ("BOX-A",), 0.0, precision_m, frozenset({"own_asset"}), "red"),
                     history=(StatusChange(day_start(date(2026, 1, 1)), "in_force"),))


def digest(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def table(name: str, rows: Iterable[dict[str, Any]]) -> pa.Table:
    """Rows (missing columns null) as a table with the release schema."""
    schema = RELEASE_TABLES[name]
    rows = list(rows)
    for r in rows:
        unknown = set(r) - set(schema.names)
        assert not unknown, f"{name} has no column(s) {unknown}"
    return pa.Table.from_pylist([{c: r.get(c) for c in schema.names} for r in rows],
                                schema=schema)


def release(tracks: Iterable[dict[str, Any]] = (), vessels: Iterable[dict[str, Any]] = (),
            events: Iterable[dict[str, Any]] = (), alerts: Iterable[dict[str, Any]] = (),
            incidents: Iterable[dict[str, Any]] = (), precision_m: float = 100.0,
            released_at: datetime = RELEASED_AT,
            partners: tuple[Partner, ...] = PARTNERS) -> Release:
    tables = {"tracks": table("tracks", tracks), "vessels": table("vessels", vessels),
              "events": table("events", events), "alerts": table("alerts", alerts),
              "incidents": table("incidents", incidents)}
    return Release(agreement(precision_m), partners, "share-policy/1 MY-AU-US-GOLD v1",
                   released_at, since=T0, until=T0 + timedelta(days=1), tables=tables)


def position(mmsi: int, minutes: float, lon: float | None, lat: float | None,
             sog_kn: float | None = 10.0, cog_deg: float | None = 90.0,
             heading_deg: float | None = None, tlp: str = "green") -> dict[str, Any]:
    t = T0 + timedelta(minutes=minutes)
    return {"mmsi": mmsi, "t": t, "lon": lon, "lat": lat, "sog_kn": sog_kn,
            "cog_deg": cog_deg, "heading_deg": heading_deg, "tlp": tlp,
            "record_hash": digest("track", mmsi, t.isoformat())}


FRIEND, HOSTILE, FISHER, NEUTRAL, UNNAMED = 533000001, 412000002, 574000003, 563000004, 244000005

VESSELS = [
    {"mmsi": FRIEND, "shipname": TRICKY, "callsign": "9MAB1", "imo": 9000001,
     "ship_type": 55, "length_m": 80, "flag": "MY", "category": "law_enforcement",
     "affiliation": "friend"},
    {"mmsi": HOSTILE, "shipname": "海警 3901", "length_m": 165, "flag": "CN",
     "category": "coast_guard", "affiliation": "hostile"},
    {"mmsi": FISHER, "callsign": "XVAB", "flag": "VN", "category": "fishing"},
    {"mmsi": NEUTRAL, "shipname": "Neutral Trader", "flag": "SG", "category": "other",
     "affiliation": "neutral"},
]
TRACKS = [
    position(FRIEND, 0, 112.5, 4.25, 10.0, 45.0, 44.0),
    position(FRIEND, 10.000123, 112.52, 4.27, 11.0, 46.5),
    position(FRIEND, 20, 112.54, 4.29, 12.5, 45.0, 45.0),
    position(HOSTILE, 0, 113.1, 5.0, 3.2, 180.0, tlp="amber"),
    position(HOSTILE, 30, 113.1, 4.99, 0.0, 181.5),
    position(FISHER, 5, 113.2, 5.1, None, None, tlp="clear"),
    position(UNNAMED, 7, None, None, 8.0, 12.0),
]
EVENTS = [
    {"event_id": "ev-loiter", "kind": "loitering", "mmsi": HOSTILE, "other_mmsi": None,
     "start": T0, "end": T0 + timedelta(hours=4), "lat": 5.0, "lon": 113.1,
     "zone": "Luconia <North> & co", "duration_s": 14400.0,
     "details": '{"min_duration_s": 14400, "note": "unicode \\u2713"}', "tlp": "amber",
     "record_hash": digest("event", "ev-loiter")},
    {"event_id": "ev-meet", "kind": "encounter", "mmsi": HOSTILE, "other_mmsi": FISHER,
     "start": T0 + timedelta(hours=1), "end": None, "lat": 5.05, "lon": 113.15, "zone": None,
     "duration_s": None, "details": "not json", "tlp": "green",
     "record_hash": digest("event", "ev-meet")},
]
ALERTS = [
    {"alert_id": "al-1", "rule": "loitering-in-eez", "severity": "high",
     "event_id": "ev-loiter", "kind": "loitering", "mmsi": HOSTILE, "other_mmsi": None,
     "start": T0, "lat": 5.0, "lon": 113.1, "zone": "Luconia <North> & co",
     "title": 'Loitering: 海警 3901 near "Kasawari" & <platform>', "tlp": "amber",
     "record_hash": digest("alert", "al-1")},
    {"alert_id": "al-2", "rule": "encounter", "severity": "medium", "event_id": "ev-meet",
     "kind": "encounter", "mmsi": HOSTILE, "other_mmsi": FISHER,
     "start": T0 + timedelta(hours=1), "lat": None, "lon": None, "zone": None, "title": None,
     "tlp": "green", "record_hash": digest("alert", "al-2")},
    {"alert_id": "al-3", "rule": "watchlist", "severity": "low", "event_id": None,
     "kind": "zone_entry", "mmsi": NEUTRAL, "other_mmsi": None,
     "start": T0 + timedelta(hours=2, microseconds=250), "lat": None, "lon": None,
     "zone": None, "title": "Watched vessel seen", "tlp": "clear",
     "record_hash": digest("alert", "al-3")},
]
INCIDENTS = [
    {"incident_id": "inc-1", "title": "Coast guard loitering & escort <draft>",
     "status": "triaged", "severity": "high", "created_at": T0 + timedelta(hours=2),
     "updated_at": T0 + timedelta(hours=5), "event_ids": ["ev-loiter", "ev-meet"],
     "mmsis": [HOSTILE, FISHER], "lat": 5.0, "lon": 113.1,
     "summary": "Line one\nLine <two> with \"quotes\" & ampersands", "tlp": "amber+strict",
     "record_hash": digest("incident", "inc-1")},
    {"incident_id": "inc-2", "title": None, "status": "new", "severity": None,
     "created_at": None, "updated_at": None, "event_ids": [], "mmsis": [], "lat": None,
     "lon": None, "summary": None, "tlp": "red", "record_hash": digest("incident", "inc-2")},
]


def golden_release() -> Release:
    return release(TRACKS, VESSELS, EVENTS, ALERTS, INCIDENTS)


def empty_release() -> Release:
    return release()
