"""`/api/alerts`: the stored events that match the alert rules, kept with who acknowledged
them and the incident opened from them, most severe and newest first.

Listing first brings the alerts up to date with the stored events (new alerts are kept
with the time they were first seen), so the list never lags the events.
"""

# no `from __future__ import annotations`: FastAPI reads these routes' annotations at
# run time, and they name dependencies local to build()
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import Field

from pantau.api.access import DataAccess
from pantau.api.auth import READERS, require
from pantau.api.params import IsoTime, Page
from pantau.api.routes._errors import AUTHENTICATED, errors
from pantau.api.routes._rows import jsonable
from pantau.api.routes._write import LimitedRoute, writer
from pantau.api.users import User
from pantau.incidents import SEVERITIES, Rule
from pantau.incidents.store import NotFoundError, acknowledge, active_rules, sync_alerts
from pantau.store.embedded import EmbeddedStore

Severity = StrEnum("Severity", {s: s for s in SEVERITIES})  # type: ignore[misc]

#: who may acknowledge an alert: those who act on it
ACKNOWLEDGERS: tuple[str, ...] = ("watch_officer", "analyst", "admin")

ALERT_ID = Annotated[str, Path(pattern="^[0-9a-f]{24}$", description="The alert's id.")]


class AlertQuery(Page):
    severity: Annotated[Severity, Field(description="Lowest severity listed.")] = \
        Severity("low")
    acknowledged: Annotated[bool | None, Field(
        description="Only acknowledged (true) or unacknowledged (false) alerts.")] = None
    since: Annotated[IsoTime | None, Field(
        description="Alerts whose event started at or after this time (ISO 8601 with a "
        "zone).")] = None


def alert_json(row: dict[str, Any]) -> dict[str, Any]:
    return {k: jsonable(v) for k, v in row.items()}


def build(access: DataAccess, reader: Any, rules: tuple[Rule, ...] | None = None
          ) -> APIRouter:
    """``rules``: the alert rules; by default those in force in the store."""
    router = APIRouter(prefix="/api/alerts", tags=["alerts"], route_class=LimitedRoute,
                       responses=AUTHENTICATED | errors(413))
    store = writer(access)
    Store = Annotated[EmbeddedStore, Depends(store)]
    # listing writes new alerts, so readers authenticate on the same writable store
    Reader = Annotated[User, Depends(require(READERS, store))]
    Acker = Annotated[User, Depends(require(ACKNOWLEDGERS, store))]

    @router.get("", summary="Alerts, most severe then newest first")
    def list_alerts(q: Annotated[AlertQuery, Query()], db: Store, _: Reader
                    ) -> dict[str, Any]:
        sync_alerts(db, rules or active_rules(db), datetime.now(UTC))
        where: dict[str, object] = {}
        if q.since is not None:
            where["start"] = (">=", q.since)
        if q.acknowledged is not None:
            where["acknowledged_by"] = ("!=" if q.acknowledged else "=", None)
        floor = SEVERITIES.index(q.severity.value)
        found = [r for r in db.select("alerts", where or None).to_pylist()
                 if SEVERITIES.index(r["severity"]) >= floor]
        found.sort(key=lambda r: (SEVERITIES.index(r["severity"]), r["start"], r["alert_id"]),
                   reverse=True)
        return {"total": len(found), "limit": q.limit, "offset": q.offset,
                "items": [alert_json(r) for r in found[q.offset:q.offset + q.limit]]}

    @router.post("/{alert_id}/ack", summary="Acknowledge an alert (the first one stands)",
                 responses=errors(404))
    def ack(alert_id: ALERT_ID, db: Store, user: Acker) -> dict[str, Any]:
        sync_alerts(db, rules or active_rules(db), datetime.now(UTC))
        try:
            return alert_json(acknowledge(db, alert_id, user.name, datetime.now(UTC)))
        except NotFoundError as e:
            raise HTTPException(404, str(e)) from None

    return router
