"""API tokens are kept as digests: the database never holds a key that would let its reader in.

The client gets a 40-character random key once. What is stored (DRF's `Token.key`, 40 characters,
the primary key) is the key's first 8 characters, kept so that people and the admin can tell tokens
apart, followed by 32 hex characters of its SHA-256. A copy of the table, a backup or an admin
screen therefore gives no working key; authentication digests the presented key and looks that up.
"""
from __future__ import annotations

import hashlib
import secrets

KEY_LENGTH = 40  # hex characters: 160 random bits, as DRF's own keys
PREFIX_LENGTH = 8  # kept in clear: identifies a token, 32 of its 160 bits


def new_key() -> str:
    return secrets.token_hex(KEY_LENGTH // 2)


def stored_form(key: str) -> str:
    """What the database keeps for `key`: its prefix and 128 bits of its SHA-256 (40 characters in all)."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return key[:PREFIX_LENGTH] + digest[: KEY_LENGTH - PREFIX_LENGTH]
