"""Secrets stored so they can be read back (an identity provider's OIDC client secret).

A password or our own clients' secrets only need verifying, so they are hashed
(`resolvers.passwords`). A secret ScaiKey must present to someone else cannot be hashed: it
is sealed with Fernet (AES-128-CBC and HMAC-SHA256) under a key derived, with HKDF, from the
configured secrets key. The API never returns it, sealed or not.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_PURPOSE = b"scaigate sealed secrets v1"


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    if not key:
        raise RuntimeError("no sealing key configured")
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(
        key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(key: str, plain: str) -> str:
    return _fernet(key).encrypt(plain.encode()).decode()


def unseal(key: str, sealed: str) -> str:
    """The plain secret; `ValueError` when `sealed` was not sealed under this key."""
    try:
        return _fernet(key).decrypt(sealed.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("sealed under another key, or altered") from exc
