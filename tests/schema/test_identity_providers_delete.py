"""deleteIdentityProvider over GraphQL, and providers deleted with their tenant or partner."""

from __future__ import annotations

import pytest

from db.models import IdentityProvider, Tenant
from tests.conftest import GraphQLClient
from tests.factories import create_partner, create_tenant
from tests.factories_identity import audit_events, create_identity_provider, stored
from tests.schema.identity_providers import DELETE, ONE, Sessions, error
from tests.tokens import Tokens


@pytest.fixture
async def tenant(db: None, sessions: Sessions) -> Tenant:
    return await create_tenant(sessions, partner=await create_partner(sessions))


class TestDeleteIdentityProvider:
    async def test_soft_deletes_and_records_one_event(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        provider = await create_identity_provider(sessions, tenant=tenant)
        token = tokens.tenant_admin(tenant.id)

        result = await gql(DELETE, {"id": provider.id}, token=token)
        read = await gql(ONE, {"id": provider.id}, token=token)
        again = await gql(DELETE, {"id": provider.id}, token=token)

        assert result["data"]["deleteIdentityProvider"]["id"] == provider.id
        assert (await stored(sessions, IdentityProvider, provider.id)).deleted_at is not None
        assert error(read)[0] == "NOT_FOUND"
        assert error(again)[0] == "NOT_FOUND"
        events = await audit_events(sessions, resource_id=provider.id)
        assert [(e.action, e.result) for e in events] == [
            ("identity_provider.delete", "success"),
            ("identity_provider.delete", "failure"),
        ]

    @pytest.mark.parametrize("owner", ["tenant", "partner"])
    async def test_deleting_the_tenant_or_its_partner_deletes_its_providers(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant, owner: str
    ) -> None:
        provider = await create_identity_provider(sessions, tenant=tenant)
        if owner == "tenant":
            document, target = "mutation ($id: ID!) { deleteTenant(id: $id) { id } }", tenant.id
        else:
            document = "mutation ($id: ID!) { deletePartner(id: $id) { id } }"
            target = tenant.partner_id

        result = await gql(document, {"id": target}, token=tokens.super_admin())

        assert "errors" not in result, result
        assert (await stored(sessions, IdentityProvider, provider.id)).deleted_at is not None
