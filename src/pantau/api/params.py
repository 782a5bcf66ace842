"""Query parameters shared by the routes: pagination, time range, bounding box.

Each route takes its parameters as one pydantic model with ``extra="forbid"``, so a
misspelt parameter (``?catgory=navy``) is a 422 naming it rather than a filter silently
not applied.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

MAX_LIMIT = 1000

BBox = tuple[float, float, float, float]

BBOX_DOC = ("min_lon,min_lat,max_lon,max_lat in degrees (WGS 84); a box across the "
            "antimeridian is two requests")
_NUMBER = r" *[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+) *"
#: the bbox's form, for the OpenAPI document; the validator below checks it with messages
#: that say what is wrong, and the ranges a pattern cannot
BBOX_PATTERN = f"^{_NUMBER}(,{_NUMBER}){{3}}$"


def parse_bbox(value: str) -> BBox:
    parts = value.split(",")
    if len(parts) != 4:
        raise ValueError(f"bbox needs 4 numbers ({BBOX_DOC}), got {len(parts)}")
    if not re.fullmatch(BBOX_PATTERN, value):  # also refuses 1e3, inf and nan
        raise ValueError(f"bbox {value!r} is not 4 decimal numbers ({BBOX_DOC})")
    lon0, lat0, lon1, lat1 = (float(p) for p in parts)
    if not (-180 <= lon0 <= 180 and -180 <= lon1 <= 180):
        raise ValueError("bbox longitudes must be within -180..180")
    if not (-90 <= lat0 <= 90 and -90 <= lat1 <= 90):
        raise ValueError("bbox latitudes must be within -90..90")
    if lon0 > lon1 or lat0 > lat1:
        raise ValueError(f"bbox min must not exceed max ({BBOX_DOC})")
    return lon0, lat0, lon1, lat1


_NUMERIC = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*")


def _not_a_number(value: Any) -> Any:
    # pydantic would read a number as seconds since 1970: a client that sends one has more
    # likely made a mistake than meant a day in 1970
    if isinstance(value, bool | int | float) or (
            isinstance(value, str) and _NUMERIC.fullmatch(value)):
        raise ValueError("expected an ISO 8601 date and time with a zone (e.g. "
                         "2026-11-23T08:00:00Z), not a number")
    return value


#: a time as every pantau input takes it: ISO 8601 text with a zone
IsoTime = Annotated[AwareDatetime, BeforeValidator(_not_a_number)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Page(Strict):
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="At most this many items.")] \
        = 100
    offset: Annotated[int, Field(ge=0, description="Skip this many items first.")] = 0


class TimeRange(Strict):
    since: Annotated[IsoTime | None, Field(
        description="From this time (ISO 8601 with a zone, e.g. 2026-11-23T08:00:00Z).")] \
        = None
    until: Annotated[IsoTime | None, Field(
        description="Before this time (ISO 8601 with a zone).")] = None

    @model_validator(mode="after")
    def _ordered(self) -> Any:
        if self.since is not None and self.until is not None and self.since >= self.until:
            raise ValueError("since must be before until")
        return self


class BBoxFilter(Strict):
    bbox: Annotated[str | None, Field(description=BBOX_DOC,
                                      examples=["99.0,1.0,120.0,8.0"],
                                      json_schema_extra={"pattern": BBOX_PATTERN})] = None

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

