"""The zones, the watchlist and the alert rules in force: read by every reader, replaced by
analysts and admins (`PUT`), each change kept as a new version in the store's configs
table (the versions are listed; none is ever overwritten).

What a change reaches, and when:
- Requests answered after it (zones, presence, alerts) use it at once; so do later runs of
  `pantau ingest`, `pantau presence` and `pantau alerts`, which read the same store.
- A running live service (`pantau serve --udp/--tcp-*`) takes a new watchlist or new rules
  at its next batch. New zones wait for its next start: its detectors hold state per zone
  (who is inside which) and its geography was built for the zones it started with; the
  answer says so, and `/api/live` shows the zones waiting.

Bad content is a 422 whose ``detail`` lists what is wrong, in the same form as any other
validation error: a feature's bad geometry, a watchlist line with its number, a rule's
unknown kind.
"""

# no `from __future__ import annotations`: FastAPI reads these routes' annotations at
# run time, and they name dependencies local to build()
import json
import logging
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, model_validator

from pantau.api.access import DataAccess
from pantau.api.auth import require
from pantau.api.params import Strict
from pantau.api.routes._errors import AUTHENTICATED, errors
from pantau.api.routes._write import limited_to, writer
from pantau.api.users import User
from pantau.detect import KINDS
from pantau.incidents import SEVERITIES, RulesError, parse_rules
from pantau.incidents.store import RULES_KIND, RULES_NAME, active_rules, put_rules, rules_json
from pantau.pipeline import config
from pantau.registry import CATEGORIES, parse_watchlist
from pantau.registry.errors import WatchlistError
from pantau.store.base import Store
from pantau.store.embedded import EmbeddedStore
from pantau.zones import ZONE_KINDS, ZoneError, parse_zones

log = logging.getLogger("pantau.api")

#: who may replace the zones, the watchlist and the rules
EDITORS: tuple[str, ...] = ("analyst", "admin")
#: a zones file holds polygons of thousands of vertices (the reference EEZ: about 0.5 MB)
MAX_CONFIG_BODY = 16 * 1024 * 1024
NAME = Annotated[str | None, Query(
    pattern="^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
    description="Keep it under this name; default: the name in force.")]

Category = StrEnum("Category", {c: c for c in CATEGORIES})  # type: ignore[misc]
Kind = StrEnum("Kind", {k: k for k in KINDS})  # type: ignore[misc]
ZoneKind = StrEnum("ZoneKind", {k: k for k in ZONE_KINDS})  # type: ignore[misc]
Severity = StrEnum("Severity", {s: s for s in SEVERITIES})  # type: ignore[misc]
Text = Annotated[str, Field(min_length=1, max_length=200)]


class WatchlistEntry(Strict):
    mmsi: Annotated[int, Field(ge=0, le=999_999_999, description="Nine digits (as a number; "
                                                                  "leading zeros implied).")]
    category: Category
    name: Annotated[str | None, Field(max_length=200)] = None


class WatchlistBody(Strict):
    """The whole watchlist, as ``entries`` or as the text of a watchlist file (``csv``:
    the header ``mmsi,category,name``, then one vessel per line)."""

    entries: Annotated[list[WatchlistEntry] | None, Field(max_length=100_000)] = None
    csv: Annotated[str | None, Field(max_length=MAX_CONFIG_BODY)] = None

    @model_validator(mode="after")
    def _one(self) -> Any:
        if (self.entries is None) == (self.csv is None):
            raise ValueError("give entries or csv, not both")
        return self

    def text(self) -> str:
        if self.csv is not None:
            return self.csv
        assert self.entries is not None
        lines = ["mmsi,category,name"]
        for e in self.entries:
            name = (e.name or "").replace('"', '""')
            quoted = f'"{name}"' if any(c in name for c in ',"\n\r') else name
            lines.append(f"{e.mmsi:09d},{e.category.value},{quoted}")
        return "\n".join(lines) + "\n"


class RuleBody(Strict):
    """One alert rule; every condition left out matches anything (see
    :mod:`pantau.incidents.rules`)."""

    name: Text
    severity: Severity
    kinds: Annotated[list[Kind], Field(min_length=1)]
    categories: list[Category] | None = None
    zones: Annotated[list[Text] | None, Field(max_length=1000)] = None
    zone_kinds: list[ZoneKind] | None = None
    inside: list[ZoneKind] | None = None
    modes: Annotated[list[Text] | None, Field(max_length=100)] = None
    description: Annotated[str, Field(max_length=2000)] = ""


class RulesBody(Strict):
    rules: Annotated[list[RuleBody], Field(max_length=500)]


class Stored(BaseModel):
    name: str
    version: int
    note: str


class Version(BaseModel):
    name: str
    version: int
    created_at: datetime
    sha256: str
    in_force: bool


def _refuse(message: str, *where: str | int) -> RequestValidationError:
    """A 422 in FastAPI's own form, naming the part of the body at fault."""
    return RequestValidationError([{"type": "value_error", "loc": ("body", *where),
                                    "msg": message, "input": None}])


def build(access: DataAccess, reader: Any) -> APIRouter:
    router = APIRouter(tags=["configuration"], route_class=limited_to(MAX_CONFIG_BODY),
                       responses=AUTHENTICATED | errors(413))
    store = writer(access)
    Reading = Annotated[EmbeddedStore, Depends(access.store)]
    Writing = Annotated[EmbeddedStore, Depends(store)]
    Reader = Annotated[User, Depends(reader)]
    Editor = Annotated[User, Depends(require(EDITORS, store))]
    live = access.shared is not None

    # -- zones (GET /api/zones is in routes/zones.py) ----------------------------------------
    @router.put("/api/zones", summary="Replace the zones in force (GeoJSON "
                "FeatureCollection, as a zones file)", response_model=Stored)
    def put_zones(body: Annotated[dict[str, Any], Body(description="A GeoJSON "
                                                       "FeatureCollection.")],
                  db: Writing, user: Editor, name: NAME = None) -> Stored:
        try:
            zones = parse_zones(body)
        except ZoneError as e:
            raise _refuse(str(e)) from None
        chosen = name or db.get_config(config.ACTIVE, "zones") or "zones"
        version = db.put_config("zones", chosen, json.dumps(body))
        db.put_config(config.ACTIVE, "zones", chosen)
        log.info("zones %s v%d (%d zones) kept by %s", chosen, version, len(zones), user.name)
        note = (f"{len(zones)} zones kept; the live service keeps the zones it started "
                "with and takes these when it next starts" if live
                else f"{len(zones)} zones in force")
        return Stored(name=chosen, version=version, note=note)

    @router.get("/api/zones/versions", summary="Every kept version of the zones, newest "
                "first", response_model=list[Version])
    def zones_versions(db: Reading, _: Reader) -> list[Version]:
        return _versions(db, "zones", db.get_config(config.ACTIVE, "zones"))

    # -- watchlist ---------------------------------------------------------------------------
    @router.get("/api/watchlist", summary="The watchlist in force")
    def get_watchlist(db: Reading, _: Reader) -> dict[str, Any]:
        name = db.get_config(config.ACTIVE, "watchlist")
        text = db.get_config("watchlist", name) if name else None
        if name is None or text is None:
            return {"name": None, "version": None, "entries": [], "csv": None}
        return {"name": name, "version": _latest(db, "watchlist", name),
                "entries": parse_watchlist(text).table.to_pylist(), "csv": text}

    @router.put("/api/watchlist", summary="Replace the watchlist in force (every line must "
                "be good: a bad one is a 422 naming its line)", response_model=Stored)
    def put_watchlist(body: WatchlistBody, db: Writing, user: Editor, name: NAME = None
                      ) -> Stored:
        text = body.text()
        try:
            parsed = parse_watchlist(text)
        except WatchlistError as e:
            raise _refuse(str(e), "csv") from None
        if parsed.rejects.num_rows:
            raise RequestValidationError([
                {"type": "value_error", "loc": ("body", "csv" if body.csv else "entries",
                                                r["line"]),
                 "msg": f"line {r['line']}: {r['detail'] or r['reason']}",
                 "input": r["raw"]} for r in parsed.rejects.to_pylist()])
        chosen = name or db.get_config(config.ACTIVE, "watchlist") or "watchlist"
        version = db.put_config("watchlist", chosen, text)
        db.put_config(config.ACTIVE, "watchlist", chosen)
        n = parsed.table.num_rows
        log.info("watchlist %s v%d (%d vessels) kept by %s", chosen, version, n, user.name)
        note = (f"{n} vessels; the live service takes them at its next batch" if live
                else f"{n} vessels in force")
        return Stored(name=chosen, version=version, note=note)

    @router.get("/api/watchlist/versions", summary="Every kept version of the watchlist, "
                "newest first", response_model=list[Version])
    def watchlist_versions(db: Reading, _: Reader) -> list[Version]:
        return _versions(db, "watchlist", db.get_config(config.ACTIVE, "watchlist"))

    # -- alert rules -------------------------------------------------------------------------
    @router.get("/api/rules", summary="The alert rules in force (the reference case's until "
                "some are kept)")
    def get_rules(db: Reading, _: Reader) -> dict[str, Any]:
        has = db.count("configs", {"kind": RULES_KIND, "name": RULES_NAME})
        rules = active_rules(db)
        return {"version": _latest(db, RULES_KIND, RULES_NAME) if has else None,
                "default": not has, **json.loads(rules_json(rules))}

    @router.put("/api/rules", summary="Replace the alert rules in force",
                response_model=Stored)
    def put_rules_route(body: RulesBody, db: Writing, user: Editor) -> Stored:
        try:
            rules = parse_rules(body.model_dump(mode="json", exclude_none=True), "rules")
        except RulesError as e:
            raise _refuse(str(e), "rules") from None
        version = put_rules(db, rules)
        log.info("alert rules v%d (%d rules) kept by %s", version, len(rules), user.name)
        note = (f"{len(rules)} rules; the live service takes them at its next batch" if live
                else f"{len(rules)} rules in force")
        return Stored(name=RULES_NAME, version=version, note=note)

    @router.get("/api/rules/versions", summary="Every kept version of the alert rules, "
                "newest first", response_model=list[Version])
    def rules_versions(db: Reading, _: Reader) -> list[Version]:
        return _versions(db, RULES_KIND, RULES_NAME)

    return router


def _latest(db: Store, kind: str, name: str) -> int | None:
    found = db.select("configs", {"kind": kind, "name": name}, order_by="version desc",
                      limit=1)
    return int(found["version"][0].as_py()) if found.num_rows else None


def _versions(db: Store, kind: str, in_force: str | None) -> list[Version]:
    rows = db.select("configs", {"kind": kind}).to_pylist()
    latest = max((r["version"] for r in rows if r["name"] == in_force), default=None)
    rows.sort(key=lambda r: (r["created_at"], r["version"]), reverse=True)
    return [Version(name=r["name"], version=r["version"], created_at=r["created_at"],
                    sha256=r["sha256"], in_force=r["name"] == in_force
                    and r["version"] == latest) for r in rows]
