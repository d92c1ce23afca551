"""User queries and mutations over GraphQL."""

from __future__ import annotations

import asyncio
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import User
from tests.conftest import GraphQLClient
from tests.factories import create_group, create_partner, create_tenant, create_user
from tests.tokens import Tokens

USERS = """
query ($tenantId: ID, $status: UserStatus) {
  users(tenantId: $tenantId, status: $status) { totalCount nodes { id email tenantId } }
}
"""

USER = """
query ($id: ID!) { user(id: $id) { id email displayName status tenant { id } } }
"""

USER_FIELDS = """
{ __type(name: "User") { fields { name } } }
"""

CREATE_USER = """
mutation ($input: CreateUserInput!) {
  createUser(input: $input) {
    id tenantId email displayName status emailVerified mustChangePassword passwordChangedAt
    customAttributes
  }
}
"""

UPDATE_USER = """
mutation ($id: ID!, $input: UpdateUserInput!) {
  updateUser(id: $id, input: $input) { id email displayName firstName lastName status }
}
"""

UPDATE_USER_PASSWORD = """
mutation ($id: ID!) { updateUser(id: $id, input: {password: "a-long-new-password"}) { id } }
"""

DELETE_USER = """
mutation ($id: ID!) { deleteUser(id: $id) { id deletedAt } }
"""

GROUP_MEMBERS = """
query ($id: ID!) {
  group(id: $id) {
    members { totalCount nodes { id } }
    effectiveMembers { totalCount nodes { id } }
  }
}
"""

RESET_PASSWORD = """
mutation ($id: ID!, $input: ResetPasswordInput) {
  resetUserPassword(id: $id, input: $input) {
    user { id mustChangePassword passwordChangedAt }
    temporaryPassword
  }
}
"""

DISABLE_MFA = """
mutation ($id: ID!) { disableUserMfa(id: $id) { id mfaEnabled } }
"""


Sessions = async_sessionmaker[AsyncSession]


async def _stored(sessions: Sessions, user_id: str) -> User:
    async with sessions() as session:
        user = await session.get(User, user_id)
        assert user is not None
        return user


class TestUsersQuery:
    async def test_partner_admin_sees_users_of_its_partners_tenants_only(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # given
        partner, other = await create_partner(sessions), await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        mine = [await create_user(sessions, tenant=tenant) for _ in range(2)]
        await create_user(sessions, tenant=await create_tenant(sessions, partner=other))

        # when
        result = await gql(USERS, token=tokens.partner_admin(partner.id))

        # then
        assert result["data"]["users"]["totalCount"] == 2
        assert [n["id"] for n in result["data"]["users"]["nodes"]] == [u.id for u in mine]

    async def test_filters_by_tenant_and_status(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        partner = await create_partner(sessions)
        tenant, sibling = [await create_tenant(sessions, partner=partner) for _ in range(2)]
        locked = await create_user(sessions, tenant=tenant, status="locked")
        await create_user(sessions, tenant=tenant)
        await create_user(sessions, tenant=sibling, status="locked")

        result = await gql(
            USERS, {"tenantId": tenant.id, "status": "LOCKED"}, token=tokens.super_admin()
        )

        assert [n["id"] for n in result["data"]["users"]["nodes"]] == [locked.id]


class TestUserQuery:
    async def test_user_of_a_sibling_tenant_is_not_found_for_a_tenant_admin(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        partner = await create_partner(sessions)
        mine, sibling = [await create_tenant(sessions, partner=partner) for _ in range(2)]
        stranger = await create_user(sessions, tenant=sibling)

        result = await gql(USER, {"id": stranger.id}, token=tokens.tenant_admin(mine.id))

        assert result["data"] == {"user": None}
        assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    async def test_no_field_exposes_a_password_or_mfa_secret(
        self, db: None, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        result = await gql(USER_FIELDS, token=tokens.super_admin())

        names = {field["name"] for field in result["data"]["__type"]["fields"]}
        assert {"mustChangePassword", "passwordChangedAt", "mfaEnabled"} <= names
        assert not {"password", "passwordHash", "mfaSecret"} & names


class TestCreateUser:
    async def test_creates_with_an_argon2_hash_of_the_password(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # given
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        variables = {
            "input": {
                "tenantId": tenant.id,
                "email": "Ada@Example.com",
                "displayName": "Ada",
                "password": "correct horse battery",
                "customAttributes": {"department": "R&D"},
            }
        }

        # when
        result = await gql(CREATE_USER, variables, token=tokens.super_admin())

        # then
        created: dict[str, Any] = result["data"]["createUser"]
        assert created["email"] == "ada@example.com"
        assert created["status"] == "ACTIVE"
        assert created["emailVerified"] is False
        assert created["passwordChangedAt"] is not None
        assert created["customAttributes"] == {"department": "R&D"}
        stored = await _stored(sessions, created["id"])
        assert stored.password_hash is not None
        assert stored.password_hash.startswith("$argon2id$")
        assert PasswordHasher().verify(stored.password_hash, "correct horse battery")

    async def test_a_tenant_admin_creates_in_its_own_tenant_when_none_is_named(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))

        result = await gql(
            CREATE_USER, {"input": {"email": "a@example.com"}}, token=tokens.tenant_admin(tenant.id)
        )

        assert result["data"]["createUser"]["tenantId"] == tenant.id

    async def test_others_must_name_the_tenant(
        self, db: None, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        result = await gql(
            CREATE_USER, {"input": {"email": "a@example.com"}}, token=tokens.super_admin()
        )

        assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert result["errors"][0]["message"] == "tenant_id: is required"

    async def test_refuses_an_email_already_used_in_the_tenant(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        await create_user(sessions, tenant=tenant, email="taken@example.com")
        variables = {"input": {"tenantId": tenant.id, "email": "TAKEN@example.com"}}

        result = await gql(CREATE_USER, variables, token=tokens.super_admin())

        assert result["errors"][0]["extensions"]["code"] == "CONFLICT"
        assert result["errors"][0]["message"] == (
            "A user with email 'taken@example.com' already exists in this tenant"
        )

    async def test_refuses_a_short_password(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        variables = {
            "input": {"tenantId": tenant.id, "email": "a@example.com", "password": "short"}
        }

        result = await gql(CREATE_USER, variables, token=tokens.super_admin())

        assert result["errors"][0]["message"] == "password: must be at least 12 characters"

    async def test_refuses_past_the_partners_user_limit(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        partner = await create_partner(sessions, max_users_per_tenant=1)
        tenant = await create_tenant(sessions, partner=partner)
        await create_user(sessions, tenant=tenant)

        result = await gql(
            CREATE_USER,
            {"input": {"tenantId": tenant.id, "email": "one-too-many@example.com"}},
            token=tokens.super_admin(),
        )

        assert result["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
        assert result["errors"][0]["message"] == "Partner limit reached: max_users_per_tenant is 1"

    async def test_two_concurrent_creates_for_the_last_seat_admit_exactly_one(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # given: one seat left (PostgreSQL: the tenant row lock; SQLite: one writer at a time)
        partner = await create_partner(sessions, max_users_per_tenant=2)
        tenant = await create_tenant(sessions, partner=partner)
        await create_user(sessions, tenant=tenant)

        # when
        results = await asyncio.gather(
            *(
                gql(
                    CREATE_USER,
                    {"input": {"tenantId": tenant.id, "email": f"racer{n}@example.com"}},
                    token=tokens.super_admin(),
                )
                for n in range(2)
            )
        )

        # then
        codes = sorted(
            r["errors"][0]["extensions"]["code"] if r.get("errors") else "OK" for r in results
        )
        assert codes == ["LIMIT_EXCEEDED", "OK"], results

    async def test_a_tenant_the_caller_cannot_see_is_not_found(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        partner = await create_partner(sessions)
        mine, sibling = [await create_tenant(sessions, partner=partner) for _ in range(2)]
        variables = {"input": {"tenantId": sibling.id, "email": "a@example.com"}}

        result = await gql(CREATE_USER, variables, token=tokens.tenant_admin(mine.id))

        assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        assert result["errors"][0]["message"] == f"Tenant {sibling.id} not found"


class TestUpdateUser:
    async def test_changes_only_the_given_fields(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        user = await create_user(
            sessions, tenant=tenant, display_name="Ada", first_name="Ada", last_name="Lovelace"
        )

        result = await gql(
            UPDATE_USER,
            {"id": user.id, "input": {"displayName": "Countess", "status": "DISABLED"}},
            token=tokens.tenant_admin(tenant.id),
        )

        assert result["data"]["updateUser"] == {
            "id": user.id,
            "email": user.email,
            "displayName": "Countess",
            "firstName": "Ada",
            "lastName": "Lovelace",
            "status": "DISABLED",
        }

    async def test_refuses_an_email_another_user_has(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        await create_user(sessions, tenant=tenant, email="taken@example.com")
        user = await create_user(sessions, tenant=tenant)

        result = await gql(
            UPDATE_USER,
            {"id": user.id, "input": {"email": "taken@example.com"}},
            token=tokens.super_admin(),
        )

        assert result["errors"][0]["extensions"]["code"] == "CONFLICT"

    async def test_the_input_has_no_password(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        user = await create_user(
            sessions, tenant=await create_tenant(sessions, partner=await create_partner(sessions))
        )

        result = await gql(UPDATE_USER_PASSWORD, {"id": user.id}, token=tokens.super_admin())

        assert "data" not in result  # refused at validation: the operation never ran
        assert "password" in result["errors"][0]["message"]

    async def test_a_user_of_a_sibling_tenant_is_not_found(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        partner = await create_partner(sessions)
        mine, sibling = [await create_tenant(sessions, partner=partner) for _ in range(2)]
        stranger = await create_user(sessions, tenant=sibling)

        result = await gql(
            UPDATE_USER,
            {"id": stranger.id, "input": {"displayName": "Mine now"}},
            token=tokens.tenant_admin(mine.id),
        )

        assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        assert result["errors"][0]["message"] == f"User {stranger.id} not found"
        assert (await _stored(sessions, stranger.id)).display_name is None


class TestDeleteUser:
    async def test_the_user_vanishes_from_reads_and_group_members(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # given
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        leaving, staying = [await create_user(sessions, tenant=tenant) for _ in range(2)]
        group = await create_group(sessions, tenant=tenant, members=(leaving, staying))

        # when
        deleted = await gql(DELETE_USER, {"id": leaving.id}, token=tokens.super_admin())
        read = await gql(USER, {"id": leaving.id}, token=tokens.super_admin())
        members = await gql(GROUP_MEMBERS, {"id": group.id}, token=tokens.super_admin())

        # then
        assert deleted["data"]["deleteUser"]["id"] == leaving.id
        assert deleted["data"]["deleteUser"]["deletedAt"] is not None
        assert read["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        for relation in ("members", "effectiveMembers"):
            assert members["data"]["group"][relation]["totalCount"] == 1
            assert members["data"]["group"][relation]["nodes"] == [{"id": staying.id}]


class TestResetUserPassword:
    async def test_generates_a_temporary_password_shown_once(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # given
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        user = await create_user(sessions, tenant=tenant)

        # when
        result = await gql(RESET_PASSWORD, {"id": user.id}, token=tokens.tenant_admin(tenant.id))
        reread = await gql(USER, {"id": user.id}, token=tokens.super_admin())

        # then
        payload: dict[str, Any] = result["data"]["resetUserPassword"]
        temporary = payload["temporaryPassword"]
        assert isinstance(temporary, str) and len(temporary) >= 12
        assert payload["user"]["mustChangePassword"] is True
        assert payload["user"]["passwordChangedAt"] is not None
        stored = await _stored(sessions, user.id)
        assert stored.password_hash is not None
        assert PasswordHasher().verify(stored.password_hash, temporary)
        assert temporary not in str(reread)

    async def test_sets_the_callers_password_and_returns_none(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        user = await create_user(sessions, tenant=tenant, must_change_password=True)

        result = await gql(
            RESET_PASSWORD,
            {"id": user.id, "input": {"password": "a chosen passphrase"}},
            token=tokens.super_admin(),
        )

        payload = result["data"]["resetUserPassword"]
        assert payload["temporaryPassword"] is None
        assert payload["user"]["mustChangePassword"] is False
        stored = await _stored(sessions, user.id)
        assert stored.password_hash is not None
        assert PasswordHasher().verify(stored.password_hash, "a chosen passphrase")


class TestDisableUserMfa:
    async def test_turns_mfa_off_and_forgets_the_secret(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        user = await create_user(sessions, tenant=tenant, mfa_enabled=True, mfa_secret="JBSWY3DP")

        result = await gql(DISABLE_MFA, {"id": user.id}, token=tokens.platform("admin:write"))

        assert result["data"]["disableUserMfa"] == {"id": user.id, "mfaEnabled": False}
        stored = await _stored(sessions, user.id)
        assert stored.mfa_enabled is False
        assert stored.mfa_secret is None
