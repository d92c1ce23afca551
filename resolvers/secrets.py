"""Application credentials: public client ids, and client secrets kept only as Argon2 hashes.

A secret is generated once, shown once by the mutation that creates it, and stored as a
hash; nothing can read it back. Hashing is deliberately slow, so the async helpers run it
in a worker thread rather than on the event loop.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

CLIENT_ID_PREFIX = "scg_"

_hasher = PasswordHasher()


@dataclass(frozen=True, slots=True)
class IssuedSecret:
    """A new secret: `plain` goes to the caller exactly once, `hash` to the database."""

    plain: str
    hash: str


def new_client_id() -> str:
    return f"{CLIENT_ID_PREFIX}{secrets.token_hex(16)}"


def new_client_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def verify_secret(stored_hash: str, secret: str) -> bool:
    """Whether `secret` matches; a malformed stored hash never matches."""
    try:
        return _hasher.verify(stored_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


async def issue_client_secret() -> IssuedSecret:
    plain = new_client_secret()
    return IssuedSecret(plain=plain, hash=await asyncio.to_thread(hash_secret, plain))


async def verify_secret_async(stored_hash: str, secret: str) -> bool:
    return await asyncio.to_thread(verify_secret, stored_hash, secret)
