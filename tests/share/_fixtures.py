"""Small zones, agreements and holdings for the sharing tests (no shipped data needed)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pyarrow as pa

from pantau.schema import ALERTS, EVENTS, VESSELS
from pantau.share.export import POSITIONS
from pantau.share.model import Agreement, Partner, ShareTerms, StatusChange, day_start
from pantau.share.policy import Holdings
from pantau.zones import ZoneSet, parse_zones


def square(name: str, lon0: float, lat0: float, size: float = 1.0) -> dict[str, object]:
    ring = [[lon0, lat0], [lon0 + size, lat0], [lon0 + size, lat0 + size],
            [lon0, lat0 + size], [lon0, lat0]]
    return {"type": "Feature", "properties": {"name": name, "kind": "aoi"},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def zones() -> ZoneSet:
    """BOX-A: lon 100-101, lat 0-1; BOX-B: lon 102-103, lat 0-1."""
    return parse_zones({"type": "FeatureCollection",
                        "features": [square("BOX-A", 100, 0), square("BOX-B", 102, 0)]})


ZONES_YAML_NAMES = ("BOX-A", "BOX-B")
T0 = datetime(2026, 1, 10, tzinfo=UTC)
PARTNER = Partner("USA", "United States")


def agreement(categories: tuple[str, ...] = ("tracks", "events", "alerts", "incidents"),
              zones: tuple[str, ...] = ("BOX-A",), delay_minutes: float = 0.0,
              precision_m: float = 0.0, exclude: tuple[str, ...] = ("own_asset",),
              max_tlp: str = "amber", in_force_from: date = date(2026, 1, 1),
              expires: date | None = date(2027, 1, 1),
              history: tuple[StatusChange, ...] | None = None) -> Agreement:
    if history is None:
        history = (StatusChange(day_start(in_force_from), "in_force"),)
    return Agreement("MY-US-TEST", "Test agreement", ("USA",), in_force_from, in_force_from,
                     expires, False,
                     ShareTerms(frozenset(categories), zones, delay_minutes, precision_m,
                                frozenset(exclude), max_tlp), history=history)


def vessels(rows: list[tuple[int, str, str]]) -> pa.Table:
    """(mmsi, shipname, category) rows as a registry table."""
    return pa.Table.from_pylist([{"mmsi": m, "shipname": n, "category": c, "flag": "MY"}
                                 for m, n, c in rows], schema=VESSELS.schema)


def positions(rows: list[tuple[int, datetime, float, float]]) -> pa.Table:
    return pa.Table.from_pylist([{"mmsi": m, "received_at": t, "lon": x, "lat": y,
                                  "speed": 10.0, "course": 90.0, "heading": 91}
                                 for m, t, x, y in rows], schema=POSITIONS)


def events(rows: list[dict[str, object]]) -> pa.Table:
    base = {"kind": "loitering", "other_mmsi": None, "zone": None, "duration_s": 3600.0,
            "details": "{}"}
    return pa.Table.from_pylist([{**base, **r} for r in rows], schema=EVENTS.schema)


def alerts(rows: list[dict[str, object]]) -> pa.Table:
    base = {"rule": "r", "severity": "high", "kind": "loitering", "other_mmsi": None,
            "zone": None, "title": "t", "raised_at": T0}
    return pa.Table.from_pylist([{**base, **r} for r in rows], schema=ALERTS.schema)


def holdings(**kw: object) -> Holdings:
    base: dict[str, object] = {"positions": positions([]), "vessels": vessels([]),
                               "events": events([]), "alerts": alerts([])}
    base.update(kw)
    return Holdings(**base)  # type: ignore[arg-type]
