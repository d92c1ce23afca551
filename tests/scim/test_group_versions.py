"""A group's SCIM version (its ETag, `meta.version`) follows member changes made over GraphQL
and REST too: each change writes the group's `updated_at` in its own transaction."""

from __future__ import annotations

import itertools

import httpx

from tests.conftest import GraphQLClient
from tests.scim.conftest import Scim, create_group, patch
from tests.tokens import Tokens, bearer

ADD_MEMBER = """
mutation ($groupId: ID!, $userId: ID!) {
  addGroupMember(groupId: $groupId, input: {userId: $userId}) { id }
}
"""
REMOVE_MEMBER = """
mutation ($groupId: ID!, $userId: ID!) {
  removeGroupMember(groupId: $groupId, userId: $userId) { id }
}
"""
NEST = """
mutation ($groupId: ID!, $childGroupId: ID!) {
  nestGroup(groupId: $groupId, input: {childGroupId: $childGroupId}) { id }
}
"""
UNNEST = """
mutation ($groupId: ID!, $childGroupId: ID!) {
  unnestGroup(groupId: $groupId, childGroupId: $childGroupId) { id }
}
"""


async def _version(scim: Scim, group_id: str) -> tuple[str, str, set[str]]:
    """The group's ETag, its `meta.version` and its members' ids, as SCIM answers them."""
    response = await scim.request("GET", f"/Groups/{group_id}")
    assert response.status_code == 200, response.text
    body = response.json()
    members = {member["value"] for member in body.get("members", [])}
    return response.headers["etag"], body["meta"]["version"], members


async def test_graphql_member_changes_change_the_version(
    scim: Scim, gql: GraphQLClient, tokens: Tokens
) -> None:
    token = tokens.tenant_admin(scim.tenant.id)
    ann = await scim.create_user("ann@example.com")
    group = await create_group(scim, "Team")
    child = await create_group(scim, "Child")
    user_ids = {"groupId": group["id"], "userId": ann["id"]}
    child_ids = {"groupId": group["id"], "childGroupId": child["id"]}
    seen = [await _version(scim, group["id"])]

    steps = [
        (ADD_MEMBER, user_ids, {ann["id"]}),
        (ADD_MEMBER, user_ids, {ann["id"]}),  # already a member: nothing changes
        (NEST, child_ids, {ann["id"], child["id"]}),
        (NEST, child_ids, {ann["id"], child["id"]}),  # already nested: nothing changes
        (UNNEST, child_ids, {ann["id"]}),
        (REMOVE_MEMBER, user_ids, set()),
    ]
    for document, variables, members in steps:
        result = await gql(document, variables, token=token)
        assert "errors" not in result, result
        seen.append(await _version(scim, group["id"]))
        assert seen[-1][2] == members
        assert seen[-1][0] == seen[-1][1]  # the header and meta.version agree

    versions = [etag for etag, _, _ in seen]
    changed = [before != after for before, after in itertools.pairwise(versions)]
    assert changed == [True, False, True, False, True, True]
    assert len(set(versions)) == 5


async def test_a_rest_member_change_makes_a_held_version_stale(
    scim: Scim, http: httpx.AsyncClient, tokens: Tokens
) -> None:
    ann = await scim.create_user("ann@example.com")
    bob = await scim.create_user("bob@example.com")
    group = await create_group(scim, "Team", ann["id"])
    held, _, _ = await _version(scim, group["id"])

    added = await http.post(
        f"/api/v1/admin/groups/{group['id']}/members",
        json={"user_id": bob["id"]},
        headers=bearer(tokens.tenant_admin(scim.tenant.id)),
    )
    assert added.status_code in (200, 201), added.text

    now, _, members = await _version(scim, group["id"])
    assert members == {ann["id"], bob["id"]} and now != held
    # a SCIM client still holding the old version is told the group changed
    stale = await scim.request(
        "PATCH",
        f"/Groups/{group['id']}",
        patch({"op": "replace", "path": "displayName", "value": "Renamed"}),
        If_Match=held,
    )
    assert stale.status_code == 412, stale.text
    fresh = await scim.request(
        "PATCH",
        f"/Groups/{group['id']}",
        patch({"op": "replace", "path": "displayName", "value": "Renamed"}),
        If_Match=now,
    )
    assert fresh.status_code == 200, fresh.text
