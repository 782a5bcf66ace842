"""The release policy: which of the operator's records one agreement lets go, and how.

Pure: the operator's holdings (tables) and an agreement in, a :class:`Release` out, with
every withheld record counted by reason. Deny by default; a record is released only when
every test passes:

1. the agreement is in force at release time (else nothing at all is released);
2. the record's category (tracks, events, alerts, incidents) is one the agreement shares;
3. the agreement was in force at the record's own time (a record from before the
   agreement, or from while it was suspended, stays home);
4. the record is older than the agreement's delay;
5. its position lies inside one of the agreement's zones (for tracks: each point);
6. no vessel it names is of an excluded category;
7. its TLP label is not above the agreement's ceiling.

Released positions are snapped to a grid of the agreement's precision. An incident is
released only with at least one of its events, names only released events and vessels
that are not excluded, and carries the strictest label of itself and those events.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pantau.errors import PantauError
from pantau.incidents.lifecycle import Incident
from pantau.schema import RELEASE_TABLES
from pantau.share.model import Agreement, Partner
from pantau.share.release import Release
from pantau.share.tlp import allows, strictest
from pantau.zones import ZoneIndex, ZoneSet

#: bumped whenever the rules above change meaning; recorded with every release and denial
POLICY_RULES_VERSION = "1"
M_PER_DEG = 111_320.0

#: TLP labels records carry unless the operator labels them otherwise: positions and
#: machine-detected events are routine; alerts and incidents carry the operator's judgment.
DEFAULT_LABELS: Mapping[str, str] = {"tracks": "green", "events": "green",
                                     "alerts": "amber", "incidents": "amber"}
#: affiliation by vessel category when the operator's registry names none for the vessel
DEFAULT_AFFILIATIONS: Mapping[str, str] = {"own_asset": "friend"}

NOT_IN_FORCE = "agreement_not_in_force"
CATEGORY = "category_not_shared"
RECORD_TIME = "not_in_force_at_record_time"
DELAY = "within_delay"
OUTSIDE = "outside_zones"
EXCLUDED = "excluded_vessel"
TLP = "above_max_tlp"
NO_EVIDENCE = "no_released_event"
UNKNOWN_POSITION = "no_position"


@dataclass(frozen=True)
class Holdings:
    """What the operator holds for the release window."""

    #: mmsi, received_at, lon, lat, speed (kn), course (deg), heading (deg)
    positions: pa.Table
    #: the vessel registry (pantau.schema.VESSEL_COLUMNS)
    vessels: pa.Table
    events: pa.Table
    alerts: pa.Table
    incidents: Sequence[Incident] = ()
    #: per vessel, from the operator's registry; never from the flag
    affiliations: Mapping[int, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_LABELS))


def policy_version(agreement: Agreement) -> str:
    return f"pantau-policy/{POLICY_RULES_VERSION} {agreement.agreement_id} v{agreement.version}"


def record_hash(row: Mapping[str, Any]) -> str:
    """SHA-256 hex of a row's canonical JSON (sorted keys, no spaces, times as ISO Z)."""
    return hashlib.sha256(canonical(row).encode()).hexdigest()


def canonical(row: Mapping[str, Any]) -> str:
    return json.dumps({k: _plain(v) for k, v in row.items()}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False)


def _plain(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.isoformat().replace("+00:00", "Z")
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return v


def degrade(lon: np.ndarray, lat: np.ndarray, precision_m: float
            ) -> tuple[np.ndarray, np.ndarray]:
    """Snap positions to a grid of ``precision_m`` metres (no change when 0): each axis
    moves by at most half a cell."""
    if precision_m <= 0:
        return lon, lat
    dlat = precision_m / M_PER_DEG
    lat_r = np.round(lat / dlat) * dlat
    dlon = precision_m / (M_PER_DEG * np.maximum(np.cos(np.radians(lat_r)), 1e-6))
    lon_r = np.round(lon / dlon) * dlon
    return np.round(lon_r, 7), np.round(lat_r, 7)


class PolicyError(PantauError):
    """An agreement the policy cannot apply to the data (a zone the data lacks)."""


@lru_cache(maxsize=16)
def _zone_index(zones: ZoneSet, names: tuple[str, ...]) -> ZoneIndex:
    # building an index over a detailed EEZ takes a second; agreements share their zones
    return ZoneIndex.build(zones.select(list(names)))


def _index_for(agreement: Agreement, zones: ZoneSet) -> ZoneIndex:
    missing = [z for z in agreement.share.zones if z not in zones]
    if missing:
        raise PolicyError(f"agreement {agreement.agreement_id!r} shares zone(s) "
                          f"{', '.join(repr(z) for z in missing)}, not among the zones this "
                          "data directory uses; re-import the agreement with zones it has")
    return _zone_index(zones, agreement.share.zones)


class _Judge:
    """The per-agreement tests, vectorised."""

    def __init__(self, agreement: Agreement, holdings: Holdings, zones: ZoneSet,
                 released_at: datetime):
        self.agreement = agreement
        self.terms = agreement.share
        self.holdings = holdings
        self.index = _index_for(agreement, zones)
        self.released_at = released_at
        self.cutoff_us = _us(released_at) - int(self.terms.delay_minutes * 60e6)
        self.periods = [(_us(a), _us(b) if b is not None else np.iinfo(np.int64).max)
                        for a, b in agreement.in_force_periods()]
        v = holdings.vessels
        mmsi = v.column("mmsi").to_pylist() if v.num_rows else []
        cats = v.column("category").to_pylist() if v.num_rows else []
        self.category = {int(m): (c or "other") for m, c in zip(mmsi, cats, strict=True)}
        bad = self.terms.exclude_vessel_categories
        self._known = np.array(sorted(self.category), dtype=np.int64)
        self._bad = np.array(sorted(m for m, c in self.category.items() if c in bad),
                             dtype=np.int64)
        self._unknown_bad = "other" in bad  # a vessel the registry lacks counts as other
        self.denied: dict[str, dict[str, int]] = {}

    def deny(self, cat: str, reason: str, n: int) -> None:
        if n:
            bucket = self.denied.setdefault(cat, {})
            bucket[reason] = bucket.get(reason, 0) + int(n)

    def excluded(self, mmsi: np.ndarray) -> np.ndarray:
        out = np.isin(mmsi, self._bad)
        if self._unknown_bad:
            out |= (mmsi >= 0) & ~np.isin(mmsi, self._known)
        return out

    def filter(self, cat: str, t_us: np.ndarray, lon: np.ndarray, lat: np.ndarray,
               mmsis: Sequence[np.ndarray], label_ok: np.ndarray) -> np.ndarray:
        """Rows that pass tests 3-7, counting the rest under the first test they fail."""
        keep = np.ones(len(t_us), bool)

        def apply(mask: np.ndarray, reason: str) -> None:
            nonlocal keep
            self.deny(cat, reason, int(np.count_nonzero(keep & ~mask)))
            keep &= mask

        in_force = np.zeros(len(t_us), bool)
        for a, b in self.periods:
            in_force |= (t_us >= a) & (t_us < b)
        apply(in_force, RECORD_TIME)
        apply(t_us <= self.cutoff_us, DELAY)
        located = np.isfinite(lon) & np.isfinite(lat)
        apply(located, UNKNOWN_POSITION)
        inside = np.zeros(len(t_us), bool)
        if keep.any():
            idx = np.flatnonzero(keep)
            inside[idx] = self.index.label(lon[idx], lat[idx]).any(axis=1)
        apply(inside, OUTSIDE)
        clean = np.ones(len(t_us), bool)
        for m in mmsis:
            clean &= ~self.excluded(m)
        apply(clean, EXCLUDED)
        apply(label_ok, TLP)
        return keep


def decide(agreement: Agreement, partners: Sequence[Partner], holdings: Holdings,
           zones: ZoneSet, released_at: datetime, since: datetime | None = None,
           until: datetime | None = None) -> Release:
    """What ``agreement`` lets go of ``holdings`` at ``released_at``."""
    judge = _Judge(agreement, holdings, zones, released_at)
    candidates = {"tracks": holdings.positions.num_rows, "events": holdings.events.num_rows,
                  "alerts": holdings.alerts.num_rows, "incidents": len(holdings.incidents)}
    release = Release(agreement, tuple(partners), policy_version(agreement), released_at,
                      since, until, tables={}, denied=judge.denied)
    if not agreement.in_force_at(released_at):
        for cat, n in candidates.items():
            judge.deny(cat, NOT_IN_FORCE, n)
        return release
    for cat, n in candidates.items():
        if cat not in agreement.share.categories:
            judge.deny(cat, CATEGORY, n)
    shared = agreement.share.categories
    tables: dict[str, pa.Table] = {}
    if "tracks" in shared:
        tables["tracks"] = _tracks(judge)
    events = _events(judge) if "events" in shared or "incidents" in shared else None
    if events is not None and "events" in shared:
        tables["events"] = events
    if "alerts" in shared:
        tables["alerts"] = _alerts(judge)
    if "incidents" in shared:
        assert events is not None
        tables["incidents"] = _incidents(judge, events)
    tables["vessels"] = _vessels(judge, tables)
    return Release(agreement, tuple(partners), policy_version(agreement), released_at,
                   since, until, tables=tables, denied=judge.denied)


def _us(t: datetime) -> int:
    return int(t.timestamp() * 1_000_000)


def _ts_us(col: pa.ChunkedArray | pa.Array) -> np.ndarray:
    arr = pc.cast(col, pa.timestamp("us", tz="UTC")).cast(pa.int64())
    return np.asarray(pc.fill_null(arr, np.iinfo(np.int64).min).to_numpy(zero_copy_only=False))


def _f64(col: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(pc.cast(col, pa.float64()), np.nan)
                      .to_numpy(zero_copy_only=False), dtype=np.float64)


def _i64(col: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(pc.cast(col, pa.int64()), -1)
                      .to_numpy(zero_copy_only=False), dtype=np.int64)


def _labels(judge: _Judge, cat: str, n: int) -> tuple[list[str], np.ndarray]:
    label = judge.holdings.labels.get(cat, DEFAULT_LABELS[cat])
    ok = allows(judge.terms.max_tlp, label)
    return [label] * n, np.full(n, ok)


def _with_hashes(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    for row in rows:
        row["record_hash"] = record_hash(row)
    return pa.Table.from_pylist(rows, schema=schema)


_TRACK_RECORD = np.dtype([("mmsi", "<i8"), ("t_us", "<i8"), ("lon", "<f8"), ("lat", "<f8"),
                          ("sog_kn", "<f8"), ("cog_deg", "<f8"), ("heading_deg", "<f8")])


def track_hashes(mmsi: np.ndarray, t_us: np.ndarray, lon: np.ndarray, lat: np.ndarray,
                 sog_kn: np.ndarray, cog_deg: np.ndarray, heading_deg: np.ndarray,
                 tlp: str) -> list[str]:
    """Record hashes of released positions: SHA-256 of the row packed little-endian as
    int64 mmsi, int64 microseconds since the epoch, float64 lon, lat, sog_kn, cog_deg,
    heading_deg (NaN for null), then the TLP label in ASCII. Positions come by the
    hundred thousand, so their hash is over bytes any language can pack, not JSON."""
    rec = np.empty(len(mmsi), _TRACK_RECORD)
    names = _TRACK_RECORD.names or ()
    for name, col in zip(names, (mmsi, t_us, lon, lat, sog_kn, cog_deg,
                                                heading_deg), strict=True):
        rec[name] = col
    raw = rec.tobytes()
    size = _TRACK_RECORD.itemsize
    label = tlp.encode("ascii")
    sha = hashlib.sha256
    return [sha(raw[i:i + size] + label).hexdigest() for i in range(0, len(raw), size)]


def _tracks(judge: _Judge) -> pa.Table:
    p = judge.holdings.positions
    schema = RELEASE_TABLES["tracks"]
    if p.num_rows == 0:
        return schema.empty_table()
    mmsi = _i64(p.column("mmsi"))
    t_us = _ts_us(p.column("received_at"))
    lon, lat = _f64(p.column("lon")), _f64(p.column("lat"))
    labels, ok = _labels(judge, "tracks", p.num_rows)
    keep = judge.filter("tracks", t_us, lon, lat, [mmsi], ok)
    idx = np.flatnonzero(keep)
    lon_r, lat_r = degrade(lon[idx], lat[idx], judge.terms.precision_m)
    sub = p.take(pa.array(idx))
    sog, cog, heading = (_f64(sub.column(c)) for c in ("speed", "course", "heading"))
    hashes = track_hashes(mmsi[idx], t_us[idx], lon_r, lat_r, sog, cog, heading, labels[0])
    table = pa.table({
        "mmsi": pa.array(mmsi[idx], pa.int64()), "t": sub.column("received_at"),
        "lon": pa.array(lon_r, pa.float64()), "lat": pa.array(lat_r, pa.float64()),
        "sog_kn": sub.column("speed"), "cog_deg": sub.column("course"),
        "heading_deg": pc.cast(sub.column("heading"), pa.float64()),
        "tlp": pa.array([labels[0]] * len(idx), pa.string()),
        "record_hash": pa.array(hashes, pa.string())}).cast(RELEASE_TABLES["tracks"])
    return table.sort_by([("mmsi", "ascending"), ("t", "ascending")])


def _event_time_us(table: pa.Table) -> np.ndarray:
    end = _ts_us(table.column("end"))
    start = _ts_us(table.column("start"))
    return np.where(end == np.iinfo(np.int64).min, start, end)


def _events(judge: _Judge) -> pa.Table:
    e = judge.holdings.events
    schema = RELEASE_TABLES["events"]
    if e.num_rows == 0:
        return schema.empty_table()
    lon, lat = _f64(e.column("lon")), _f64(e.column("lat"))
    labels, ok = _labels(judge, "events", e.num_rows)
    cat = "events" if "events" in judge.terms.categories else "_events_for_incidents"
    keep = judge.filter(cat, _event_time_us(e), lon, lat,
                        [_i64(e.column("mmsi")), _i64(e.column("other_mmsi"))], ok)
    judge.denied.pop("_events_for_incidents", None)
    idx = np.flatnonzero(keep)
    lon_r, lat_r = degrade(lon[idx], lat[idx], judge.terms.precision_m)
    rows = e.take(pa.array(idx)).to_pylist()
    for row, x, y in zip(rows, lon_r, lat_r, strict=True):
        row["lon"], row["lat"], row["tlp"] = float(x), float(y), labels[0]
        if judge.terms.precision_m > 0:
            # details can hold exact positions (cpa points, first fixes): too precise
            row["details"] = _coarse_details(row["details"], judge.terms.precision_m)
    return _with_hashes(rows, schema).sort_by("event_id")


def _coarse_details(details: str | None, precision_m: float) -> str | None:
    if not details:
        return details
    try:
        obj = json.loads(details)
    except ValueError:
        return None
    drop = {k for k in obj if k.endswith(("_lat", "_lon")) or k in ("lat", "lon")}
    for k in drop:
        obj.pop(k)
    obj["position_precision_m"] = precision_m
    return json.dumps(obj, sort_keys=True)


def _alerts(judge: _Judge) -> pa.Table:
    a = judge.holdings.alerts
    schema = RELEASE_TABLES["alerts"]
    if a.num_rows == 0:
        return schema.empty_table()
    # an alert's time is its event's: when the event was last updated, else its start
    ev = judge.holdings.events
    ends = dict(zip(ev.column("event_id").to_pylist(), _event_time_us(ev).tolist(),
                    strict=True)) if ev.num_rows else {}
    start_us = _ts_us(a.column("start"))
    t_us = np.array([ends.get(eid, s) for eid, s in
                     zip(a.column("event_id").to_pylist(), start_us.tolist(), strict=True)],
                    dtype=np.int64)
    lon, lat = _f64(a.column("lon")), _f64(a.column("lat"))
    labels, ok = _labels(judge, "alerts", a.num_rows)
    event_label = judge.holdings.labels.get("events", DEFAULT_LABELS["events"])
    label = strictest([labels[0], event_label]) if a.num_rows else labels[0]
    ok &= allows(judge.terms.max_tlp, label)
    keep = judge.filter("alerts", t_us, lon, lat,
                        [_i64(a.column("mmsi")), _i64(a.column("other_mmsi"))], ok)
    idx = np.flatnonzero(keep)
    lon_r, lat_r = degrade(lon[idx], lat[idx], judge.terms.precision_m)
    names = [c.name for c in schema if c.name not in ("tlp", "record_hash", "lon", "lat")]
    rows = []
    for row, x, y in zip(a.take(pa.array(idx)).to_pylist(), lon_r, lat_r, strict=True):
        out = {k: row[k] for k in names}
        out.update(lon=float(x), lat=float(y), tlp=label)
        rows.append(out)
    return _with_hashes(rows, schema).sort_by("alert_id")


def _incidents(judge: _Judge, events: pa.Table) -> pa.Table:
    schema = RELEASE_TABLES["incidents"]
    released = {r["event_id"]: r for r in events.to_pylist()}
    base = judge.holdings.labels.get("incidents", DEFAULT_LABELS["incidents"])
    rows = []
    for inc in judge.holdings.incidents:
        linked = [released[e] for e in inc.events if e in released]
        if not linked:
            judge.deny("incidents", NO_EVIDENCE, 1)
            continue
        label = strictest([base, *(r["tlp"] for r in linked)])
        if not allows(judge.terms.max_tlp, label):
            judge.deny("incidents", TLP, 1)
            continue
        vessels = [m for m in inc.vessels
                   if not judge.excluded(np.array([m], np.int64))[0]]
        first = min(linked, key=lambda r: (r["start"], r["event_id"]))
        kinds = sorted({r["kind"] for r in linked})
        rows.append({
            "incident_id": inc.incident_id, "title": inc.title, "status": inc.status,
            "severity": inc.severity, "created_at": inc.created_at,
            "updated_at": inc.updated_at, "event_ids": sorted(released.keys() & set(inc.events)),
            "mmsis": sorted(vessels), "lat": first["lat"], "lon": first["lon"],
            "summary": f"{inc.title}: {len(linked)} event(s) ({', '.join(kinds)}), "
                       f"{len(vessels)} vessel(s); status {inc.status}", "tlp": label})
    return _with_hashes(rows, schema).sort_by("incident_id")


def _vessels(judge: _Judge, tables: Mapping[str, pa.Table]) -> pa.Table:
    """Identity of every vessel a released record names, and of no other."""
    named: set[int] = set()
    for name in ("tracks", "events", "alerts"):
        t = tables.get(name)
        if t is None or t.num_rows == 0:
            continue
        for col in ("mmsi", "other_mmsi"):
            if col in t.column_names:
                named.update(int(m) for m in pc.unique(t.column(col)).to_pylist()
                             if m is not None)
    if "incidents" in tables:
        for ms in tables["incidents"].column("mmsis").to_pylist():
            named.update(ms or ())
    schema = RELEASE_TABLES["vessels"]
    v = judge.holdings.vessels
    by_mmsi = {int(r["mmsi"]): r for r in v.to_pylist()} if v.num_rows else {}
    rows = []
    for m in sorted(named):
        r = by_mmsi.get(m, {})
        category = r.get("category") or "other"
        affiliation = judge.holdings.affiliations.get(
            m, DEFAULT_AFFILIATIONS.get(category, "unknown"))
        rows.append({"mmsi": m, **{c.name: r.get(c.name) for c in schema
                                   if c.name not in ("mmsi", "category", "affiliation")},
                     "category": category, "affiliation": affiliation})
    return pa.Table.from_pylist(rows, schema=schema)
