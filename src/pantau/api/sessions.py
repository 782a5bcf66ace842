"""Web sessions: the operations picture signs in with a password and then holds a cookie.

The cookie carries a random session id (32 bytes, ``secrets.token_urlsafe``); the store
keeps only its SHA-256, as for API tokens, so a copy of the store signs no one in.

A session ends when its user signs out, after :data:`IDLE` without a sign of the user,
after :data:`LIFETIME` whatever happens, or when the user's password is changed or their
tokens are revoked. "A sign of the user" is any request with the cookie: the process keeps
the latest in memory, because most requests read through read-only store connections; the
store's ``last_seen_at`` is brought up to date when a request can write (the page asks
``GET /api/session`` every few minutes while it is on screen), so after a restart a
session is at most that far behind, never ahead.

Cross-site request forgery: the cookie is ``SameSite=Strict``, and every state-changing
request made with it must also send :data:`CSRF_HEADER` with the value returned at sign-in
(an HMAC of the session id, so nothing more is stored). A page on another site can make the
browser send the cookie in a plain form post, but cannot read that value or set the header.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyarrow as pa

from pantau.api.users import User, get_user
from pantau.store.base import Store

COOKIE = "pantau_session"
CSRF_HEADER = "X-Pantau-CSRF"
#: a session unused this long is over (a long watch, with a break)
IDLE = timedelta(hours=12)
#: and none outlives this, however busy (a week of watches, then the password again)
LIFETIME = timedelta(days=7)
#: ``last_seen_at`` in the store may lag the truth by this much (see the module note)
TOUCH = timedelta(minutes=5)

_SESSION = re.compile(r"[A-Za-z0-9_-]{43}")
_seen: dict[str, datetime] = {}  # digest -> latest request seen in this process
_seen_lock = threading.Lock()


@dataclass(frozen=True)
class NewSession:
    """A session as issued: ``session_id`` goes into the cookie and is never stored."""

    session_id: str
    user: User
    csrf: str


def digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def csrf_token(session_id: str) -> str:
    """The value the page must echo in :data:`CSRF_HEADER` for this session."""
    return hmac.new(session_id.encode(), b"pantau csrf v1", hashlib.sha256).hexdigest()


def csrf_ok(session_id: str, presented: str | None) -> bool:
    return presented is not None and hmac.compare_digest(csrf_token(session_id), presented)


def _forget(key: str) -> None:
    with _seen_lock:
        _seen.pop(key, None)


def create_session(store: Store, user: User, now: datetime) -> NewSession:
    """Start a session for ``user`` (whose password was checked), and clear out the
    sessions that have expired meanwhile."""
    purge_expired(store, now)
    session_id = secrets.token_urlsafe(32)
    store.upsert("sessions", pa.Table.from_pylist([{
        "digest": digest(session_id), "user_name": user.name, "created_at": now,
        "last_seen_at": now}]))
    return NewSession(session_id, user, csrf_token(session_id))


def verify_session(store: Store, session_id: str, now: datetime) -> User | None:
    """The user of a live session; None for a forged, ended or expired one."""
    if not _SESSION.fullmatch(session_id):
        return None
    key = digest(session_id)
    rows = store.select("sessions", {"digest": key}, limit=1).to_pylist()
    if not rows:
        _forget(key)
        return None
    row = rows[0]
    with _seen_lock:
        last = max(row["last_seen_at"], _seen.get(key, row["last_seen_at"]))
    if now - last > IDLE or now - row["created_at"] > LIFETIME:
        _forget(key)
        return None
    user = get_user(store, row["user_name"])
    if user is not None:
        with _seen_lock:
            _seen[key] = max(now, _seen.get(key, now))
    return user


def touch(store: Store, session_id: str, now: datetime) -> None:
    """Write the session's latest activity to the store, if it lags by more than TOUCH."""
    key = digest(session_id)
    rows = store.select("sessions", {"digest": key}, limit=1)
    if rows.num_rows and now - rows["last_seen_at"][0].as_py() > TOUCH:
        store.upsert("sessions", rows.set_column(
            rows.schema.get_field_index("last_seen_at"), "last_seen_at",
            pa.array([now], rows.schema.field("last_seen_at").type)))


def end_session(store: Store, session_id: str) -> bool:
    """Sign out: the session's row goes, and the cookie is worth nothing from now on."""
    if not _SESSION.fullmatch(session_id):
        return False
    key = digest(session_id)
    _forget(key)
    return store.delete("sessions", {"digest": key}) > 0


def end_sessions(store: Store, user_name: str) -> int:
    """End every session of a user (their tokens are revoked, or their password changed)."""
    keys = store.select("sessions", {"user_name": user_name}).column("digest").to_pylist()
    for key in keys:
        _forget(key)
    return store.delete("sessions", {"user_name": user_name}) if keys else 0


def purge_expired(store: Store, now: datetime) -> int:
    # rows only: a session seen recently in memory but not in the store is at most TOUCH
    # behind, far inside IDLE, so nothing live is removed
    with _seen_lock:  # and what this process remembers of sessions long unused
        for key in [k for k, seen in _seen.items() if now - seen > IDLE]:
            del _seen[key]
    return (store.delete("sessions", {"last_seen_at": ("<", now - IDLE)})
            + store.delete("sessions", {"created_at": ("<", now - LIFETIME)}))


class SignInLimiter:
    """Failed sign-ins allowed per user name and per client address in a sliding window;
    past either, sign-in is refused (429) until the window has moved on. Argon2 already
    makes each guess cost a tenth of a second; this caps how many one can make."""

    def __init__(self, per_name: int = 10, per_client: int = 30, window_s: float = 300.0):
        self.per_name = per_name
        self.per_client = per_client
        self.window_s = window_s
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now_s: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now_s - self.window_s:
            times.popleft()
        return times

    def retry_after_s(self, name: str, client: str, now_s: float) -> float:
        """0 when a sign-in may be tried now; else seconds until one may."""
        with self._lock:
            wait = 0.0
            for key, cap in ((("name", name), self.per_name),
                             (("client", client), self.per_client)):
                times = self._recent(key, now_s)
                if len(times) >= cap:
                    wait = max(wait, times[len(times) - cap] + self.window_s - now_s)
            return wait

    def failed(self, name: str, client: str, now_s: float) -> None:
        with self._lock:
            for key in (("name", name), ("client", client)):
                self._recent(key, now_s).append(now_s)
            if len(self._failures) > 10_000:  # bounded: forget keys with nothing recent
                for key in [k for k, v in self._failures.items()
                            if not v or v[-1] <= now_s - self.window_s]:
                    del self._failures[key]

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(("name", name), None)
