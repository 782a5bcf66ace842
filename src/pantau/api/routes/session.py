"""`/api/session`: sign in to the web page with a name and password, see who is signed in,
sign out. See :mod:`pantau.api.sessions` for the cookie, expiry and CSRF rules.

A wrong password and an unknown user get the same 401 and cost the same time (Argon2 runs
either way); failed sign-ins past a limit per name or per client address get 429 with
Retry-After until the window moves on.
"""

# no `from __future__ import annotations`: FastAPI reads these routes' annotations at
# run time, and they name dependencies local to build()
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from fastapi.security import APIKeyCookie
from pydantic import Field

from pantau.api import sessions
from pantau.api.access import DataAccess
from pantau.api.auth import require
from pantau.api.params import Strict
from pantau.api.routes._errors import AUTHENTICATED, Problem, errors
from pantau.api.routes._write import LimitedRoute, writer
from pantau.api.users import ROLES, User, verify_password
from pantau.store.embedded import EmbeddedStore

WRONG = "wrong user name or password"
SIGN_IN_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": WRONG, "model": Problem},
    429: {"description": "Too many failed sign-ins; see Retry-After", "model": Problem},
    **errors(413, 503)}
_cookie = APIKeyCookie(name=sessions.COOKIE, auto_error=False)


class SignIn(Strict):
    name: Annotated[str, Field(min_length=1, max_length=64, description="User name.")]
    password: Annotated[str, Field(min_length=1, max_length=1024, description="Password.")]


def _answer(user: User, session_id: str | None) -> dict[str, Any]:
    return {"name": user.name, "role": user.role,
            "csrf": None if session_id is None else sessions.csrf_token(session_id),
            "csrf_header": sessions.CSRF_HEADER,
            "idle_timeout_s": int(sessions.IDLE.total_seconds())}


def build(access: DataAccess, limiter: sessions.SignInLimiter | None = None) -> APIRouter:
    router = APIRouter(prefix="/api/session", tags=["session"], route_class=LimitedRoute)
    limits = limiter or sessions.SignInLimiter()
    store = writer(access)
    reading = contextmanager(access.store)
    writing = contextmanager(store)
    Store = Annotated[EmbeddedStore, Depends(store)]
    Anyone = Annotated[User, Depends(require(ROLES, store))]
    Cookie = Annotated[str | None, Depends(_cookie)]

    @router.post("", summary="Sign in: sets the session cookie; returns the user, role and "
                 "the CSRF value for state-changing requests",
                 responses=SIGN_IN_ERRORS)
    def sign_in(body: SignIn, request: Request, response: Response) -> dict[str, Any]:
        client = request.client.host if request.client else "unknown"
        wait_s = limits.retry_after_s(body.name, client, time.monotonic())
        if wait_s > 0:
            raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS,
                                "too many failed sign-ins; try again later",
                                headers={"Retry-After": str(int(wait_s) + 1)})
        # the password is checked on a read-only connection: Argon2 takes a tenth of a
        # second, which the store's single writer should not wait on
        with reading() as db:
            user = verify_password(db, body.name, body.password)
        if user is None:
            limits.failed(body.name, client, time.monotonic())
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, WRONG)
        limits.succeeded(body.name)
        with writing() as db:
            new = sessions.create_session(db, user, datetime.now(UTC))
        response.set_cookie(sessions.COOKIE, new.session_id, httponly=True,
                            samesite="strict", secure=request.url.scheme == "https",
                            path="/")
        return _answer(user, new.session_id)

    @router.get("", summary="Who is signed in (session cookie or bearer token), with the "
                "role; keeps a session alive", responses=AUTHENTICATED)
    def who(user: Anyone, db: Store, session_id: Cookie, request: Request
            ) -> dict[str, Any]:
        if _by_token(request):
            return _answer(user, None)
        assert session_id is not None  # require() let it through: a live session
        sessions.touch(db, session_id, datetime.now(UTC))
        return _answer(user, session_id)

    @router.delete("", status_code=204, summary="Sign out: ends the session and clears "
                   "the cookie", responses=AUTHENTICATED | errors(400))
    def sign_out(_: Anyone, db: Store, session_id: Cookie, request: Request) -> Response:
        if _by_token(request) or not session_id:
            raise HTTPException(400, "no web session to end (API tokens are revoked with "
                                "`pantau users revoke`)")
        sessions.end_session(db, session_id)
        out = Response(status_code=204)
        out.delete_cookie(sessions.COOKIE, path="/", httponly=True, samesite="strict",
                          secure=request.url.scheme == "https")
        return out

    return router


def _by_token(request: Request) -> bool:
    # require() lets a bearer token speak first: then the cookie, if any, is not in play
    return request.headers.get("authorization", "").lower().startswith("bearer ")
