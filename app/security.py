"""API keys: `edh_<prefix>_<secret>`, stored as SHA-256; roles and what each may do."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    OPS = "ops"
    DISTRIBUTOR = "distributor"
    MANUFACTURER = "manufacturer"


KEY_PREFIX = "edh"


def new_key() -> tuple[str, str, str]:
    """A fresh key: (full key shown once, lookup prefix, stored hash)."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    full = f"{KEY_PREFIX}_{prefix}_{secret}"
    return full, prefix, hash_key(full)


def hash_key(full_key: str) -> str:
    return hashlib.sha256(full_key.encode()).hexdigest()


def split_key(full_key: str) -> str | None:
    """The lookup prefix of a well-formed key, or None."""
    parts = full_key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or len(parts[1]) != 12:
        return None
    return parts[1]


def matches(full_key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_key(full_key), stored_hash)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: the key's partner and role."""

    partner_id: int
    partner_slug: str
    role: Role
    key_id: int

    @property
    def is_ops(self) -> bool:
        return self.role is Role.OPS
