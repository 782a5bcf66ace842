"""Events: one record shape for every detector, stable ids, the JSON lines contract.

An event's id is a digest of what identifies the episode (kind, vessels, zone, start and a
detector-chosen discriminator), never of when or how often it was computed, so
re-processing the same data yields the same ids and a store upsert never duplicates.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from pantau.schema import EVENTS

KINDS: tuple[str, ...] = (
    "zone_entry", "zone_exit", "loitering", "encounter", "escort", "close_approach",
    "ais_gap", "identity_anomaly",
)


def iso_us(t_us: int) -> str:
    """ISO 8601 UTC with a Z; microseconds only when there are any."""
    t = datetime.fromtimestamp(t_us // 1_000_000, UTC).replace(microsecond=t_us % 1_000_000)
    text = t.strftime("%Y-%m-%dT%H:%M:%S")
    if t.microsecond:
        text += f".{t.microsecond:06d}"
    return text + "Z"


def event_id(kind: str, mmsi: int, other_mmsi: int | None, zone: str | None, start_us: int,
             discriminator: str = "") -> str:
    key = f"{kind}|{mmsi}|{other_mmsi if other_mmsi is not None else ''}|{zone or ''}|" \
          f"{start_us}|{discriminator}"
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def _clean(value: Any) -> Any:
    """JSON-safe details: NaN becomes null, NumPy scalars become Python ones."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass(frozen=True)
class Event:
    kind: str
    mmsi: int
    start_us: int
    end_us: int
    lat: float
    lon: float
    other_mmsi: int | None = None
    zone: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    #: distinguishes episodes that share kind, vessels, zone and start (e.g. two reasons)
    discriminator: str = ""

    @property
    def event_id(self) -> str:
        return event_id(self.kind, self.mmsi, self.other_mmsi, self.zone, self.start_us,
                        self.discriminator)

    @property
    def duration_s(self) -> float:
        return (self.end_us - self.start_us) / 1e6

    def to_json(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id, "kind": self.kind, "mmsi": int(self.mmsi),
            "other_mmsi": None if self.other_mmsi is None else int(self.other_mmsi),
            "start": iso_us(self.start_us), "end": iso_us(self.end_us),
            "lat": _round(self.lat), "lon": _round(self.lon), "zone": self.zone,
            "duration_s": self.duration_s, "details": _clean(self.details),
        }


def _round(v: float) -> float | None:
    return None if not math.isfinite(v) else round(float(v), 6)


def sort_events(events: Iterable[Event]) -> list[Event]:
    """The order of every events output: start, kind, vessels, id (a total order)."""
    return sorted(events, key=lambda e: (e.start_us, e.kind, e.mmsi, e.other_mmsi or 0,
                                         e.event_id))


def events_table(events: Sequence[Event]) -> pa.Table:
    """Events as the store's ``events`` table."""
    rows = [e.to_json() for e in events]
    return pa.table({
        "event_id": pa.array([r["event_id"] for r in rows], pa.string()),
        "kind": pa.array([r["kind"] for r in rows], pa.string()),
        "mmsi": pa.array([r["mmsi"] for r in rows], pa.int64()),
        "other_mmsi": pa.array([r["other_mmsi"] for r in rows], pa.int64()),
        "start": pa.array([e.start_us for e in events], pa.int64()).cast(
            pa.timestamp("us", "UTC")),
        "end": pa.array([e.end_us for e in events], pa.int64()).cast(pa.timestamp("us", "UTC")),
        "lat": pa.array([r["lat"] for r in rows], pa.float64()),
        "lon": pa.array([r["lon"] for r in rows], pa.float64()),
        "zone": pa.array([r["zone"] for r in rows], pa.string()),
        "duration_s": pa.array([r["duration_s"] for r in rows], pa.float64()),
        "details": pa.array([json.dumps(r["details"], sort_keys=True) for r in rows],
                            pa.string()),
    }).cast(EVENTS.schema)


def dumps_jsonl(events: Iterable[Event]) -> str:
    return "".join(json.dumps(e.to_json(), sort_keys=False) + "\n" for e in events)
