"""Releasing to a partner: gather the holdings, apply the policy, render, write, audit.

The adapter around the pure policy. An agreement not in force at release time releases
nothing: the attempt is audited as a denial and :class:`ShareRefused` raised before any
file is touched. A release is written aside and moved into place, with a manifest beside it
(counts, policy version, content hash, the audit entry that records it), and audited.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from pantau.errors import OutputError, PantauError
from pantau.incidents import store as incidents_store
from pantau.pipeline.config import load_zoneset
from pantau.schema import ALERTS, EVENTS, VESSELS
from pantau.share import audit, registry
from pantau.share.model import Agreement
from pantau.share.policy import NOT_IN_FORCE, Holdings, decide, policy_version
from pantau.share.release import Release
from pantau.store.archive import PositionArchive
from pantau.store.base import Store
from pantau.zones import ZoneSet

POSITION_COLUMNS = ["mmsi", "received_at", "lon", "lat", "speed", "course", "heading"]
POSITIONS = pa.schema([("mmsi", pa.int64()), ("received_at", pa.timestamp("us", tz="UTC")),
                       ("lon", pa.float64()), ("lat", pa.float64()), ("speed", pa.float64()),
                       ("course", pa.float64()), ("heading", pa.uint16())])


class ShareRefused(PantauError):
    """The agreement does not allow any release now (not in force); nothing was written."""


@dataclass(frozen=True)
class Outcome:
    release: Release
    content: bytes
    content_sha256: str
    audit_entry: audit.AuditEntry
    manifest: dict[str, Any]


def gather(store: Store, archive: PositionArchive, agreement: Agreement,
           since: datetime | None, until: datetime | None) -> Holdings:
    """The operator's records in [since, until) that the agreement's categories could
    touch (nothing is read for a category it does not share)."""
    shared = agreement.share.categories
    positions = POSITIONS.empty_table()
    if "tracks" in shared and archive.files():
        positions = archive.query(since=since, until=until, columns=POSITION_COLUMNS
                                  ).cast(POSITIONS)
    where: dict[str, object] = {}
    if until is not None:
        where["start"] = ("<", until)
    events = store.select(EVENTS.name, where or None, order_by="event_id")
    if since is not None and events.num_rows:
        rows = [r for r in events.to_pylist()
                if (r["end"] or r["start"]) is not None and (r["end"] or r["start"]) >= since]
        events = pa.Table.from_pylist(rows, schema=events.schema)
    alerts = ALERTS.schema.empty_table()
    if "alerts" in shared:
        alert_where: dict[str, object] = {}
        if until is not None:
            alert_where["start"] = ("<", until)
        alerts = store.select(ALERTS.name, alert_where or None, order_by="alert_id")
        if since is not None and alerts.num_rows:
            alerts = pa.Table.from_pylist(
                [r for r in alerts.to_pylist() if r["start"] >= since], schema=alerts.schema)
    incidents = incidents_store.list_incidents(store) if "incidents" in shared else []
    vessels = store.select(VESSELS.name, order_by="mmsi")
    return Holdings(positions, vessels, events, alerts, incidents)


def _digest(hashes: list[str]) -> str:
    return hashlib.sha256("\n".join(hashes).encode()).hexdigest()


def records_of(release: Release) -> dict[str, Any]:
    """Which records went, by hash: each hash for the few (events, alerts, incidents), a
    count and digest of the sorted hashes for the many (tracks)."""
    out: dict[str, Any] = {}
    for name, table in release.tables.items():
        if "record_hash" not in table.column_names:
            continue
        hashes = sorted(table.column("record_hash").to_pylist())
        if name == "tracks":
            out[name] = {"count": len(hashes), "sha256": _digest(hashes)}
        else:
            out[name] = hashes
    return out


@dataclass(frozen=True)
class Prepared:
    """A release decided and rendered, not yet audited (nor handed over)."""

    release: Release
    content: bytes
    content_sha256: str
    fmt: str
    now: datetime


def prepare_release(store: Store, archive: PositionArchive, agreement_id: str, fmt: str,
                    render: Callable[[Release, str], bytes], actor: str,
                    since: datetime | None = None, until: datetime | None = None,
                    now: datetime | None = None, destination: str | None = None,
                    zones: ZoneSet | None = None) -> Prepared:
    """Decide and render one release; an agreement not in force is refused here, and the
    refusal audited."""
    now = now or datetime.now(UTC)
    if since is not None and until is not None and since >= until:
        raise PantauError(f"--since {since.isoformat()} is not before --until "
                          f"{until.isoformat()}")
    agreement = registry.load(store, agreement_id)
    partners = registry.partners(store)
    if not agreement.in_force_at(now):
        status = agreement.status_at(now)
        audit.append(store, actor, "deny", agreement_id, {
            "agreement_version": agreement.version, "policy_version": policy_version(agreement),
            "format": fmt, "outcome": "denied", "reason": NOT_IN_FORCE, "status": status,
            "destination": destination, **_window(since, until)}, at=now)
        raise ShareRefused(f"agreement {agreement_id!r} is not in force now ({status}): "
                           "nothing released, nothing written; the attempt is in the audit log")
    holdings = gather(store, archive, agreement, since, until)
    release = decide(agreement, [partners[c] for c in agreement.partners if c in partners],
                     holdings, zones if zones is not None else load_zoneset(store), now,
                     since, until)
    content = render(release, fmt)
    return Prepared(release, content, hashlib.sha256(content).hexdigest(), fmt, now)


def _window(since: datetime | None, until: datetime | None) -> dict[str, str | None]:
    return {"since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None}


def record_release(store: Store, prepared: Prepared, actor: str,
                   destination: str | None = None) -> Outcome:
    """Audit a release that was handed over (or is about to be written)."""
    release, fmt, now = prepared.release, prepared.fmt, prepared.now
    agreement = release.agreement
    counts = release.counts()
    window = _window(release.since, release.until)
    records = records_of(release)
    entry = audit.append(store, actor, "release", agreement.agreement_id, {
        "agreement_version": agreement.version, "policy_version": release.policy_version,
        "format": fmt, "outcome": "released", "reason": "", "counts": counts,
        "denied": release.denied, "records": records,
        "content_sha256": prepared.content_sha256, "destination": destination, **window},
        at=now)
    manifest = {
        "agreement_id": agreement.agreement_id, "agreement_version": agreement.version,
        "title": agreement.title, "partners": list(release.releasable_to),
        "policy_version": release.policy_version, "format": fmt,
        "released_at": now.isoformat().replace("+00:00", "Z"), **window,
        "counts": counts, "denied": release.denied,
        "content_sha256": prepared.content_sha256, "content_bytes": len(prepared.content),
        "records": records, "audit": {"seq": entry.seq, "hash": entry.hash}}
    return Outcome(release, prepared.content, prepared.content_sha256, entry, manifest)


def release_to(store: Store, archive: PositionArchive, agreement_id: str, fmt: str,
               render: Callable[[Release, str], bytes], actor: str,
               since: datetime | None = None, until: datetime | None = None,
               now: datetime | None = None, destination: str | None = None,
               zones: ZoneSet | None = None) -> Outcome:
    """Decide, render and audit one release (or its refusal)."""
    prepared = prepare_release(store, archive, agreement_id, fmt, render, actor, since,
                               until, now, destination, zones)
    return record_release(store, prepared, actor, destination)


def manifest_path(out: Path) -> Path:
    return out.with_name(out.name + ".manifest.json")


def write_release(outcome: Outcome, out: Path) -> Path:
    """The release at ``out`` and its manifest beside it, each written aside then moved."""
    written = []
    try:
        for path, data in ((out, outcome.content),
                           (manifest_path(out), (json.dumps(outcome.manifest, indent=1,
                                                            sort_keys=True) + "\n").encode())):
            tmp = path.with_name(path.name + ".partial")
            tmp.write_bytes(data)
            os.replace(tmp, path)
            written.append(path)
    except OSError as e:
        for path in (out, manifest_path(out)):
            path.with_name(path.name + ".partial").unlink(missing_ok=True)
        raise OutputError(f"{out}: cannot write ({e.strerror or e})") from None
    return manifest_path(out)
