"""Alerts and incidents kept in a :class:`~pantau.store.base.Store`: the adapter around the
pure rules (:mod:`pantau.incidents.alerts`) and lifecycle (:mod:`pantau.incidents.lifecycle`).

Every change to an incident writes its log entry first and the incident row after: were a
process to die between the two, the log (the record) is complete and the row can be
rebuilt from it with :func:`~pantau.incidents.lifecycle.replay`. Callers serialise writers
(the store admits one writing process; the service holds a lock per process), so log
numbers never collide.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

import pyarrow as pa

from pantau.detect.base import Vessels
from pantau.errors import PantauError
from pantau.incidents.alerts import Alert, Lookup, raise_alerts
from pantau.incidents.lifecycle import (
    Action,
    ConflictError,
    Create,
    Incident,
    LogEntry,
    apply,
    create,
    from_alerts,
    incident_details,
    incident_from_row,
    incident_id_for,
    replay,
)
from pantau.incidents.rules import DEFAULT_RULES, Rule, parse_rules
from pantau.pipeline import config
from pantau.store.base import Store
from pantau.zones import ZoneIndex

ALERT_FIELDS = ("alert_id", "rule", "severity", "event_id", "kind", "mmsi", "other_mmsi",
                "start", "lat", "lon", "zone", "title")
KEPT = ("raised_at", "acknowledged_by", "acknowledged_at", "incident_id")


class NotFoundError(PantauError):
    """An alert, incident, event or user named by id that the store does not hold."""


# -- alerts -------------------------------------------------------------------------------

def lookup_of(store: Store) -> Lookup:
    """Vessel categories (registry and active watchlist) and zones in use, for the rules."""
    watch = config.watchlist_table(config.use_watchlist(store, None))
    zones = config.load_zoneset(store)
    return Lookup(Vessels.from_table(store.select("vessels"), watch), zones,
                  ZoneIndex.build(zones))


def _alert_row(a: Alert) -> dict[str, Any]:
    row = {k: getattr(a, k) for k in ALERT_FIELDS}
    row["start"] = datetime.fromisoformat(a.start)
    return row


def _same(old: dict[str, Any], new: dict[str, Any]) -> bool:
    def eq(x: Any, y: Any) -> bool:
        return x == y or (isinstance(x, float) and isinstance(y, float) and x != x and y != y)
    return all(eq(old[k], new[k]) for k in ALERT_FIELDS)


def sync_alerts(store: Store, rules: Sequence[Rule], now: datetime) -> int:
    """Store the alerts the stored events raise under ``rules``; an alert already kept
    keeps its acknowledgement and incident. Returns how many rows were written (0 when
    nothing changed, so repeating it is harmless and cheap to write)."""
    events = store.select("events")
    if not events.num_rows:
        return 0
    return len(keep_alerts(store, raise_alerts(events.to_pylist(), rules, lookup_of(store)),
                           now))


def keep_alerts(store: Store, found: Sequence[Alert], now: datetime) -> list[dict[str, Any]]:
    """Store these alerts: new ones raised ``now``, ones kept already updated with what
    they keep (acknowledgement, incident). Returns the rows written: the alerts that are
    new or changed, as kept."""
    if not found:
        return []
    ids = {a.alert_id for a in found}
    if len(ids) > 50:  # one read of the table beats many lookups
        kept = {r["alert_id"]: r for r in store.select("alerts").to_pylist()
                if r["alert_id"] in ids}
    else:  # a live batch's few: by key, not the whole table every half second
        kept = {r["alert_id"]: r for a in ids
                for r in store.select("alerts", {"alert_id": a}, limit=1).to_pylist()}
    rows: list[dict[str, Any]] = []
    for a in found:
        row = _alert_row(a)
        old = kept.get(a.alert_id)
        if old is not None and _same(old, row):
            continue
        rows.append(row | ({k: old[k] for k in KEPT} if old is not None
                           else dict.fromkeys(KEPT) | {"raised_at": now}))
    if rows:
        store.upsert("alerts", pa.Table.from_pylist(rows, schema=_alerts_schema(store)))
    return rows


# -- alert rules --------------------------------------------------------------------------

#: where the rules in force are kept: configs of this kind and name, a version per change
RULES_KIND, RULES_NAME = "alert_rules", "rules"


def active_rules(store: Store) -> tuple[Rule, ...]:
    """The rules last kept with :func:`put_rules`, else the reference case's."""
    text = store.get_config(RULES_KIND, RULES_NAME)
    if text is None:
        return DEFAULT_RULES
    return parse_rules(json.loads(text), "stored alert rules")


def put_rules(store: Store, rules: Sequence[Rule]) -> int:
    """Keep these rules as the ones in force; returns their version (unchanged when they
    are the same as the last)."""
    return store.put_config(RULES_KIND, RULES_NAME, rules_json(rules))


def rules_json(rules: Sequence[Rule]) -> str:
    """Rules as the rules file holds them (what :func:`parse_rules` reads), keys in field
    order, conditions left out where a rule has none."""
    out = []
    for r in rules:
        item: dict[str, Any] = {}
        for f in fields(Rule):
            value = getattr(r, f.name)
            if value is None or (f.name == "description" and not value):
                continue
            item[f.name] = list(value) if isinstance(value, tuple) else value
        out.append(item)
    return json.dumps({"rules": out}, indent=1)


def _alerts_schema(store: Store) -> pa.Schema:
    return store.select("alerts", limit=0).schema


def get_alert(store: Store, alert_id: str) -> dict[str, Any]:
    rows = store.select("alerts", {"alert_id": alert_id}, limit=1).to_pylist()
    if not rows:
        raise NotFoundError(f"no alert {alert_id}")
    row: dict[str, Any] = rows[0]
    return row


def acknowledge(store: Store, alert_id: str, user: str, at: datetime) -> dict[str, Any]:
    """Mark an alert seen by ``user``; the first acknowledgement stands."""
    row = get_alert(store, alert_id)
    if row["acknowledged_by"] is None:
        row |= {"acknowledged_by": user, "acknowledged_at": at}
        store.upsert("alerts", pa.Table.from_pylist([row], schema=_alerts_schema(store)))
    return row


def _as_alert(row: dict[str, Any]) -> Alert:
    start = row["start"].isoformat().replace("+00:00", "Z")
    return Alert(**{k: row[k] for k in ALERT_FIELDS if k != "start"}, start=start)


# -- incidents ----------------------------------------------------------------------------

def get_incident(store: Store, incident_id: str) -> Incident:
    rows = store.select("incidents", {"incident_id": incident_id}, limit=1).to_pylist()
    if not rows:
        raise NotFoundError(f"no incident {incident_id}")
    return incident_from_row(rows[0], json.loads(rows[0]["details"] or "{}"))


def incident_log(store: Store, incident_id: str) -> list[LogEntry]:
    return [LogEntry(r["incident_id"], r["seq"], r["at"], r["actor"], r["action"],
                     json.loads(r["detail"]))
            for r in store.select("incident_log", {"incident_id": incident_id},
                                  order_by="seq").to_pylist()]


def list_incidents(store: Store, status: str | None = None, assignee: str | None = None
                   ) -> list[Incident]:
    """Incidents, most recently changed first."""
    where: dict[str, object] = {}
    if status is not None:
        where["status"] = status
    if assignee is not None:
        where["assignee"] = assignee
    return [incident_from_row(r, json.loads(r["details"] or "{}"))
            for r in store.select("incidents", where or None,
                                  order_by="updated_at desc").to_pylist()]


def _write(store: Store, incident: Incident, entry: LogEntry) -> None:
    store.upsert("incident_log", pa.Table.from_pylist([{
        "incident_id": entry.incident_id, "seq": entry.seq, "at": entry.at,
        "actor": entry.actor, "action": entry.action,
        "detail": json.dumps(entry.detail, sort_keys=True)}]))
    store.upsert("incidents", pa.Table.from_pylist([{
        "incident_id": incident.incident_id, "title": incident.title,
        "status": incident.status, "severity": incident.severity,
        "assignee": incident.assignee, "created_at": incident.created_at,
        "updated_at": incident.updated_at,
        "details": json.dumps(incident_details(incident), sort_keys=True)}]))


def open_from_alerts(store: Store, alert_ids: Iterable[str], actor: str, at: datetime,
                     title: str | None = None) -> tuple[Incident, bool]:
    """The incident for these alerts, opened now, or the one already opened from exactly
    them (then False). Each alert not yet acknowledged is acknowledged by ``actor``:
    opening an incident from it is the proof it was seen."""
    ids = list(dict.fromkeys(alert_ids))
    rows = [get_alert(store, a) for a in ids]
    existing = incident_id_for(ids)
    if store.count("incidents", {"incident_id": existing}):
        return get_incident(store, existing), False
    taken = [f"{r['alert_id']} (in {r['incident_id']})" for r in rows if r["incident_id"]]
    if taken:
        raise ConflictError(f"alert(s) already in an incident: {', '.join(taken)}")
    incident, entry = create(from_alerts([_as_alert(r) for r in rows], title), actor, at)
    _write(store, incident, entry)
    for r in rows:
        r["incident_id"] = incident.incident_id
        if r["acknowledged_by"] is None:
            r |= {"acknowledged_by": actor, "acknowledged_at": at}
    store.upsert("alerts", pa.Table.from_pylist(rows, schema=_alerts_schema(store)))
    return incident, True


def open_by_hand(store: Store, title: str, severity: str, actor: str, at: datetime
                 ) -> Incident:
    action = Create("inc-" + uuid.uuid4().hex[:20], title, severity)
    incident, entry = create(action, actor, at)
    _write(store, incident, entry)
    return incident


def change(store: Store, incident_id: str, action: Action, actor: str, at: datetime
           ) -> tuple[Incident, LogEntry]:
    """Apply one action to a kept incident and record it; the store is unchanged when the
    action is refused."""
    incident = get_incident(store, incident_id)
    last = store.select("incident_log", {"incident_id": incident_id}, order_by="seq desc",
                        limit=1)
    seq = int(last["seq"][0].as_py()) + 1 if last.num_rows else 1
    changed, entry = apply(incident, action, actor, at, seq)
    _write(store, changed, entry)
    return changed, entry


def rebuild(store: Store, incident_id: str) -> Incident:
    """The incident as its log tells it (see :func:`lifecycle.replay`)."""
    entries = incident_log(store, incident_id)
    if not entries:
        raise NotFoundError(f"no log for incident {incident_id}")
    return replay(entries)
