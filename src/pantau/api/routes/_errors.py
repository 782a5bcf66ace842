"""The error answers each route documents in the OpenAPI document, so that a client (and the
schema-driven fuzz test) knows every status it may get back, not only 200 and 422."""

from __future__ import annotations

import math
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel


class Problem(BaseModel):
    """Every error but 422 (whose ``detail`` is a list naming each parameter at fault)."""

    detail: str


_WHY = {
    400: "Refused: the request names something pantau cannot use (the message says what)",
    401: "Missing, malformed, unknown or revoked token",
    403: "The token's role may not use this endpoint",
    404: "Not found (the message names what)",
    409: "Not allowed in the resource's present state (the message says why)",
    413: "Request body too large",
    503: "The store cannot be read right now (another process writes it); retry",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a router or route: each code with its reason and body model."""
    return {code: {"description": _WHY[code], "model": Problem} for code in codes}


#: what every route behind a token may answer
AUTHENTICATED = errors(401, 403, 503)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no NaN or Infinity: say what was sent, as text
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


async def invalid_request(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422, but also for a body that held NaN or Infinity (Python's JSON parser
    takes them), which the default answer echoes back and then fails to encode: a 500."""
    assert isinstance(exc, RequestValidationError)
    return JSONResponse({"detail": _finite(jsonable_encoder(exc.errors()))},
                        status_code=422)
