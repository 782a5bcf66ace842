"""Partner API keys: each scoped to one agreement, for partners that pull their releases.

A key is ``pk_<key_id>.<secret>``: the prefix tells it from a user's token (a partner key
opens no user endpoint), ``key_id`` finds its row, the secret is 32 random bytes. Only the
SHA-256 of the whole key is stored and compared in constant time, as for user tokens.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from pantau.schema import PARTNER_KEYS
from pantau.share import registry
from pantau.store.base import Store

_KEY = re.compile(r"pk_([0-9a-f]{16})\.([A-Za-z0-9_-]{43})")


@dataclass(frozen=True)
class NewKey:
    key_id: str
    agreement_id: str
    key: str


@dataclass(frozen=True)
class PartnerKey:
    key_id: str
    agreement_id: str
    label: str


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(store: Store, agreement_id: str, label: str, created_by: str) -> NewKey:
    """A new key for ``agreement_id`` (which must exist); shown once, never stored."""
    registry.load(store, agreement_id)
    key_id = secrets.token_hex(8)
    key = f"pk_{key_id}.{secrets.token_urlsafe(32)}"
    store.upsert(PARTNER_KEYS.name, pa.Table.from_pylist([{
        "key_id": key_id, "agreement_id": agreement_id, "label": label or agreement_id,
        "digest": _digest(key), "created_at": datetime.now(UTC), "created_by": created_by,
        "revoked_at": None}], schema=PARTNER_KEYS.schema))
    return NewKey(key_id, agreement_id, key)


def verify_key(store: Store, key: str) -> PartnerKey | None:
    """The key's scope when it is well formed, known and not revoked; else None."""
    match = _KEY.fullmatch(key)
    if match is None:
        return None
    rows = store.select(PARTNER_KEYS.name, {"key_id": match.group(1)}, limit=1).to_pylist()
    if not rows or rows[0]["revoked_at"] is not None:
        return None
    if not hmac.compare_digest(rows[0]["digest"], _digest(key)):
        return None
    return PartnerKey(rows[0]["key_id"], rows[0]["agreement_id"], rows[0]["label"])


def revoke_key(store: Store, key_id: str) -> bool:
    rows = store.select(PARTNER_KEYS.name, {"key_id": key_id}, limit=1).to_pylist()
    if not rows or rows[0]["revoked_at"] is not None:
        return False
    rows[0]["revoked_at"] = datetime.now(UTC)
    store.upsert(PARTNER_KEYS.name, pa.Table.from_pylist(rows, schema=PARTNER_KEYS.schema))
    return True


def list_keys(store: Store, agreement_id: str | None = None) -> list[dict[str, Any]]:
    where = {"agreement_id": agreement_id} if agreement_id else None
    return [{k: v for k, v in r.items() if k != "digest"}
            for r in store.select(PARTNER_KEYS.name, where, order_by="created_at").to_pylist()]
