"""Keyword-only factories for identity providers and agents, a test certificate, and
read-backs of exactly what was stored."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.ids import IdPrefix, new_id
from db.models import Agent, AuditEvent, IdentityProvider, Tenant

Sessions = async_sessionmaker[AsyncSession]
_sequence = itertools.count(1)
CERTIFICATE_NOT_AFTER = datetime(2035, 1, 1, tzinfo=UTC)


@cache
def certificate_pem(common_name: str = "idp.example") -> str:
    """A self-signed certificate, valid until CERTIFICATE_NOT_AFTER, as PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(CERTIFICATE_NOT_AFTER - timedelta(days=3650))
        .not_valid_after(CERTIFICATE_NOT_AFTER)
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def certificate_fingerprint(pem: str) -> str:
    parsed = x509.load_pem_x509_certificate(pem.encode())
    return parsed.fingerprint(hashes.SHA256()).hex(":").upper()


async def _save(sessions: Sessions, row: Any) -> None:
    async with sessions() as session, session.begin():
        session.add(row)


async def create_identity_provider(
    sessions: Sessions, *, tenant: Tenant, protocol: str = "oidc", **fields: Any
) -> IdentityProvider:
    n = next(_sequence)
    defaults: dict[str, Any] = (
        {
            "issuer": f"https://login{n}.example",
            "client_id": f"scaikey-{n}",
            "scopes": ["openid", "profile", "email"],
        }
        if protocol == "oidc"
        else {"metadata_url": f"https://idp{n}.example/metadata", "scopes": []}
    )
    provider = IdentityProvider(
        id=new_id(IdPrefix.IDENTITY_PROVIDER),
        tenant_id=tenant.id,
        protocol=protocol,
        **{"name": f"IdP {n}", "enabled": True, "attribute_mapping": {}, **defaults, **fields},
    )
    await _save(sessions, provider)
    return provider


async def create_agent(sessions: Sessions, *, tenant: Tenant, **fields: Any) -> Agent:
    n = next(_sequence)
    agent = Agent(
        id=new_id(IdPrefix.AGENT),
        tenant_id=tenant.id,
        **{
            "name": f"Agent {n}",
            "enabled": True,
            "allowed_tools": ["search"],
            "allowed_scopes": [],
            **fields,
        },
    )
    await _save(sessions, agent)
    return agent


async def stored(sessions: Sessions, model: Any, row_id: str) -> Any:
    """The row as the database holds it, soft-deleted or not."""
    async with sessions() as session:
        row = await session.get(model, row_id)
    assert row is not None, f"no {model.__name__} {row_id} stored"
    return row


async def audit_events(sessions: Sessions, *, resource_id: str | None = None) -> list[AuditEvent]:
    """Audit events in the order written, optionally about one resource only."""
    statement = select(AuditEvent).order_by(AuditEvent.created_at, AuditEvent.id)
    if resource_id is not None:
        statement = statement.where(AuditEvent.resource_id == resource_id)
    async with sessions() as session:
        return list((await session.execute(statement)).scalars())
