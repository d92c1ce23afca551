"""`/api/v1/admin/groups`: groups, their direct members and nested groups."""

from __future__ import annotations

from resolvers import resources
from rest_compat.documents import selection
from rest_compat.table import Route, Shape, body_input, no_variables, path_ids

GROUP = selection("id tenant_id name description created_at updated_at")

ROUTES = [
    Route(
        "GET",
        "/groups",
        f"""query ($first: Int, $after: String, $search: String,
                   $orderBy: [GroupOrderBy!], $tenantId: ID) {{
            groups(first: $first, after: $after, search: $search, orderBy: $orderBy,
                tenantId: $tenantId) {{
                totalCount nodes {{ {GROUP} }} }} }}""",
        "groups",
        no_variables,
        shape=Shape.PAGE,
        listing=resources.GROUP,
        filters={"tenant_id": "tenantId"},
        summary="List groups",
    ),
    Route(
        "POST",
        "/groups",
        f"""mutation ($input: CreateGroupInput!) {{
            createGroup(input: $input) {{ {GROUP} }} }}""",
        "createGroup",
        body_input(),
        status=201,
        body_input="CreateGroupInput",
        summary="Create a group",
    ),
    Route(
        "GET",
        "/groups/{id}",
        f"query ($id: ID!) {{ group(id: $id) {{ {GROUP} }} }}",
        "group",
        path_ids(id="id"),
        summary="Get a group",
    ),
    Route(
        "PATCH",
        "/groups/{id}",
        f"""mutation ($id: ID!, $input: UpdateGroupInput!) {{
            updateGroup(id: $id, input: $input) {{ {GROUP} }} }}""",
        "updateGroup",
        body_input(path={"id": "id"}),
        body_input="UpdateGroupInput",
        summary="Update a group (partial)",
    ),
    Route(
        "DELETE",
        "/groups/{id}",
        "mutation ($id: ID!) { deleteGroup(id: $id) { id } }",
        "deleteGroup",
        path_ids(id="id"),
        shape=Shape.NO_CONTENT,
        summary="Soft-delete a group",
    ),
    Route(
        "POST",
        "/groups/{id}/members",
        f"""mutation ($groupId: ID!, $input: AddGroupMemberInput!) {{
            addGroupMember(groupId: $groupId, input: $input) {{ {GROUP} }} }}""",
        "addGroupMember",
        body_input(path={"id": "groupId"}),
        body_input="AddGroupMemberInput",
        summary="Add a user to a group (idempotent)",
    ),
    Route(
        "DELETE",
        "/groups/{id}/members/{user_id}",
        """mutation ($groupId: ID!, $userId: ID!) {
            removeGroupMember(groupId: $groupId, userId: $userId) { id } }""",
        "removeGroupMember",
        path_ids(id="groupId", user_id="userId"),
        shape=Shape.NO_CONTENT,
        summary="Remove a user from a group",
    ),
    Route(
        "POST",
        "/groups/{id}/nested",
        f"""mutation ($groupId: ID!, $input: NestGroupInput!) {{
            nestGroup(groupId: $groupId, input: $input) {{ {GROUP} }} }}""",
        "nestGroup",
        body_input(path={"id": "groupId"}),
        body_input="NestGroupInput",
        summary="Nest a group in this group (idempotent; no cycles)",
    ),
    Route(
        "DELETE",
        "/groups/{id}/nested/{child_group_id}",
        """mutation ($groupId: ID!, $childGroupId: ID!) {
            unnestGroup(groupId: $groupId, childGroupId: $childGroupId) { id } }""",
        "unnestGroup",
        path_ids(id="groupId", child_group_id="childGroupId"),
        shape=Shape.NO_CONTENT,
        summary="Take a nested group out of this group",
    ),
]
