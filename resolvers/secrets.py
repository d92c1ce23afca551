"""Application credentials: public client ids, and client secrets kept only as hashes.

A secret is generated once, shown once by the mutation that creates it, and stored as an
Argon2 hash (`resolvers.passwords`); nothing can read it back.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from resolvers.passwords import hash_password

CLIENT_ID_PREFIX = "scg_"


@dataclass(frozen=True, slots=True)
class IssuedSecret:
    """A new secret: `plain` goes to the caller exactly once, `hash` to the database."""

    plain: str
    hash: str


def new_client_id() -> str:
    return f"{CLIENT_ID_PREFIX}{secrets.token_hex(16)}"


async def issue_client_secret() -> IssuedSecret:
    plain = secrets.token_urlsafe(32)
    return IssuedSecret(plain=plain, hash=await hash_password(plain))
