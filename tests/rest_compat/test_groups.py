"""`/api/v1/admin/groups` over HTTP: groups, members and nesting."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.factories import create_group, create_partner, create_tenant, create_user, nest_group
from tests.tokens import Tokens, bearer

Sessions = async_sessionmaker[AsyncSession]
GROUPS = "/api/v1/admin/groups"


class TestListGroups:
    async def test_filters_by_tenant(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        partner = await create_partner(sessions)
        tenant, other = [await create_tenant(sessions, partner=partner) for _ in range(2)]
        group = await create_group(sessions, tenant=tenant, description="Ops")
        await create_group(sessions, tenant=other)

        response = await http.get(
            f"{GROUPS}?tenant_id={tenant.id}", headers=bearer(tokens.partner_admin(partner.id))
        )

        assert response.status_code == 200
        body = response.json()
        assert body["pagination"]["total"] == 1
        assert body["data"] == [
            {
                "id": group.id,
                "tenant_id": tenant.id,
                "name": group.name,
                "description": "Ops",
                "created_at": body["data"][0]["created_at"],
                "updated_at": body["data"][0]["updated_at"],
            }
        ]


class TestCreateGroup:
    async def test_creates_and_answers_201_then_409_for_the_same_name(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        headers = bearer(tokens.super_admin())
        body = {"tenant_id": tenant.id, "name": "Support"}

        created = await http.post(GROUPS, json=body, headers=headers)
        duplicate = await http.post(GROUPS, json=body, headers=headers)

        assert created.status_code == 201, created.text
        assert created.json()["tenant_id"] == tenant.id
        assert duplicate.status_code == 409
        assert duplicate.json()["code"] == "CONFLICT"


class TestGetGroup:
    async def test_a_group_of_a_sibling_tenant_is_404(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        partner = await create_partner(sessions)
        mine, sibling = [await create_tenant(sessions, partner=partner) for _ in range(2)]
        stranger = await create_group(sessions, tenant=sibling)

        response = await http.get(
            f"{GROUPS}/{stranger.id}", headers=bearer(tokens.tenant_admin(mine.id))
        )

        assert response.status_code == 404


class TestPatchGroup:
    async def test_changes_only_the_given_fields(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        group = await create_group(sessions, tenant=tenant, name="Before")

        response = await http.patch(
            f"{GROUPS}/{group.id}",
            json={"description": "After"},
            headers=bearer(tokens.super_admin()),
        )

        assert response.status_code == 200, response.text
        assert (response.json()["name"], response.json()["description"]) == ("Before", "After")


class TestDeleteGroup:
    async def test_soft_deletes_and_then_404s(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        group = await create_group(
            sessions, tenant=await create_tenant(sessions, partner=await create_partner(sessions))
        )
        headers = bearer(tokens.super_admin())

        deleted = await http.delete(f"{GROUPS}/{group.id}", headers=headers)
        again = await http.get(f"{GROUPS}/{group.id}", headers=headers)

        assert deleted.status_code == 204
        assert again.status_code == 404


class TestGroupMembers:
    async def test_adds_with_200_and_removes_with_204(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        group = await create_group(sessions, tenant=tenant)
        user = await create_user(sessions, tenant=tenant)
        headers = bearer(tokens.tenant_admin(tenant.id))

        added = await http.post(
            f"{GROUPS}/{group.id}/members", json={"user_id": user.id}, headers=headers
        )
        removed = await http.delete(f"{GROUPS}/{group.id}/members/{user.id}", headers=headers)
        again = await http.delete(f"{GROUPS}/{group.id}/members/{user.id}", headers=headers)

        assert added.status_code == 200, added.text
        assert added.json()["id"] == group.id
        assert removed.status_code == 204
        assert again.status_code == 404

    async def test_a_missing_user_id_is_named(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        group = await create_group(
            sessions, tenant=await create_tenant(sessions, partner=await create_partner(sessions))
        )

        response = await http.post(
            f"{GROUPS}/{group.id}/members", json={}, headers=bearer(tokens.super_admin())
        )

        assert response.status_code == 422
        assert response.json()["detail"] == "user_id: is required"


class TestNestedGroups:
    async def test_nests_with_200_and_unnests_with_204(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        parent, child = [await create_group(sessions, tenant=tenant) for _ in range(2)]
        headers = bearer(tokens.super_admin())

        nested = await http.post(
            f"{GROUPS}/{parent.id}/nested", json={"child_group_id": child.id}, headers=headers
        )
        unnested = await http.delete(f"{GROUPS}/{parent.id}/nested/{child.id}", headers=headers)
        again = await http.delete(f"{GROUPS}/{parent.id}/nested/{child.id}", headers=headers)

        assert nested.status_code == 200, nested.text
        assert nested.json()["id"] == parent.id
        assert unnested.status_code == 204
        assert again.status_code == 404

    async def test_a_cycle_is_refused_with_422(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        parent, child = [await create_group(sessions, tenant=tenant) for _ in range(2)]
        await nest_group(sessions, parent=parent, child=child)

        response = await http.post(
            f"{GROUPS}/{child.id}/nested",
            json={"child_group_id": parent.id},
            headers=bearer(tokens.super_admin()),
        )

        assert response.status_code == 422
        assert response.json()["code"] == "BAD_USER_INPUT"
        assert response.json()["detail"].startswith("child_group_id: would create a cycle")
