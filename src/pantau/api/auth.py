"""Bearer tokens, web sessions and role checks, as FastAPI dependencies.

A request authenticates with a bearer token (scripts, other systems) or with the session
cookie the web page gets at sign-in (see :mod:`pantau.api.sessions`); a bearer token, when
sent, is the one that counts. 401 when the request carries neither, or one that is
malformed, unknown, revoked or expired (one message for all tokens, one for all sessions:
the answer must not tell a guesser which part was wrong); 403 when the role may not use the
endpoint, or when a state-changing request made with the cookie lacks the CSRF header.
"""

# no `from __future__ import annotations`: FastAPI reads the dependency's annotations at
# run time, and they name the store dependency passed to require()
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from pantau.api import sessions
from pantau.api.users import ROLES, User, verify_token
from pantau.store.embedded import EmbeddedStore

_bearer = HTTPBearer(auto_error=False, description="An API token from `pantau users add`.")
_cookie = APIKeyCookie(name=sessions.COOKIE, auto_error=False,
                       description="The web page's session, from POST /api/session; "
                       f"state-changing requests also send {sessions.CSRF_HEADER}.")
#: methods that change nothing, so need no CSRF header with the cookie
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: Who may read the operational picture (vessels, tracks, events, zones, presence).
#: Auditors read the audit log only.
READERS: tuple[str, ...] = ("watch_officer", "analyst", "sharing_officer", "admin")


def _unauthorised(message: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, message,
                         headers={"WWW-Authenticate": "Bearer"})


def require(roles: tuple[str, ...], store: Callable[..., object]) -> Callable[..., User]:
    """A dependency that yields the caller's user when its role is one of ``roles``;
    ``store`` is the dependency giving the request's store."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown role(s) {sorted(unknown)}")

    def dependency(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
        session_id: Annotated[str | None, Depends(_cookie)],
        db: Annotated[EmbeddedStore, Depends(store)],
    ) -> User:
        if credentials is not None and credentials.scheme.lower() == "bearer":
            user = verify_token(db, credentials.credentials)
            if user is None:
                raise _unauthorised("invalid or revoked token")
        elif session_id:
            user = sessions.verify_session(db, session_id, datetime.now(UTC))
            if user is None:
                raise _unauthorised("invalid or expired session (sign in again)")
            if request.method not in SAFE_METHODS and not sessions.csrf_ok(
                    session_id, request.headers.get(sessions.CSRF_HEADER)):
                raise HTTPException(status.HTTP_403_FORBIDDEN,
                                    f"missing or wrong {sessions.CSRF_HEADER} header (a "
                                    "change made with the session cookie must send the "
                                    "value returned at sign-in)")
        else:
            raise _unauthorised("missing bearer token (send Authorization: Bearer <token>) "
                                "or session (sign in with POST /api/session)")
        if user.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                f"role {user.role!r} may not use this endpoint "
                                f"(allowed: {', '.join(roles)})")
        return user

    return dependency
