"""Query parameters shared by the routes: pagination, time range, bounding box.

Each route takes its parameters as one pydantic model with ``extra="forbid"``, so a
misspelt parameter (``?catgory=navy``) is a 422 naming it rather than a filter silently
not applied.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

MAX_LIMIT = 1000

BBox = tuple[float, float, float, float]

BBOX_DOC = ("min_lon,min_lat,max_lon,max_lat in degrees (WGS 84); a box across the "
            "antimeridian is two requests")


def parse_bbox(value: str) -> BBox:
    parts = value.split(",")
    if len(parts) != 4:
        raise ValueError(f"bbox needs 4 numbers ({BBOX_DOC}), got {len(parts)}")
    try:
        lon0, lat0, lon1, lat1 = (float(p) for p in parts)
    except ValueError:
        raise ValueError(f"bbox {value!r} is not 4 numbers ({BBOX_DOC})") from None
    if not all(math.isfinite(v) for v in (lon0, lat0, lon1, lat1)):
        raise ValueError("bbox numbers must be finite")
    if not (-180 <= lon0 <= 180 and -180 <= lon1 <= 180):
        raise ValueError("bbox longitudes must be within -180..180")
    if not (-90 <= lat0 <= 90 and -90 <= lat1 <= 90):
        raise ValueError("bbox latitudes must be within -90..90")
    if lon0 > lon1 or lat0 > lat1:
        raise ValueError(f"bbox min must not exceed max ({BBOX_DOC})")
    return lon0, lat0, lon1, lat1


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Page(Strict):
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="At most this many items.")] \
        = 100
    offset: Annotated[int, Field(ge=0, description="Skip this many items first.")] = 0


class TimeRange(Strict):
    since: Annotated[AwareDatetime | None, Field(
        description="From this time (ISO 8601 with a zone, e.g. 2026-11-23T08:00:00Z).")] \
        = None
    until: Annotated[AwareDatetime | None, Field(
        description="Before this time (ISO 8601 with a zone).")] = None

    @model_validator(mode="after")
    def _ordered(self) -> Any:
        if self.since is not None and self.until is not None and self.since >= self.until:
            raise ValueError("since must be before until")
        return self


class BBoxFilter(Strict):
    bbox: Annotated[str | None, Field(description=BBOX_DOC,
                                      examples=["99.0,1.0,120.0,8.0"])] = None

    @field_validator("bbox")
    @classmethod
    def _bbox(cls, value: str | None) -> str | None:
        if value is not None:
            parse_bbox(value)
        return value

    def box(self) -> BBox | None:
        return None if self.bbox is None else parse_bbox(self.bbox)


def iso(value: datetime | None) -> str | None:
    """UTC ISO 8601 with Z, the form every pantau output uses."""
    if value is None:
        return None
    return value.isoformat().replace("+00:00", "Z")

