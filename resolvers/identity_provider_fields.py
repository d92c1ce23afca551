"""What an identity provider's fields may hold, and what each protocol needs to federate.

OIDC needs an `issuer` (https) and a `client_id`; the client secret is optional (a public
client with PKCE, or key-based client authentication, has none). SAML needs a
`metadata_url`, or else the three things its metadata would have given: the IdP's
`x509_certificate`, its `entity_id` and its `sso_url`. A field of the other protocol is
refused rather than stored unused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from db.models.identity_providers import IdentityProvider, IdentityProviderProtocol
from resolvers import validation
from resolvers.audit import REDACTED
from resolvers.errors import BadInput

OIDC = IdentityProviderProtocol.OIDC
SAML = IdentityProviderProtocol.SAML
DEFAULT_OIDC_SCOPES = ("openid", "profile", "email")
MAX_URL_LENGTH = 500
MAX_CERTIFICATE_LENGTH = 20_000
MAX_MAPPED_ATTRIBUTES = 50

# The input fields that belong to one protocol (the rest apply to both).
PROTOCOL_FIELDS: dict[IdentityProviderProtocol, tuple[str, ...]] = {
    OIDC: ("issuer", "client_id", "client_secret", "scopes", "discovery_url"),
    SAML: ("entity_id", "sso_url", "metadata_url", "x509_certificate"),
}
# Where each input field is stored, when not under its own name.
_COLUMNS = {"client_secret": "client_secret_sealed"}


@dataclass(frozen=True, slots=True)
class Certificate:
    pem: str  # re-encoded, so every stored certificate has the same layout
    fingerprint: str  # SHA-256, colon-separated hex, as IdP consoles show it
    expires_at: datetime


def https_url(field: str, value: Any, *, plain_origin: bool = False) -> str | None:
    """An absolute https URL; `plain_origin` also refuses a query (an OIDC issuer)."""
    result = validation.text(field, value, max_length=MAX_URL_LENGTH, required=False)
    if result is None:
        return None
    try:
        parts = urlsplit(result)
        host = parts.hostname
    except ValueError as exc:
        raise BadInput(field, f"'{result}' is not a URL") from exc
    if parts.scheme != "https" or not host:
        raise BadInput(field, "must be an https URL")
    if parts.fragment or (plain_origin and parts.query):
        what = "a query or a fragment" if plain_origin else "a fragment"
        raise BadInput(field, f"must not contain {what}")
    return result


def entity_id(value: Any) -> str | None:
    """A SAML entity ID is a URI: a URL or a URN."""
    result = validation.text("entity_id", value, max_length=1000, required=False)
    if result is None:
        return None
    try:
        scheme = urlsplit(result).scheme
    except ValueError:
        scheme = ""
    if not scheme:
        raise BadInput("entity_id", "must be a URI (a URL or a URN)")
    return result


def certificate(value: Any) -> Certificate | None:
    text = validation.text(
        "x509_certificate", value, max_length=MAX_CERTIFICATE_LENGTH, required=False
    )
    if text is None:
        return None
    try:
        parsed = x509.load_pem_x509_certificate(text.encode())
    except (ValueError, TypeError) as exc:
        raise BadInput("x509_certificate", "is not a PEM-encoded X.509 certificate") from exc
    return Certificate(
        pem=parsed.public_bytes(serialization.Encoding.PEM).decode(),
        fingerprint=parsed.fingerprint(hashes.SHA256()).hex(":").upper(),
        expires_at=parsed.not_valid_after_utc,
    )


def client_secret(value: Any) -> str | None:
    """None clears the secret; an empty one is refused rather than taken as a clear."""
    if value is None:
        return None
    return validation.required_text("client_secret", value, max_length=1000)


def attribute_mapping(value: Any) -> dict[str, str]:
    mapping = validation.json_object("attribute_mapping", value, max_keys=MAX_MAPPED_ATTRIBUTES)
    for key, item in mapping.items():
        if not key.strip() or len(key) > 100:
            raise BadInput("attribute_mapping", "keys must be 1 to 100 characters")
        if not isinstance(item, str) or not item.strip() or len(item) > 500:
            raise BadInput(
                "attribute_mapping", f"'{key}' must map to an attribute name (1 to 500 characters)"
            )
    return {key: item.strip() for key, item in mapping.items()}


VALIDATORS: dict[str, Callable[[Any], Any]] = {
    "name": lambda v: validation.required_text("name", v, max_length=200),
    "enabled": lambda v: validation.flag("enabled", v),
    "issuer": lambda v: https_url("issuer", v, plain_origin=True),
    "client_id": lambda v: validation.text("client_id", v, max_length=255, required=False),
    "scopes": lambda v: validation.scopes("scopes", v),
    "discovery_url": lambda v: https_url("discovery_url", v),
    "entity_id": entity_id,
    "sso_url": lambda v: https_url("sso_url", v),
    "metadata_url": lambda v: https_url("metadata_url", v),
    "attribute_mapping": attribute_mapping,
}


def _is_set(row: IdentityProvider, field: str) -> bool:
    return getattr(row, _COLUMNS.get(field, field)) not in (None, [], {})


def ensure_complete(row: IdentityProvider) -> None:
    """Checks the provider as it would be stored (after a PATCH: the merged result)."""
    protocol = IdentityProviderProtocol(row.protocol)
    other = SAML if protocol is OIDC else OIDC
    for field in PROTOCOL_FIELDS[other]:
        if _is_set(row, field):
            raise BadInput(field, f"applies only to {other.name} identity providers")
    if protocol is OIDC:
        for field in ("issuer", "client_id"):
            if not _is_set(row, field):
                raise BadInput(field, "is required for OIDC identity providers")
        return
    if _is_set(row, "metadata_url"):
        return
    for field in ("x509_certificate", "entity_id", "sso_url"):
        if not _is_set(row, field):
            raise BadInput(field, "is required for SAML identity providers without a metadata_url")


def audit_metadata(row: IdentityProvider, fields: Iterable[str]) -> dict[str, Any]:
    """The written fields and their stored values: a secret only as set or cleared, a
    certificate by its fingerprint."""
    metadata: dict[str, Any] = {}
    for field in fields:
        if field == "client_secret":
            metadata[field] = REDACTED if row.client_secret_sealed is not None else None
        elif field == "x509_certificate":
            metadata[field] = row.certificate_fingerprint
        else:
            metadata[field] = getattr(row, field)
    return metadata
