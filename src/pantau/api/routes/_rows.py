"""Arrow rows to JSON-ready dicts: times as UTC ISO 8601 with Z, NaN as null."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import pyarrow as pa

from pantau.api.params import iso


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value


def rows(table: pa.Table) -> list[dict[str, Any]]:
    return [{k: jsonable(v) for k, v in r.items()} for r in table.to_pylist()]
