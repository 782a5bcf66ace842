"""Alerts: events that match a rule, one alert per event at the most severe match.

Pure: events in (the detectors' :class:`~pantau.detect.Event` or stored rows), alerts out.
An alert's id is a digest of its event's id and rule, so re-running never duplicates.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from pantau.detect.base import Vessels
from pantau.detect.events import Event, iso_us
from pantau.incidents.rules import SEVERITIES, Rule
from pantau.registry.schema import CATEGORIES
from pantau.zones import ZoneIndex, ZoneSet, zone_indices

__all__ = ["SEVERITIES", "Alert", "Lookup", "raise_alerts"]


@dataclass(frozen=True)
class Lookup:
    """What rules judge events by beyond the events: vessel categories and zones."""

    vessels: Vessels
    zones: ZoneSet
    index: ZoneIndex


@dataclass(frozen=True)
class Alert:
    alert_id: str
    rule: str
    severity: str
    event_id: str
    kind: str
    mmsi: int
    other_mmsi: int | None
    start: str  # ISO 8601 UTC
    lat: float
    lon: float
    zone: str | None
    title: str

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class _Row:
    event_id: str
    kind: str
    mmsi: int
    other_mmsi: int | None
    start: str
    lat: float
    lon: float
    zone: str | None
    details: Mapping[str, Any]


def _row(e: Event | Mapping[str, Any]) -> _Row:
    if isinstance(e, Event):
        return _Row(e.event_id, e.kind, e.mmsi, e.other_mmsi, iso_us(e.start_us), e.lat,
                    e.lon, e.zone, e.details)
    details = e.get("details") or {}
    if isinstance(details, str):
        details = json.loads(details)
    start = e["start"]
    if isinstance(start, datetime):
        start = start.isoformat().replace("+00:00", "Z")
    return _Row(e["event_id"], e["kind"], int(e["mmsi"]),
                None if e.get("other_mmsi") is None else int(e["other_mmsi"]), str(start),
                float(e["lat"]) if e.get("lat") is not None else float("nan"),
                float(e["lon"]) if e.get("lon") is not None else float("nan"),
                e.get("zone"), details)


def _matches(rule: Rule, r: _Row, cats: set[str], zone_kind: str | None,
             inside: set[str]) -> bool:
    if r.kind not in rule.kinds:
        return False
    if rule.categories is not None and not cats & set(rule.categories):
        return False
    if rule.zones is not None and r.zone not in rule.zones:
        return False
    if rule.zone_kinds is not None and zone_kind not in rule.zone_kinds:
        return False
    if rule.inside is not None and not inside & set(rule.inside):
        return False
    if rule.modes is not None:
        said = r.details.get("mode") or r.details.get("reason")
        if said not in rule.modes:
            return False
    return True


def raise_alerts(events: Iterable[Event | Mapping[str, Any]], rules: Sequence[Rule],
                 lookup: Lookup) -> list[Alert]:
    rows = [_row(e) for e in events]
    if not rows:
        return []
    kind_of = {z.name: z.kind for z in lookup.zones}
    lon = np.array([r.lon for r in rows])
    lat = np.array([r.lat for r in rows])
    words = lookup.index.label(lon, lat)
    zones = lookup.zones.zones
    mmsis = np.array([r.mmsi for r in rows], np.int64)
    others = np.array([r.other_mmsi or 0 for r in rows], np.int64)
    cat_a = lookup.vessels.category_of(mmsis)
    cat_b = lookup.vessels.category_of(others)
    rank = {s: k for k, s in enumerate(SEVERITIES)}
    out: list[Alert] = []
    for k, r in enumerate(rows):
        cats = {CATEGORIES[int(cat_a[k])]}
        if r.other_mmsi is not None:
            cats.add(CATEGORIES[int(cat_b[k])])
        inside: set[str] = {str(zones[j].kind) for j in zone_indices(words[k])}
        best: Rule | None = None
        for rule in rules:
            if _matches(rule, r, cats, kind_of.get(r.zone or ""), inside) and (
                    best is None or rank[rule.severity] > rank[best.severity]):
                best = rule
        if best is None:
            continue
        digest = hashlib.sha256(f"{r.event_id}|{best.name}".encode()).hexdigest()[:24]
        who = f"{r.mmsi}" + (f" and {r.other_mmsi}" if r.other_mmsi is not None else "")
        where = f" in {r.zone}" if r.zone else ""
        out.append(Alert(digest, best.name, best.severity, r.event_id, r.kind, r.mmsi,
                         r.other_mmsi, r.start, r.lat, r.lon, r.zone,
                         f"{best.name}: {who}{where}"))
    out.sort(key=lambda a: (-rank[a.severity], a.start, a.alert_id))
    return out
