"""Users, roles and API tokens over a :class:`pantau.store.base.Store`.

Passwords are hashed with Argon2id (memory-hard, argon2-cffi defaults: 64 MiB, 3 passes).
An API token is ``<token_id>.<secret>``: ``token_id`` is public and finds the row, the
secret is 32 random bytes (``secrets.token_urlsafe``). Only the SHA-256 of the whole token
is stored; a fast hash is enough because the token has 256 bits of entropy, unlike a
password. Digests are compared in constant time, so a timing side channel does not say
how much of a guessed digest was right.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import pyarrow as pa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pantau.errors import PantauError
from pantau.store.base import Store

ROLES: tuple[str, ...] = ("watch_officer", "analyst", "sharing_officer", "auditor", "admin")

_NAME = re.compile(r"[a-z][a-z0-9._-]{1,63}")
_TOKEN = re.compile(r"([0-9a-f]{16})\.([A-Za-z0-9_-]{43})")
_hasher = PasswordHasher()


class UserError(PantauError):
    """A user or token operation was asked with a bad name, role or state."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    created_at: datetime


@dataclass(frozen=True)
class NewToken:
    """A token as issued: ``token`` is shown once and never stored."""

    token_id: str
    user_name: str
    token: str


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise UserError(f"bad user name {name!r}: 2 to 64 characters, lower-case letters, "
                        "digits, '.', '_' or '-', starting with a letter")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"unknown role {role!r} (one of {', '.join(ROLES)})")
    return role


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def get_user(store: Store, name: str) -> User | None:
    rows = store.select("users", {"name": name}, limit=1).to_pylist()
    if not rows:
        return None
    r = rows[0]
    return User(r["name"], r["role"], r["created_at"])


def list_users(store: Store) -> list[dict[str, object]]:
    """Every user with its role, whether it has a password, and its live token count."""
    tokens = store.select("tokens", {"revoked_at": None}).column("user_name").to_pylist()
    return [{"name": r["name"], "role": r["role"], "created_at": r["created_at"],
             "password": r["password_hash"] is not None,
             "active_tokens": tokens.count(r["name"])}
            for r in store.select("users", order_by="name").to_pylist()]


def add_user(store: Store, name: str, role: str, password: str | None = None) -> User:
    check_name(name)
    check_role(role)
    if get_user(store, name) is not None:
        raise UserError(f"user {name!r} exists already (use `pantau users token {name}` "
                        "for a new token)")
    if password is not None and not password:
        raise UserError("the password is empty")
    user = User(name, role, datetime.now(UTC))
    store.upsert("users", pa.Table.from_pylist([{
        "name": name, "role": role, "created_at": user.created_at,
        "password_hash": None if password is None else _hasher.hash(password)}]))
    return user


def set_password(store: Store, name: str, password: str) -> int:
    """Give a user a new password (for the web page); their web sessions end, so that a
    changed password locks out whoever had the old one. Returns the sessions ended."""
    rows = store.select("users", {"name": name}, limit=1)
    if not rows.num_rows:
        raise UserError(f"no user {name!r} (add it with `pantau users add`)")
    if not password:
        raise UserError("the password is empty")
    store.upsert("users", rows.set_column(
        rows.schema.get_field_index("password_hash"), "password_hash",
        pa.array([_hasher.hash(password)], pa.string())))
    return store.delete("sessions", {"user_name": name})


def verify_password(store: Store, name: str, password: str) -> User | None:
    rows = store.select("users", {"name": name}, limit=1).to_pylist()
    stored = rows[0]["password_hash"] if rows else None
    if stored is None:
        # hash anyway, so that an unknown user costs as long as a wrong password
        _hasher.hash(password)
        return None
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    r = rows[0]
    return User(r["name"], r["role"], r["created_at"])


def issue_token(store: Store, name: str) -> NewToken:
    if get_user(store, name) is None:
        raise UserError(f"no user {name!r} (add it with `pantau users add`)")
    token_id = secrets.token_hex(8)
    token = f"{token_id}.{secrets.token_urlsafe(32)}"
    store.upsert("tokens", pa.Table.from_pylist([{
        "token_id": token_id, "user_name": name, "digest": digest(token),
        "created_at": datetime.now(UTC), "revoked_at": None}]))
    return NewToken(token_id, name, token)


def verify_token(store: Store, token: str) -> User | None:
    """The user a valid, unrevoked token acts for; None for anything else."""
    match = _TOKEN.fullmatch(token)
    if match is None:
        return None
    rows = store.select("tokens", {"token_id": match.group(1)}, limit=1).to_pylist()
    if not rows or rows[0]["revoked_at"] is not None:
        return None
    if not hmac.compare_digest(rows[0]["digest"], digest(token)):
        return None
    return get_user(store, rows[0]["user_name"])


def revoke_tokens(store: Store, name: str) -> int:
    """Revoke every live token of a user; returns how many."""
    if get_user(store, name) is None:
        raise UserError(f"no user {name!r}")
    live = store.select("tokens", {"user_name": name, "revoked_at": None})
    if not live.num_rows:
        return 0
    now = pa.array([datetime.now(UTC)] * live.num_rows, live.schema.field("revoked_at").type)
    return store.upsert("tokens", live.set_column(
        live.schema.get_field_index("revoked_at"), "revoked_at", now))
