"""The seeded identity providers and agents are ones the API itself would accept."""

from __future__ import annotations

from typing import Any

from db.base import utcnow
from db.models import Agent, IdentityProvider
from db.seed_identity import write_identity
from resolvers import agents
from resolvers.identity_provider_fields import VALIDATORS, ensure_complete
from resolvers.validation import scopes


async def test_every_seeded_row_passes_the_write_validation() -> None:
    # given
    written: dict[type[Any], list[dict[str, Any]]] = {}

    async def collect(model: type[Any], rows: list[dict[str, Any]]) -> None:
        written[model] = rows

    tenants = [{"id": f"tnt_{n}", "slug": f"tenant-{n}", "name": f"Tenant {n}"} for n in range(4)]

    # when
    await write_identity(collect, tenants, utcnow())

    # then each tenant has one provider, both protocols appear, and all are complete
    providers = written[IdentityProvider]
    assert [row["tenant_id"] for row in providers] == [tenant["id"] for tenant in tenants]
    assert {row["protocol"] for row in providers} == {"oidc", "saml"}
    for row in providers:
        for field, validate in VALIDATORS.items():
            assert validate(row[field]) == row[field], field
        ensure_complete(IdentityProvider(**row))
    for row in written[Agent]:
        assert agents.tools(row["allowed_tools"]) == row["allowed_tools"]
        assert scopes("allowed_scopes", row["allowed_scopes"]) == row["allowed_scopes"]
        assert agents.rate_limit_rpm(row["rate_limit_rpm"]) == row["rate_limit_rpm"]
