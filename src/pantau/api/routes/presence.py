"""`/api/presence`: days present, ship-days and vessels of a category in a zone, with the
versioned rule they were counted by (the same count as `pantau presence`)."""

# no `from __future__ import annotations`: FastAPI reads these routes' annotations at
# run time, and they name dependencies local to build()
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import Field

from pantau.analytics.archive_presence import archive_presence
from pantau.api.access import DataAccess
from pantau.api.params import TimeRange
from pantau.api.routes._errors import AUTHENTICATED, errors
from pantau.api.routes._rows import rows
from pantau.api.routes.vessels import Category
from pantau.api.users import User


class By(StrEnum):
    day = "day"
    month = "month"


class PresenceQuery(TimeRange):
    zone: Annotated[str, Field(min_length=1, description="Zone name (a zone in use).")]
    category: Annotated[Category | None, Field(
        description="Vessel category; all vessels when absent.")] = None
    by: Annotated[By, Field(description="One row per UTC day or month.")] = By.month


def build(access: DataAccess, reader: Any) -> APIRouter:
    router = APIRouter(prefix="/api/presence", tags=["presence"],
                       responses=AUTHENTICATED | errors(400))

    @router.get("", summary="Presence per period in a zone, with the rule")
    def get_presence(q: Annotated[PresenceQuery, Query()],
                     _: Annotated[User, Depends(reader)]) -> dict[str, Any]:
        result = archive_presence(access.data_dir, q.zone, q.by.value,
                                  q.category.value if q.category else None, q.since, q.until)
        rule = result.rule
        total = rows(result.total)
        return {"rule": {"version": rule.version, "zone": rule.zone,
                         "category": rule.category, "zone_digest": rule.zone_digest,
                         "statement": rule.statement()},
                "by": q.by.value, "periods": rows(result.periods),
                "total": total[0] if total else None,
                "archive_empty": result.archive_empty}

    return router
