"""Group queries and mutations over GraphQL: members, nesting and what follows from it."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Group, Tenant, User
from tests.conftest import GraphQLClient
from tests.factories import create_group, create_partner, create_tenant, create_user, nest_group
from tests.tokens import Tokens

GROUPS = """
query ($tenantId: ID) { groups(tenantId: $tenantId) { totalCount nodes { id name } } }
"""

GROUP_TREE = """
query ($id: ID!) {
  group(id: $id) {
    id
    members { nodes { id } }
    children { nodes { id } }
    parents { nodes { id } }
    effectiveMembers { totalCount nodes { id } }
  }
}
"""

EFFECTIVE_GROUPS = """
query ($id: ID!) {
  user(id: $id) { groups { nodes { id } } effectiveGroups { totalCount nodes { id } } }
}
"""

CREATE_GROUP = """
mutation ($input: CreateGroupInput!) {
  createGroup(input: $input) { id tenantId name description }
}
"""

UPDATE_GROUP = """
mutation ($id: ID!, $input: UpdateGroupInput!) {
  updateGroup(id: $id, input: $input) { id name description }
}
"""

DELETE_GROUP = """
mutation ($id: ID!) { deleteGroup(id: $id) { id deletedAt } }
"""

ADD_MEMBER = """
mutation ($groupId: ID!, $userId: ID!) {
  addGroupMember(groupId: $groupId, input: {userId: $userId}) {
    id members { totalCount nodes { id } }
  }
}
"""

REMOVE_MEMBER = """
mutation ($groupId: ID!, $userId: ID!) {
  removeGroupMember(groupId: $groupId, userId: $userId) { id members { totalCount } }
}
"""

NEST_GROUP = """
mutation ($groupId: ID!, $childGroupId: ID!) {
  nestGroup(groupId: $groupId, input: {childGroupId: $childGroupId}) {
    id children { totalCount nodes { id } }
  }
}
"""

UNNEST_GROUP = """
mutation ($groupId: ID!, $childGroupId: ID!) {
  unnestGroup(groupId: $groupId, childGroupId: $childGroupId) { id children { totalCount } }
}
"""

Sessions = async_sessionmaker[AsyncSession]


def _ids(connection: dict[str, Any]) -> list[str]:
    return [node["id"] for node in connection["nodes"]]


def _code(result: dict[str, Any]) -> str:
    code: str = result["errors"][0]["extensions"]["code"]
    return code


async def _tenant(sessions: Sessions) -> Tenant:
    return await create_tenant(sessions, partner=await create_partner(sessions))


async def _three_levels(sessions: Sessions, tenant: Tenant) -> tuple[list[Group], list[User]]:
    """top ⊃ middle ⊃ bottom, with one direct member in each."""
    people = [await create_user(sessions, tenant=tenant) for _ in range(3)]
    top, middle, bottom = [
        await create_group(sessions, tenant=tenant, members=(person,)) for person in people
    ]
    await nest_group(sessions, parent=top, child=middle)
    await nest_group(sessions, parent=middle, child=bottom)
    return [top, middle, bottom], people


class TestGroupsQuery:
    async def test_a_tenant_admin_lists_only_its_tenants_groups(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        partner = await create_partner(sessions)
        mine, sibling = [await create_tenant(sessions, partner=partner) for _ in range(2)]
        own = await create_group(sessions, tenant=mine)
        await create_group(sessions, tenant=sibling)

        result = await gql(GROUPS, token=tokens.tenant_admin(mine.id))
        filtered = await gql(GROUPS, {"tenantId": sibling.id}, token=tokens.super_admin())

        assert _ids(result["data"]["groups"]) == [own.id]
        assert filtered["data"]["groups"]["totalCount"] == 1


class TestGroupQuery:
    async def test_members_children_and_effective_members_across_three_levels(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # given
        tenant = await _tenant(sessions)
        (top, middle, bottom), (alice, bob, carol) = await _three_levels(sessions, tenant)

        # when
        results = [
            await gql(GROUP_TREE, {"id": group.id}, token=tokens.tenant_admin(tenant.id))
            for group in (top, middle, bottom)
        ]

        # then
        top_, middle_, bottom_ = (result["data"]["group"] for result in results)
        assert _ids(top_["members"]) == [alice.id]
        assert _ids(top_["children"]) == [middle.id]
        assert _ids(middle_["parents"]) == [top.id]
        assert _ids(bottom_["parents"]) == [middle.id]
        assert _ids(bottom_["children"]) == []
        assert sorted(_ids(top_["effectiveMembers"])) == sorted([alice.id, bob.id, carol.id])
        assert top_["effectiveMembers"]["totalCount"] == 3
        assert sorted(_ids(middle_["effectiveMembers"])) == sorted([bob.id, carol.id])
        assert _ids(bottom_["effectiveMembers"]) == [carol.id]

    async def test_a_users_effective_groups_follow_nesting_upwards(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        tenant = await _tenant(sessions)
        (top, middle, bottom), (_, _, carol) = await _three_levels(sessions, tenant)

        result = await gql(EFFECTIVE_GROUPS, {"id": carol.id}, token=tokens.super_admin())

        user = result["data"]["user"]
        assert _ids(user["groups"]) == [bottom.id]
        assert user["effectiveGroups"]["totalCount"] == 3
        assert sorted(_ids(user["effectiveGroups"])) == sorted([top.id, middle.id, bottom.id])

    async def test_a_group_of_a_sibling_tenant_is_not_found(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        partner = await create_partner(sessions)
        mine, sibling = [await create_tenant(sessions, partner=partner) for _ in range(2)]
        stranger = await create_group(sessions, tenant=sibling)

        result = await gql(GROUP_TREE, {"id": stranger.id}, token=tokens.tenant_admin(mine.id))

        assert result["data"] == {"group": None}
        assert _code(result) == "NOT_FOUND"


class TestCreateGroup:
    async def test_a_tenant_admin_creates_in_its_own_tenant(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        tenant = await _tenant(sessions)

        result = await gql(
            CREATE_GROUP,
            {"input": {"name": "Engineering", "description": "Builders"}},
            token=tokens.tenant_admin(tenant.id),
        )

        created = result["data"]["createGroup"]
        assert created["id"].startswith("grp_")
        assert created["tenantId"] == tenant.id
        assert (created["name"], created["description"]) == ("Engineering", "Builders")

    async def test_refuses_a_name_already_used_in_the_tenant(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        tenant = await _tenant(sessions)
        await create_group(sessions, tenant=tenant, name="Engineering")
        elsewhere = await _tenant(sessions)

        refused = await gql(
            CREATE_GROUP,
            {"input": {"tenantId": tenant.id, "name": "Engineering"}},
            token=tokens.super_admin(),
        )
        allowed = await gql(
            CREATE_GROUP,
            {"input": {"tenantId": elsewhere.id, "name": "Engineering"}},
            token=tokens.super_admin(),
        )

        assert _code(refused) == "CONFLICT"
        assert refused["errors"][0]["message"] == (
            "A group named 'Engineering' already exists in this tenant"
        )
        assert allowed["data"]["createGroup"]["tenantId"] == elsewhere.id


class TestUpdateGroup:
    async def test_changes_only_the_given_fields(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        tenant = await _tenant(sessions)
        group = await create_group(sessions, tenant=tenant, description="Keep me")

        result = await gql(
            UPDATE_GROUP, {"id": group.id, "input": {"name": "Renamed"}}, token=tokens.super_admin()
        )

        assert result["data"]["updateGroup"] == {
            "id": group.id,
            "name": "Renamed",
            "description": "Keep me",
        }


class TestDeleteGroup:
    async def test_a_deleted_nested_group_stops_counting(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        tenant = await _tenant(sessions)
        (top, middle, _), (alice, _, _) = await _three_levels(sessions, tenant)

        deleted = await gql(DELETE_GROUP, {"id": middle.id}, token=tokens.super_admin())
        tree = await gql(GROUP_TREE, {"id": top.id}, token=tokens.super_admin())

        assert deleted["data"]["deleteGroup"]["deletedAt"] is not None
        assert _ids(tree["data"]["group"]["children"]) == []
        assert _ids(tree["data"]["group"]["effectiveMembers"]) == [alice.id]


class TestAddGroupMember:
    async def test_adds_once_however_often_asked(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        tenant = await _tenant(sessions)
        group = await create_group(sessions, tenant=tenant)
        user = await create_user(sessions, tenant=tenant)
        variables = {"groupId": group.id, "userId": user.id}

        first = await gql(ADD_MEMBER, variables, token=tokens.tenant_admin(tenant.id))
        again = await gql(ADD_MEMBER, variables, token=tokens.tenant_admin(tenant.id))

        for result in (first, again):
            assert result["data"]["addGroupMember"]["members"]["totalCount"] == 1
            assert _ids(result["data"]["addGroupMember"]["members"]) == [user.id]

    async def test_refuses_a_user_of_another_tenant(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        partner = await create_partner(sessions)
        here, there = [await create_tenant(sessions, partner=partner) for _ in range(2)]
        group = await create_group(sessions, tenant=here)
        outsider = await create_user(sessions, tenant=there)

        result = await gql(
            ADD_MEMBER,
            {"groupId": group.id, "userId": outsider.id},
            token=tokens.partner_admin(partner.id),
        )

        assert _code(result) == "BAD_USER_INPUT"
        assert result["errors"][0]["message"] == "user_id: must belong to the group's tenant"

    async def test_a_user_the_caller_cannot_see_is_not_found(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        partner = await create_partner(sessions)
        mine, sibling = [await create_tenant(sessions, partner=partner) for _ in range(2)]
        group = await create_group(sessions, tenant=mine)
        stranger = await create_user(sessions, tenant=sibling)

        result = await gql(
            ADD_MEMBER,
            {"groupId": group.id, "userId": stranger.id},
            token=tokens.tenant_admin(mine.id),
        )

        assert _code(result) == "NOT_FOUND"
        assert result["errors"][0]["message"] == f"User {stranger.id} not found"


class TestRemoveGroupMember:
    async def test_removes_a_direct_member_and_refuses_a_non_member(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        tenant = await _tenant(sessions)
        user = await create_user(sessions, tenant=tenant)
        group = await create_group(sessions, tenant=tenant, members=(user,))
        variables = {"groupId": group.id, "userId": user.id}

        removed = await gql(REMOVE_MEMBER, variables, token=tokens.super_admin())
        again = await gql(REMOVE_MEMBER, variables, token=tokens.super_admin())

        assert removed["data"]["removeGroupMember"]["members"]["totalCount"] == 0
        assert _code(again) == "NOT_FOUND"
        assert again["errors"][0]["message"] == (
            f"User {user.id} is not a member of group {group.id}"
        )


class TestNestGroup:
    async def test_nests_once_however_often_asked(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        tenant = await _tenant(sessions)
        parent, child = [await create_group(sessions, tenant=tenant) for _ in range(2)]
        variables = {"groupId": parent.id, "childGroupId": child.id}

        first = await gql(NEST_GROUP, variables, token=tokens.tenant_admin(tenant.id))
        again = await gql(NEST_GROUP, variables, token=tokens.tenant_admin(tenant.id))

        for result in (first, again):
            assert _ids(result["data"]["nestGroup"]["children"]) == [child.id]

    async def test_refuses_to_nest_a_group_in_itself(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        group = await create_group(sessions, tenant=await _tenant(sessions))

        result = await gql(
            NEST_GROUP, {"groupId": group.id, "childGroupId": group.id}, token=tokens.super_admin()
        )

        assert _code(result) == "BAD_USER_INPUT"
        assert result["errors"][0]["message"].startswith("child_group_id: would create a cycle")

    async def test_refuses_to_close_a_loop_through_nested_groups(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # given top ⊃ middle ⊃ bottom
        tenant = await _tenant(sessions)
        (top, middle, bottom), _ = await _three_levels(sessions, tenant)

        # when the top is put under the bottom, or under the middle
        indirect = await gql(
            NEST_GROUP, {"groupId": bottom.id, "childGroupId": top.id}, token=tokens.super_admin()
        )
        direct = await gql(
            NEST_GROUP, {"groupId": middle.id, "childGroupId": top.id}, token=tokens.super_admin()
        )

        # then both are refused, naming the field
        assert indirect["errors"][0]["message"] == (
            f"child_group_id: would create a cycle: {top.id} already contains {bottom.id}"
        )
        assert _code(direct) == "BAD_USER_INPUT"
        assert direct["errors"][0]["extensions"]["field"] == "child_group_id"

    async def test_refuses_a_group_of_another_tenant(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        parent = await create_group(sessions, tenant=await _tenant(sessions))
        foreign = await create_group(sessions, tenant=await _tenant(sessions))

        result = await gql(
            NEST_GROUP,
            {"groupId": parent.id, "childGroupId": foreign.id},
            token=tokens.super_admin(),
        )

        assert result["errors"][0]["message"] == "child_group_id: must belong to the same tenant"

    async def test_a_group_of_a_sibling_tenant_is_not_found(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        partner = await create_partner(sessions)
        mine, sibling = [await create_tenant(sessions, partner=partner) for _ in range(2)]
        own = await create_group(sessions, tenant=mine)
        stranger = await create_group(sessions, tenant=sibling)

        result = await gql(
            NEST_GROUP,
            {"groupId": stranger.id, "childGroupId": own.id},
            token=tokens.tenant_admin(mine.id),
        )

        assert _code(result) == "NOT_FOUND"
        assert result["errors"][0]["message"] == f"Group {stranger.id} not found"

    async def test_two_concurrent_nestings_cannot_close_a_loop_together(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # given a ⊃ b and c ⊃ d: b ⊃ c and d ⊃ a are each fine alone, a loop together
        tenant = await _tenant(sessions)
        a, b, c, d = [await create_group(sessions, tenant=tenant) for _ in range(4)]
        await nest_group(sessions, parent=a, child=b)
        await nest_group(sessions, parent=c, child=d)
        token = tokens.super_admin()

        # when both are asked for at the same time
        results = await asyncio.gather(
            gql(NEST_GROUP, {"groupId": b.id, "childGroupId": c.id}, token=token),
            gql(NEST_GROUP, {"groupId": d.id, "childGroupId": a.id}, token=token),
        )

        # then exactly one nesting is made and the other is refused as a cycle
        outcomes = sorted(_code(r) if r.get("errors") else "OK" for r in results)
        assert outcomes == ["BAD_USER_INPUT", "OK"], results


class TestUnnestGroup:
    async def test_takes_a_child_out_and_refuses_one_that_is_not_nested(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        tenant = await _tenant(sessions)
        parent, child = [await create_group(sessions, tenant=tenant) for _ in range(2)]
        await nest_group(sessions, parent=parent, child=child)
        variables = {"groupId": parent.id, "childGroupId": child.id}

        removed = await gql(UNNEST_GROUP, variables, token=tokens.super_admin())
        again = await gql(UNNEST_GROUP, variables, token=tokens.super_admin())

        assert removed["data"]["unnestGroup"]["children"]["totalCount"] == 0
        assert _code(again) == "NOT_FOUND"
        assert again["errors"][0]["message"] == (
            f"Group {child.id} is not nested in group {parent.id}"
        )
