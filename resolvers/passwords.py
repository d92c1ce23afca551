"""Argon2id hashes for what the gateway must check but never show: user passwords and
application client secrets. Hashing is deliberately slow, so it runs off the event loop."""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_HASHER.hash, password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches; a malformed stored hash never matches."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def temporary_password() -> str:
    """A strong one-time password (24 URL-safe characters, 144 random bits)."""
    return secrets.token_urlsafe(18)
