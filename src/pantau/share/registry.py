"""Partners and agreements in the store: imported from a file, versioned, suspended, exited.

Each change is a new version of the agreement's row with the time it took effect; the rows
together are the agreement's history (:attr:`Agreement.history`), which the policy reads to
know whether the agreement was in force at any instant. Nothing is updated in place and
every change goes into the audit log. An agreement's first version takes effect on its
in-force date (the file declares what has held since then); later changes take effect when
they are made. Exiting is final.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import pyarrow as pa

from pantau.errors import PantauError
from pantau.schema import AGREEMENTS, PARTNERS
from pantau.share import audit
from pantau.share.agreements_file import AgreementsFile
from pantau.share.model import STATUSES, Agreement, Partner, ShareTerms, StatusChange, day_start
from pantau.store.base import Store


class AgreementError(PantauError):
    """An agreement that does not exist, or a change it does not allow."""


@dataclass(frozen=True)
class Change:
    agreement_id: str
    version: int
    what: str  # new, terms, status, unchanged


def partners(store: Store) -> dict[str, Partner]:
    rows = store.select(PARTNERS.name, order_by="code").to_pylist()
    return {r["code"]: Partner(r["code"], r["name"]) for r in rows}


def _versions(store: Store, agreement_id: str | None = None) -> dict[str, list[dict[str, Any]]]:
    where = {"agreement_id": agreement_id} if agreement_id is not None else None
    out: dict[str, list[dict[str, Any]]] = {}
    for row in store.select(AGREEMENTS.name, where, order_by="version").to_pylist():
        out.setdefault(row["agreement_id"], []).append(row)
    return out


def _agreement(rows: list[dict[str, Any]]) -> Agreement:
    latest = rows[-1]
    terms = json.loads(latest["terms"])
    share = terms["share"]
    history: list[StatusChange] = []
    for r in rows:
        t = json.loads(r["terms"])
        if not history or history[-1].status != r["status"]:
            history.append(StatusChange(r["effective_at"], r["status"], t.get("actor", ""),
                                        t.get("reason", "")))
    return Agreement(
        agreement_id=latest["agreement_id"], title=terms["title"],
        partners=tuple(terms["partners"]), signed=date.fromisoformat(terms["signed"]),
        in_force_from=date.fromisoformat(terms["in_force_from"]),
        expires=date.fromisoformat(terms["expires"]) if terms.get("expires") else None,
        binding=bool(terms["binding"]),
        share=ShareTerms(frozenset(share["categories"]), tuple(share["zones"]),
                         float(share["delay_minutes"]), float(share["precision_m"]),
                         frozenset(share["exclude_vessel_categories"]), share["max_tlp"]),
        history=tuple(history), version=int(latest["version"]), note=terms.get("note", ""))


def load(store: Store, agreement_id: str) -> Agreement:
    rows = _versions(store, agreement_id).get(agreement_id)
    if not rows:
        known = ", ".join(sorted(_versions(store))) or "none; run pantau agreements import"
        raise AgreementError(f"unknown agreement {agreement_id!r} (known: {known})")
    return _agreement(rows)


def load_all(store: Store) -> list[Agreement]:
    return [_agreement(rows) for _, rows in sorted(_versions(store).items())]


def _write(store: Store, agreement: Agreement, version: int, status: str, at: datetime,
           actor: str, reason: str) -> None:
    terms = {**agreement.terms_dict(), "actor": actor, "reason": reason}
    store.upsert(AGREEMENTS.name, pa.Table.from_pylist([{
        "agreement_id": agreement.agreement_id, "version": version, "status": status,
        "effective_at": at, "terms": json.dumps(terms, sort_keys=True)}],
        schema=AGREEMENTS.schema))


def _terms_digest(agreement: Agreement) -> str:
    return hashlib.sha256(json.dumps(agreement.terms_dict(), sort_keys=True).encode()
                          ).hexdigest()


def import_file(store: Store, parsed: AgreementsFile, actor: str, at: datetime) -> list[Change]:
    """Store the file's partners and agreements; an agreement whose terms or status changed
    gets a new version effective ``at``. Refuses, storing nothing, to revive an exited
    agreement."""
    existing = _versions(store)
    for a in parsed.agreements:
        rows = existing.get(a.agreement_id)
        if rows and rows[-1]["status"] == "exited" and parsed.statuses[a.agreement_id] != "exited":
            raise AgreementError(f"agreement {a.agreement_id!r} was exited on "
                                 f"{rows[-1]['effective_at']:%Y-%m-%d}; exit is final (sign "
                                 "a new agreement under a new id)")
    if parsed.partners:
        store.upsert(PARTNERS.name, pa.Table.from_pylist(
            [{"code": p.code, "name": p.name} for p in parsed.partners], schema=PARTNERS.schema))
    changes = []
    for a in parsed.agreements:
        status = parsed.statuses[a.agreement_id]
        rows = existing.get(a.agreement_id)
        digest = _terms_digest(a)
        if not rows:
            version, what = 1, "new"
            effective = min(day_start(a.in_force_from), at)
        else:
            old = _agreement(rows)
            same_terms = _terms_digest(replace(old, history=())) == digest
            if same_terms and old.status == status:
                changes.append(Change(a.agreement_id, old.version, "unchanged"))
                continue
            version = old.version + 1
            what = "terms" if old.status == status else "status"
            effective = max(at, rows[-1]["effective_at"])
        _write(store, a, version, status, effective, actor, "import")
        audit.append(store, actor, "import" if what != "status" else "status_change",
                     a.agreement_id, {"version": version, "status": status, "change": what,
                                      "effective_at": effective.isoformat(),
                                      "terms_sha256": digest})
        changes.append(Change(a.agreement_id, version, what))
    return changes


def set_status(store: Store, agreement_id: str, status: str, actor: str, at: datetime,
               reason: str = "") -> Agreement:
    """Suspend, exit or resume an agreement from ``at`` on (at once: releases stop)."""
    if status not in STATUSES or status == "expired":
        raise AgreementError(f"cannot set status {status!r} (expected in_force, suspended "
                             "or exited; expiry follows from the dates)")
    current = load(store, agreement_id)
    if current.status == "exited":
        raise AgreementError(f"agreement {agreement_id!r} was exited; exit is final")
    if current.status == status:
        raise AgreementError(f"agreement {agreement_id!r} is already {status}")
    last_at = current.history[-1].at if current.history else at
    effective = max(at, last_at)
    version = current.version + 1
    _write(store, current, version, status, effective, actor, reason)
    audit.append(store, actor, "status_change", agreement_id,
                 {"version": version, "from": current.status, "status": status,
                  "reason": reason, "effective_at": effective.isoformat()})
    return load(store, agreement_id)
