"""Incidents: what a watch officer opens from alerts (or by hand) and runs to closure.

Pure: an incident and an action in, the changed incident and one log entry out; no store,
no clock (the caller passes who and when). Every change is an :class:`Action` whose
``to_json`` is what the log keeps, so replaying an incident's log through :func:`apply`
gives the incident back (:func:`replay`): the log is the record, the incident row a view.

Statuses and the transitions allowed between them::

    new -> triaged -> responding -> closed
    any status -> closed
    closed -> triaged            (reopen)

Forward steps may not be skipped (``new -> responding``) so that the log always shows
someone judged an incident before a response was started. Any incident may be closed, as
a false alarm or one that ended by itself closes from wherever it is. A closed incident
reopens to ``triaged``, not straight to ``responding``, because what changed has to be
judged again first. A closed incident takes notes (after-action remarks) and a reopen,
nothing else: linking evidence to a closed case would change it without reopening it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pantau.errors import PantauError
from pantau.incidents.alerts import Alert
from pantau.incidents.rules import SEVERITIES

STATUSES = ("new", "triaged", "responding", "closed")

TRANSITIONS: Mapping[str, frozenset[str]] = {
    "new": frozenset({"triaged", "closed"}),
    "triaged": frozenset({"responding", "closed"}),
    "responding": frozenset({"closed"}),
    "closed": frozenset({"triaged"}),
}

MAX_TEXT = 10_000  # characters in a title or note


class IncidentError(PantauError):
    """An incident action with a bad value (an empty title, a window that ends first)."""


class ConflictError(IncidentError):
    """An action the incident's state does not allow: a transition not in TRANSITIONS, a
    change to a closed incident, a link made twice."""


@dataclass(frozen=True)
class Note:
    at: datetime
    author: str
    text: str


@dataclass(frozen=True)
class Evidence:
    """Positions as evidence: the named vessels' tracks over [since, until)."""

    since: datetime
    until: datetime
    mmsis: tuple[int, ...]


@dataclass(frozen=True)
class Incident:
    incident_id: str
    title: str
    severity: str
    status: str
    created_at: datetime
    updated_at: datetime
    created_by: str
    assignee: str | None = None
    alerts: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    vessels: tuple[int, ...] = ()
    notes: tuple[Note, ...] = ()
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class LogEntry:
    incident_id: str
    seq: int
    at: datetime
    actor: str
    action: str
    detail: dict[str, Any]


# -- actions ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Create:
    """Open an incident; from alerts its id, severity and links come from them."""

    incident_id: str
    title: str
    severity: str
    alerts: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    vessels: tuple[int, ...] = ()
    name = "create"


@dataclass(frozen=True)
class Assign:
    assignee: str | None  # None: unassigned
    name = "assign"


@dataclass(frozen=True)
class SetStatus:
    status: str
    name = "status"


@dataclass(frozen=True)
class AddNote:
    text: str
    name = "note"


@dataclass(frozen=True)
class LinkEvent:
    event_id: str
    name = "link_event"


@dataclass(frozen=True)
class LinkVessel:
    mmsi: int
    name = "link_vessel"


@dataclass(frozen=True)
class AttachEvidence:
    since: datetime
    until: datetime
    mmsis: tuple[int, ...] = field(default=())
    name = "evidence"


Action = Create | Assign | SetStatus | AddNote | LinkEvent | LinkVessel | AttachEvidence
ACTIONS: dict[str, type[Action]] = {a.name: a for a in (
    Create, Assign, SetStatus, AddNote, LinkEvent, LinkVessel, AttachEvidence)}


def incident_id_for(alert_ids: Iterable[str]) -> str:
    """The id of the incident opened from these alerts: the same alerts, the same id."""
    key = "|".join(sorted(set(alert_ids)))
    return "inc-" + hashlib.sha256(key.encode()).hexdigest()[:20]


def from_alerts(alerts: Sequence[Alert], title: str | None = None) -> Create:
    """The creation of an incident from alerts: the most severe alert sets its severity
    and (unless given) its title; their events and vessels are linked."""
    if not alerts:
        raise IncidentError("an incident from alerts needs at least one alert")
    rank = SEVERITIES.index
    top = max(alerts, key=lambda a: (rank(a.severity), a.start))
    vessels: list[int] = []
    for a in alerts:
        for m in (a.mmsi, a.other_mmsi):
            if m is not None and m not in vessels:
                vessels.append(m)
    events = list(dict.fromkeys(a.event_id for a in alerts))
    ids = tuple(dict.fromkeys(a.alert_id for a in alerts))
    return Create(incident_id_for(ids), title or top.title, top.severity, ids, tuple(events),
                  tuple(vessels))


# -- applying -----------------------------------------------------------------------------

def create(action: Create, actor: str, at: datetime) -> tuple[Incident, LogEntry]:
    _aware(at)
    _text(action.title, "title")
    if action.severity not in SEVERITIES:
        raise IncidentError(f"severity {action.severity!r} is not one of "
                            f"{', '.join(SEVERITIES)}")
    if not action.incident_id:
        raise IncidentError("an incident needs an id")
    incident = Incident(action.incident_id, action.title.strip(), action.severity, "new", at,
                        at, actor, alerts=action.alerts, events=action.events,
                        vessels=action.vessels)
    return incident, LogEntry(incident.incident_id, 1, at, actor, action.name,
                              to_json(action))


def apply(incident: Incident, action: Action, actor: str, at: datetime, seq: int
          ) -> tuple[Incident, LogEntry]:
    """The incident after ``action`` by ``actor`` at ``at``, and the log entry number
    ``seq`` recording it; raises ConflictError or IncidentError and changes nothing."""
    _aware(at)
    if isinstance(action, Create):
        raise ConflictError(f"incident {incident.incident_id} exists already")
    if incident.status == "closed" and not isinstance(action, AddNote | SetStatus):
        raise ConflictError(f"incident {incident.incident_id} is closed: reopen it (status "
                            "triaged) before changing it; notes are still accepted")
    changed = _changed(incident, action, actor, at)
    return (replace(changed, updated_at=max(at, incident.updated_at)),
            LogEntry(incident.incident_id, seq, at, actor, action.name, to_json(action)))


def _changed(i: Incident, action: Action, actor: str, at: datetime) -> Incident:
    if isinstance(action, Assign):
        if action.assignee == i.assignee:
            raise ConflictError(f"incident {i.incident_id} is already "
                                + (f"assigned to {i.assignee}" if i.assignee else "unassigned"))
        return replace(i, assignee=action.assignee)
    if isinstance(action, SetStatus):
        if action.status not in STATUSES:
            raise IncidentError(f"status {action.status!r} is not one of "
                                f"{', '.join(STATUSES)}")
        if action.status not in TRANSITIONS[i.status]:
            allowed = ", ".join(sorted(TRANSITIONS[i.status]))
            raise ConflictError(f"incident {i.incident_id} cannot go from {i.status} to "
                                f"{action.status} (from {i.status}: {allowed})")
        return replace(i, status=action.status)
    if isinstance(action, AddNote):
        return replace(i, notes=(*i.notes, Note(at, actor, _text(action.text, "note"))))
    if isinstance(action, LinkEvent):
        if not action.event_id:
            raise IncidentError("an event id must not be empty")
        if action.event_id in i.events:
            raise ConflictError(f"event {action.event_id} is already linked")
        return replace(i, events=(*i.events, action.event_id))
    if isinstance(action, LinkVessel):
        _mmsi(action.mmsi)
        if action.mmsi in i.vessels:
            raise ConflictError(f"vessel {action.mmsi} is already linked")
        return replace(i, vessels=(*i.vessels, action.mmsi))
    if isinstance(action, AttachEvidence):
        _aware(action.since)
        _aware(action.until)
        if action.since >= action.until:
            raise IncidentError("evidence: since must be before until")
        if not action.mmsis:
            raise IncidentError("evidence needs at least one MMSI")
        for m in action.mmsis:
            _mmsi(m)
        ev = Evidence(action.since, action.until, tuple(dict.fromkeys(action.mmsis)))
        new_vessels = tuple(m for m in ev.mmsis if m not in i.vessels)
        return replace(i, evidence=(*i.evidence, ev), vessels=(*i.vessels, *new_vessels))
    raise IncidentError(f"unknown action {action!r}")  # pragma: no cover


def replay(entries: Sequence[LogEntry]) -> Incident:
    """The incident its log describes (entries in seq order, the first a creation)."""
    if not entries or entries[0].action != Create.name:
        raise IncidentError("an incident log starts with its creation")
    incident, _ = create(_action(entries[0]), entries[0].actor,  # type: ignore[arg-type]
                         entries[0].at)
    for e in entries[1:]:
        incident, _ = apply(incident, _action(e), e.actor, e.at, e.seq)
    return incident


# -- JSON ---------------------------------------------------------------------------------

def to_json(value: Any) -> Any:
    """Actions, incidents and their parts as JSON-ready values (times ISO 8601, Z)."""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, tuple | list):
        return [to_json(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {k: to_json(getattr(value, k)) for k in value.__dataclass_fields__}
    return value


def _action(entry: LogEntry) -> Action:
    kind = ACTIONS.get(entry.action)
    if kind is None:
        raise IncidentError(f"unknown action {entry.action!r} in the log")
    d = dict(entry.detail)
    for key in ("alerts", "events", "vessels", "mmsis"):
        if key in d:
            d[key] = tuple(d[key])
    for key in ("since", "until"):
        if key in d:
            d[key] = datetime.fromisoformat(d[key])
    return kind(**d)


def incident_details(i: Incident) -> dict[str, Any]:
    """What the incidents table keeps as JSON besides its own columns."""
    return {k: to_json(getattr(i, k)) for k in
            ("created_by", "alerts", "events", "vessels", "notes", "evidence")}


def incident_from_row(row: Mapping[str, Any], details: Mapping[str, Any]) -> Incident:
    return Incident(
        row["incident_id"], row["title"], row["severity"], row["status"], row["created_at"],
        row["updated_at"], details["created_by"], row["assignee"], tuple(details["alerts"]),
        tuple(details["events"]), tuple(details["vessels"]),
        tuple(Note(datetime.fromisoformat(n["at"]), n["author"], n["text"])
              for n in details["notes"]),
        tuple(Evidence(datetime.fromisoformat(e["since"]), datetime.fromisoformat(e["until"]),
                       tuple(e["mmsis"])) for e in details["evidence"]))


def _aware(t: datetime) -> None:
    if t.tzinfo is None or t.utcoffset() is None:
        raise IncidentError(f"time {t.isoformat()} has no time zone (use UTC)")


def _text(text: str, what: str) -> str:
    if not text.strip():
        raise IncidentError(f"a {what} must not be empty")
    if len(text) > MAX_TEXT:
        raise IncidentError(f"a {what} is at most {MAX_TEXT} characters")
    return text


def _mmsi(m: int) -> None:
    if not 0 < m <= 999_999_999:
        raise IncidentError(f"MMSI {m} is not 1 to 999999999")
