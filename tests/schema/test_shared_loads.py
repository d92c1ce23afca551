"""A field cancelled by graphql-core does not cancel the loads other fields share with it.

When a non-null field fails, graphql-core cancels its siblings' tasks. A task cancelled while
it awaits a loader's future would cancel that future, and with it every other field waiting
for the same key: here the root `tenant` shares its tenant load with the groups' `tenant`,
which is cancelled when a bad cursor below it nulls the non-null `groups` root.
"""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.app_settings import settings_changed
from tests.conftest import GraphQLClient
from tests.factories import create_group, create_partner, create_tenant
from tests.tokens import Tokens

SHARED_TENANT = """
query ($tenantId: ID!) {
  groups(first: 2) {
    nodes { tenant { updatedAt } parents(first: 2, after: "nonsense") { totalCount } }
  }
  tenant(id: $tenantId) { updatedAt }
}
"""


class TestALoadSharedWithACancelledField:
    async def test_the_request_is_answered_with_the_fields_error(
        self,
        db: None,
        app: FastAPI,
        gql: GraphQLClient,
        sessions: async_sessionmaker[AsyncSession],
        tokens: Tokens,
    ) -> None:
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        await create_group(sessions, tenant=tenant)
        await create_group(sessions, tenant=tenant)

        for planned in (False, True):
            with settings_changed(app, planned_execution=planned):
                result = await gql(
                    SHARED_TENANT, {"tenantId": tenant.id}, token=tokens.tenant_admin(tenant.id)
                )

            assert result["_status"] == 200, planned
            assert result["data"] is None
            assert [error["message"].split(":")[0] for error in result["errors"]] == ["after"]
