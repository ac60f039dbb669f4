"""API tokens: random, shown once, stored as SHA-256.

A token is ``zw_`` + 32 random URL-safe bytes. The database keeps only its hash and an 8-character
prefix for listings, so a leaked database does not leak usable tokens.

Example:
    >>> plain, digest = new_token()
    >>> hash_token(plain) == digest and plain.startswith("zw_")
    True
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "zw_"


def hash_token(plain: str) -> str:
    """SHA-256 hex digest of a token (tokens are high-entropy, so no salt/KDF is needed)."""
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh token and its hash: ``(plain, sha256_hex)``."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return plain, hash_token(plain)


def token_prefix(plain: str) -> str:
    """The part of a token safe to show in listings."""
    return plain[: len(TOKEN_PREFIX) + 5]


def bearer(header: str | None) -> str | None:
    """The token in an ``Authorization: Bearer <token>`` header, or None.

    >>> bearer("Bearer zw_abc")
    'zw_abc'
    """
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()
