"""`/api/incidents`: incidents opened from alerts or by hand, and every change to them.

Each change is recorded in the incident's log with the acting user (from the token) and
the time; see :mod:`pantau.incidents.lifecycle` for the statuses and the transitions
allowed. A change the incident's state does not allow is a 409 naming why.
"""

# no `from __future__ import annotations`: FastAPI reads these routes' annotations at
# run time, and they name dependencies local to build()
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response
from fastapi.responses import HTMLResponse
from pydantic import Field, model_validator

from pantau.api.access import DataAccess
from pantau.api.auth import READERS, require
from pantau.api.params import IsoTime, Page, Strict
from pantau.api.routes._errors import AUTHENTICATED, errors
from pantau.api.routes._rows import rows
from pantau.api.routes._write import LimitedRoute, writer
from pantau.api.routes.alerts import Severity
from pantau.api.users import User, get_user
from pantau.incidents import Rule
from pantau.incidents import lifecycle as lc
from pantau.incidents import store as kept
from pantau.store.archive import PositionArchive
from pantau.store.base import Store as AnyStore
from pantau.store.embedded import EmbeddedStore

Status = StrEnum("Status", {s: s for s in lc.STATUSES})  # type: ignore[misc]

#: who may read incidents: the operational readers, and auditors, since an incident's
#: log of who did what and when is part of what oversight checks
INCIDENT_READERS: tuple[str, ...] = (*READERS, "auditor")
#: who may open incidents and add to them (notes, events, vessels, evidence)
CONTRIBUTORS: tuple[str, ...] = ("watch_officer", "analyst", "admin")
#: who runs an incident: assigns it and moves it through its statuses
RUNNERS: tuple[str, ...] = ("watch_officer", "admin")

INCIDENT_ID = Annotated[str, Path(pattern="^inc-[0-9a-f]{20}$",
                                  description="The incident's id.")]
MMSI = Annotated[int, Field(ge=1, le=999_999_999, description="An MMSI.")]
Text = Annotated[str, Field(min_length=1, max_length=lc.MAX_TEXT)]


class IncidentQuery(Page):
    status: Annotated[Status | None, Field(description="Only this status.")] = None
    assignee: Annotated[str | None, Field(min_length=1, max_length=64,
                                          description="Only incidents assigned to this "
                                          "user.")] = None


class NewIncident(Strict):
    """From alerts (``alert_ids``, title optional) or by hand (``title`` and
    ``severity``)."""

    alert_ids: Annotated[list[Annotated[str, Field(pattern="^[0-9a-f]{24}$")]] | None, Field(
        min_length=1, max_length=100, description="Open from these alerts.")] = None
    title: Annotated[str | None, Field(min_length=1, max_length=lc.MAX_TEXT)] = None
    severity: Severity | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Any:
        if self.alert_ids is None and (self.title is None or self.severity is None):
            raise ValueError("give alert_ids, or title and severity for an incident by hand")
        if self.alert_ids is not None and self.severity is not None:
            raise ValueError("severity comes from the alerts; leave it out with alert_ids")
        return self


class AssignBody(Strict):
    assignee: Annotated[str | None, Field(min_length=1, max_length=64,
                                          description="A user name; null unassigns.")]


class StatusBody(Strict):
    status: Status


class NoteBody(Strict):
    text: Text


class EventBody(Strict):
    event_id: Annotated[str, Field(min_length=1, max_length=200)]


class VesselBody(Strict):
    mmsi: MMSI


class EvidenceBody(Strict):
    since: IsoTime
    until: IsoTime
    mmsis: Annotated[list[MMSI], Field(min_length=1, max_length=100)]

    @model_validator(mode="after")
    def _ordered(self) -> Any:
        if self.since >= self.until:
            raise ValueError("since must be before until")
        return self


def incident_json(i: lc.Incident) -> dict[str, Any]:
    out: dict[str, Any] = lc.to_json(i)
    return out


def _log_json(e: lc.LogEntry) -> dict[str, Any]:
    out: dict[str, Any] = lc.to_json(e)
    out.pop("incident_id")
    return out


@contextmanager
def _answers() -> Iterator[None]:
    try:
        yield
    except kept.NotFoundError as e:
        raise HTTPException(404, str(e)) from None
    except lc.ConflictError as e:
        raise HTTPException(409, str(e)) from None


def build(access: DataAccess, reader: Any, rules: tuple[Rule, ...] | None = None
          ) -> APIRouter:
    """``rules``: the alert rules; by default those in force in the store."""
    router = APIRouter(prefix="/api/incidents", tags=["incidents"], route_class=LimitedRoute,
                       responses=AUTHENTICATED | errors(413))
    missing, refused = errors(404), errors(404, 409)
    store = writer(access)
    Reading = Annotated[EmbeddedStore, Depends(access.store)]
    Writing = Annotated[EmbeddedStore, Depends(store)]
    Reader = Annotated[User, Depends(require(INCIDENT_READERS, access.store))]
    Contributor = Annotated[User, Depends(require(CONTRIBUTORS, store))]
    Runner = Annotated[User, Depends(require(RUNNERS, store))]

    @router.post("", summary="Open an incident from alerts (the same alerts give the same "
                 "incident) or by hand", status_code=201, responses=refused)
    def open_incident(body: NewIncident, db: Writing, user: Contributor, response: Response
                      ) -> dict[str, Any]:
        now = datetime.now(UTC)
        with _answers():
            if body.alert_ids is None:
                assert body.title is not None and body.severity is not None
                return incident_json(kept.open_by_hand(db, body.title, body.severity.value,
                                                       user.name, now))
            kept.sync_alerts(db, rules or kept.active_rules(db), now)
            incident, opened = kept.open_from_alerts(db, body.alert_ids, user.name, now,
                                                     body.title)
        if not opened:
            response.status_code = 200
        return incident_json(incident)

    @router.get("", summary="Incidents, most recently changed first")
    def list_incidents(q: Annotated[IncidentQuery, Query()], db: Reading, _: Reader
                       ) -> dict[str, Any]:
        found = kept.list_incidents(db, q.status.value if q.status else None, q.assignee)
        return {"total": len(found), "limit": q.limit, "offset": q.offset,
                "items": [incident_json(i) for i in found[q.offset:q.offset + q.limit]]}

    @router.get("/{incident_id}", responses=missing, summary="One incident with its log, "
                "linked events, vessels and alerts")
    def get_incident(incident_id: INCIDENT_ID, db: Reading, _: Reader) -> dict[str, Any]:
        with _answers():
            incident = kept.get_incident(db, incident_id)
        out = incident_json(incident)
        out["log"] = [_log_json(e) for e in kept.incident_log(db, incident_id)]
        out["linked_events"] = _events(db, incident.events)
        out["linked_vessels"] = _vessels(db, incident.vessels)
        out["linked_alerts"] = [r for a in incident.alerts
                                for r in rows(db.select("alerts", {"alert_id": a}))]
        return out

    @router.get("/{incident_id}/pack", summary="The incident's evidence pack: one "
                "self-contained HTML page (header, log, events, vessels, track map, hashes)",
                responses=missing | {200: {"content": {"text/html": {}}}})
    def evidence_pack(incident_id: INCIDENT_ID, db: Reading, _: Reader) -> Response:
        from pantau.incidents import evidence as pack
        from pantau.incidents import evidence_figures as figures

        with _answers():
            data = pack.gather(db, PositionArchive(access.data_dir), incident_id)
        return HTMLResponse(pack.evidence_html(data, figures.map_png(data)), headers={
            "Content-Disposition": f'inline; filename="evidence-{incident_id}.html"'})

    def _change(db: EmbeddedStore, incident_id: str, action: lc.Action, user: User
                ) -> dict[str, Any]:
        with _answers():
            incident, entry = kept.change(db, incident_id, action, user.name,
                                          datetime.now(UTC))
        return incident_json(incident) | {"logged": _log_json(entry)}

    @router.post("/{incident_id}/assign", responses=refused,
                 summary="Assign to a user, or unassign (null)")
    def assign(incident_id: INCIDENT_ID, body: AssignBody, db: Writing, user: Runner
               ) -> dict[str, Any]:
        if body.assignee is not None and get_user(db, body.assignee) is None:
            raise HTTPException(404, f"no user {body.assignee!r}")
        return _change(db, incident_id, lc.Assign(body.assignee), user)

    @router.post("/{incident_id}/status", responses=refused,
                 summary="Move through new, triaged, responding, closed (409 for a "
                 "transition not allowed)")
    def set_status(incident_id: INCIDENT_ID, body: StatusBody, db: Writing, user: Runner
                   ) -> dict[str, Any]:
        return _change(db, incident_id, lc.SetStatus(body.status.value), user)

    @router.post("/{incident_id}/notes", responses=refused, summary="Add a note")
    def add_note(incident_id: INCIDENT_ID, body: NoteBody, db: Writing, user: Contributor
                 ) -> dict[str, Any]:
        return _change(db, incident_id, lc.AddNote(body.text), user)

    @router.post("/{incident_id}/events", responses=refused, summary="Link a stored event")
    def link_event(incident_id: INCIDENT_ID, body: EventBody, db: Writing,
                   user: Contributor) -> dict[str, Any]:
        with _answers():  # the incident's 404 comes before the event's
            kept.get_incident(db, incident_id)
        if not db.count("events", {"event_id": body.event_id}):
            raise HTTPException(404, f"no event {body.event_id!r}")
        return _change(db, incident_id, lc.LinkEvent(body.event_id), user)

    @router.post("/{incident_id}/vessels", responses=refused, summary="Link a vessel by MMSI")
    def link_vessel(incident_id: INCIDENT_ID, body: VesselBody, db: Writing,
                    user: Contributor) -> dict[str, Any]:
        return _change(db, incident_id, lc.LinkVessel(body.mmsi), user)

    @router.post("/{incident_id}/evidence", responses=refused,
                 summary="Attach positions as evidence: the vessels' tracks over "
                 "[since, until)")
    def attach_evidence(incident_id: INCIDENT_ID, body: EvidenceBody, db: Writing,
                        user: Contributor) -> dict[str, Any]:
        action = lc.AttachEvidence(body.since.astimezone(UTC), body.until.astimezone(UTC),
                                   tuple(body.mmsis))
        return _change(db, incident_id, action, user)

    return router


def _events(db: AnyStore, ids: tuple[str, ...]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for event_id in ids:
        for r in rows(db.select("events", {"event_id": event_id})):
            r["details"] = json.loads(r["details"] or "{}")
            out.append(r)
    return out


def _vessels(db: AnyStore, mmsis: tuple[int, ...]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for mmsi in mmsis:
        found = rows(db.select("vessels", {"mmsi": mmsi}))
        out.append(found[0] if found else {"mmsi": mmsi})
    return out
