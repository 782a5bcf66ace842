"""Bearer tokens and role checks, as FastAPI dependencies.

401 when the request carries no token, or one that is malformed, unknown or revoked (one
message for all: the answer must not tell a guesser which part was wrong); 403 when the
token is good but the user's role may not use the endpoint.
"""

# no `from __future__ import annotations`: FastAPI reads the dependency's annotations at
# run time, and they name the store dependency passed to require()
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pantau.api.users import ROLES, User, verify_token
from pantau.store.embedded import EmbeddedStore

_bearer = HTTPBearer(auto_error=False, description="An API token from `pantau users add`.")

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
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
        db: Annotated[EmbeddedStore, Depends(store)],
    ) -> User:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise _unauthorised("missing bearer token (send Authorization: Bearer <token>)")
        user = verify_token(db, credentials.credentials)
        if user is None:
            raise _unauthorised("invalid or revoked token")
        if user.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN,
                                f"role {user.role!r} may not use this endpoint "
                                f"(allowed: {', '.join(roles)})")
        return user

    return dependency
