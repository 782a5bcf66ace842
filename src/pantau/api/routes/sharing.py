"""Sharing: agreements for the sharing officer, releases pulled by partners, the audit log
for the oversight auditor.

- ``/api/agreements``: read by sharing officers, auditors and admins; suspend, resume and
  exit (with ``confirm: true``) and partner keys by sharing officers and admins.
- ``/api/agreements/{id}/release``: a sharing officer's release in any format, audited.
- ``/api/partner/release``: a partner's pull with its partner key (``Authorization: Bearer
  pk_...``), which opens this endpoint only and only for its agreement.
- ``/api/audit``, ``/api/audit/verify``, ``/api/audit/report/{id}``: auditors and admins.

A release under an agreement that is not in force answers 403 and is audited as a denial.
"""

# no `from __future__ import annotations`: FastAPI reads these routes' annotations at
# run time, and they name dependencies local to build()
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, status
from fastapi.responses import HTMLResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from pantau.api.access import DataAccess
from pantau.api.auth import require
from pantau.api.params import Page
from pantau.api.routes._errors import AUTHENTICATED, errors
from pantau.api.routes._rows import jsonable
from pantau.api.routes._write import LimitedRoute, writer
from pantau.api.users import User
from pantau.share import audit, keys, registry
from pantau.share.export import Outcome, ShareRefused, release_to
from pantau.share.formats import FORMATS, MEDIA_TYPES, render
from pantau.share.model import Agreement
from pantau.share.oversight import report
from pantau.store.archive import PositionArchive
from pantau.store.embedded import EmbeddedStore

VIEWERS: tuple[str, ...] = ("sharing_officer", "auditor", "admin")
OFFICERS: tuple[str, ...] = ("sharing_officer", "admin")
AUDITORS: tuple[str, ...] = ("auditor", "admin")

Format = StrEnum("Format", {f: f for f in sorted(FORMATS)})  # type: ignore[misc]
AGREEMENT_ID = Annotated[str, Path(min_length=1, max_length=200, description="Agreement id.")]
_partner_bearer = HTTPBearer(auto_error=False, description="A partner key (pk_...).")


class ReleaseQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Annotated[Format, Field(description="Output format.")]
    since: Annotated[AwareDatetime | None, Field(description="From this time.")] = None
    until: Annotated[AwareDatetime | None, Field(description="Before this time.")] = None


class AuditQuery(Page):
    agreement_id: Annotated[str | None, Field(max_length=200, description="Only this "
                                              "agreement's entries.")] = None


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    confirm: Annotated[bool, Field(description="Must be true: the change takes effect at "
                                   "once and stops or resumes releases.")]
    reason: Annotated[str, Field(max_length=2000, description="Why, for the audit log.")] = ""


class NewKeyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: Annotated[str, Field(min_length=1, max_length=200,
                                description="Who holds the key (the partner's system).")]


def agreement_json(a: Agreement, now: datetime) -> dict[str, Any]:
    return a.describe(now)


def _released(outcome: Outcome, fmt: str) -> Response:
    return Response(outcome.content, media_type=MEDIA_TYPES[fmt], headers={
        "X-Pantau-Content-SHA256": outcome.content_sha256,
        "X-Pantau-Audit-Seq": str(outcome.audit_entry.seq),
        "X-Pantau-Policy-Version": outcome.release.policy_version})


def _release(db: EmbeddedStore, access: DataAccess, agreement_id: str, q: ReleaseQuery,
             actor: str) -> Response:
    try:
        outcome = release_to(db, PositionArchive(access.data_dir), agreement_id,
                             q.format.value, render, actor, q.since, q.until,
                             destination="api")
    except ShareRefused as e:
        raise HTTPException(status.HTTP_403_FORBIDDEN, str(e)) from None
    return _released(outcome, q.format.value)


def build(access: DataAccess) -> APIRouter:
    router = APIRouter(tags=["sharing"], route_class=LimitedRoute,
                       responses=AUTHENTICATED | errors(413))
    store = writer(access)
    Store = Annotated[EmbeddedStore, Depends(store)]
    Viewer = Annotated[User, Depends(require(VIEWERS, store))]
    Officer = Annotated[User, Depends(require(OFFICERS, store))]
    Auditor = Annotated[User, Depends(require(AUDITORS, store))]

    def _load(db: EmbeddedStore, agreement_id: str) -> Agreement:
        try:
            return registry.load(db, agreement_id)
        except registry.AgreementError as e:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(e)) from None

    @router.get("/api/agreements", summary="Agreements, their status now and terms")
    def list_agreements(db: Store, _: Viewer) -> dict[str, Any]:
        now = datetime.now(UTC)
        found = [agreement_json(a, now) for a in registry.load_all(db)]
        return {"total": len(found), "items": found,
                "partners": [{"code": p.code, "name": p.name}
                             for p in registry.partners(db).values()]}

    @router.get("/api/agreements/{agreement_id}", summary="One agreement with its history",
                responses=errors(404))
    def get_agreement(agreement_id: AGREEMENT_ID, db: Store, _: Viewer) -> dict[str, Any]:
        return agreement_json(_load(db, agreement_id), datetime.now(UTC))

    def _change(agreement_id: str, new: str, body: StatusChange, db: EmbeddedStore,
                user: User) -> dict[str, Any]:
        if not body.confirm:
            raise HTTPException(status.HTTP_400_BAD_REQUEST,
                                "set confirm to true: the change takes effect at once")
        _load(db, agreement_id)
        try:
            a = registry.set_status(db, agreement_id, new, user.name, datetime.now(UTC),
                                    body.reason)
        except registry.AgreementError as e:
            raise HTTPException(status.HTTP_409_CONFLICT, str(e)) from None
        return agreement_json(a, datetime.now(UTC))

    for verb, new in (("suspend", "suspended"), ("resume", "in_force"), ("exit", "exited")):
        def handler(agreement_id: AGREEMENT_ID, body: StatusChange, db: Store, user: Officer,
                    _new: str = new) -> dict[str, Any]:
            return _change(agreement_id, _new, body, db, user)
        router.add_api_route(f"/api/agreements/{{agreement_id}}/{verb}", handler,
                             methods=["POST"], summary=f"{verb.capitalize()} an agreement",
                             responses=errors(400, 404, 409), name=f"agreement_{verb}")

    @router.get("/api/agreements/{agreement_id}/releases",
                summary="The audit entries of an agreement, newest first",
                responses=errors(404))
    def releases(agreement_id: AGREEMENT_ID, q: Annotated[Page, Query()], db: Store,
                 _: Viewer) -> dict[str, Any]:
        _load(db, agreement_id)
        entries = list(reversed(audit.read(db, agreement_id)))
        return {"total": len(entries), "limit": q.limit, "offset": q.offset,
                "items": [json_entry(e) for e in entries[q.offset:q.offset + q.limit]]}

    @router.get("/api/agreements/{agreement_id}/release",
                summary="Release under an agreement now, as a sharing officer (audited)",
                responses=errors(404) | {200: {"content": {m: {} for m in MEDIA_TYPES.values()}}})
    def officer_release(agreement_id: AGREEMENT_ID, q: Annotated[ReleaseQuery, Query()],
                        db: Store, user: Officer) -> Response:
        _load(db, agreement_id)
        return _release(db, access, agreement_id, q, user.name)

    @router.get("/api/agreements/{agreement_id}/keys", summary="Partner keys (no secrets)",
                responses=errors(404))
    def list_partner_keys(agreement_id: AGREEMENT_ID, db: Store, _: Officer
                          ) -> dict[str, Any]:
        _load(db, agreement_id)
        found = [{k: jsonable(v) for k, v in r.items()}
                 for r in keys.list_keys(db, agreement_id)]
        return {"total": len(found), "items": found}

    @router.post("/api/agreements/{agreement_id}/keys", status_code=201,
                  summary="Issue a partner key for one agreement (shown once)",
                  responses=errors(404))
    def new_partner_key(agreement_id: AGREEMENT_ID, body: NewKeyBody, db: Store,
                        user: Officer) -> dict[str, Any]:
        _load(db, agreement_id)
        new = keys.issue_key(db, agreement_id, body.label, user.name)
        return {"key_id": new.key_id, "agreement_id": agreement_id, "key": new.key}

    @router.delete("/api/agreements/{agreement_id}/keys/{key_id}",
                   summary="Revoke a partner key", responses=errors(404))
    def revoke_partner_key(agreement_id: AGREEMENT_ID,
                           key_id: Annotated[str, Path(pattern="^[0-9a-f]{16}$")],
                           db: Store, _: Officer) -> dict[str, Any]:
        found = [k for k in keys.list_keys(db, agreement_id) if k["key_id"] == key_id]
        if not found or not keys.revoke_key(db, key_id):
            raise HTTPException(status.HTTP_404_NOT_FOUND,
                                f"no live key {key_id} for agreement {agreement_id!r}")
        return {"key_id": key_id, "revoked": True}

    @router.get("/api/partner/release", tags=["partner"],
                summary="A partner pulls what its agreement releases now (partner key)",
                responses={200: {"content": {m: {} for m in MEDIA_TYPES.values()}}})
    def partner_release(
        q: Annotated[ReleaseQuery, Query()], db: Store,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_partner_bearer)],
    ) -> Response:
        key = None
        if credentials is not None and credentials.scheme.lower() == "bearer":
            key = keys.verify_key(db, credentials.credentials)
        if key is None:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or revoked partner key",
                                headers={"WWW-Authenticate": "Bearer"})
        return _release(db, access, key.agreement_id, q, f"partner-key:{key.key_id}")

    @router.get("/api/audit", tags=["audit"], summary="The audit log, newest first")
    def audit_log(q: Annotated[AuditQuery, Query()], db: Store, _: Auditor
                  ) -> dict[str, Any]:
        entries = list(reversed(audit.read(db, q.agreement_id)))
        head = audit.head(db)
        return {"total": len(entries), "limit": q.limit, "offset": q.offset,
                "head": {"seq": head.seq, "hash": head.hash, "count": head.count},
                "items": [json_entry(e) for e in entries[q.offset:q.offset + q.limit]]}

    @router.get("/api/audit/verify", tags=["audit"], summary="Verify the whole chain now")
    def audit_verify(db: Store, _: Auditor) -> dict[str, Any]:
        result = audit.verify_store(db)
        head = audit.head(db)
        return {"ok": result.ok, "entries": result.count, "head": head.hash,
                "first_broken": result.first_broken, "broken_seq": result.broken_seq,
                "reason": result.reason, "message": result.describe()}

    @router.get("/api/audit/report/{agreement_id}", tags=["audit"],
                summary="The oversight report of one agreement (HTML)",
                # declared per status, not with response_class: that would label the JSON
                # errors text/html too
                responses=errors(404) | {200: {"content": {"text/html": {}}}})
    def audit_report(agreement_id: AGREEMENT_ID, db: Store, _: Auditor) -> Response:
        _load(db, agreement_id)
        return HTMLResponse(report(db, agreement_id, datetime.now(UTC)))

    return router


def json_entry(e: audit.AuditEntry) -> dict[str, Any]:
    return {"seq": e.seq, "at": jsonable(e.at), "actor": e.actor, "action": e.action,
            "agreement_id": e.agreement_id, "entry": e.entry, "hash": e.hash,
            "prev_hash": e.prev_hash}
