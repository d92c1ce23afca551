"""Every GraphQL root field and mutation, paired with its REST route where it has one.

`setup` makes fresh targets for one call (writes consume them), returning their ids.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.security import targets as setups
from tests.security.policies import Policy
from tests.security.targets import Setup, Targets

_unique = itertools.count(1)


def unique() -> int:
    return next(_unique)


@dataclass(frozen=True)
class GraphQLCall:
    document: str
    field: str
    variables: Callable[[Targets], dict[str, Any]]
    list_of: bool = False
    relation: str | None = None  # a relation of `field`'s object, read for the target
    # A relation read: the connection under the root field `field` whose nodes are listed.
    within: str | None = None


@dataclass(frozen=True)
class RestCall:
    method: str
    path: Callable[[Targets], str]
    body: Callable[[Targets], dict[str, Any] | None] = lambda _: None
    list_of: bool = False
    headers: Callable[[Targets], dict[str, str]] = lambda _: {}  # e.g. the tenant context


@dataclass(frozen=True)
class Operation:
    name: str
    policy: Policy
    setup: Setup
    graphql: GraphQLCall
    rest: RestCall | None = None
    target: str = "id"


def _page(field: str, args: str = "") -> str:
    return f"query {{ {field}(first: 100{args}) {{ nodes {{ id }} }} }}"


def _one(field: str) -> str:
    return f"query ($id: ID!) {{ {field}(id: $id) {{ id }} }}"


def _by_id(targets: Targets) -> dict[str, Any]:
    return {"id": targets["id"]}


def _none(targets: Targets) -> dict[str, Any]:
    return {}


def _delete(field: str) -> str:
    return f"mutation ($id: ID!) {{ {field}(id: $id) {{ id }} }}"


def _new_partner(_: Targets) -> dict[str, Any]:
    n = unique()
    return {"name": f"Matrix partner {n}", "slug": f"matrix-partner-{n}"}


def _new_tenant(targets: Targets) -> dict[str, Any]:
    n = unique()
    return {"partner_id": targets["partner"], "name": f"Matrix {n}", "slug": f"matrix-{n}"}


def _new_user(targets: Targets) -> dict[str, Any]:
    return {"tenant_id": targets["tenant"], "email": f"matrix{unique()}@example.com"}


def _new_group(targets: Targets) -> dict[str, Any]:
    return {"tenant_id": targets["tenant"], "name": f"Matrix group {unique()}"}


def _new_tenant_app(targets: Targets) -> dict[str, Any]:
    return {
        "tenant_id": targets["tenant"],
        "level": "TENANT",
        "app_type": "WEB",
        "name": f"Matrix app {unique()}",
    }


def _new_global_app(_: Targets) -> dict[str, Any]:
    return {"level": "GLOBAL", "app_type": "SERVICE", "name": f"Matrix global {unique()}"}


def _camel(body: dict[str, Any]) -> dict[str, Any]:
    def camel(name: str) -> str:
        head, *rest = name.split("_")
        return head + "".join(part.title() for part in rest)

    return {camel(key): value for key, value in body.items()}


def _create(field: str, input_type: str, selection: str = "id") -> str:
    return f"mutation ($input: {input_type}!) {{ {field}(input: $input) {{ {selection} }} }}"


def _update(field: str, input_type: str) -> str:
    return (
        f"mutation ($id: ID!, $input: {input_type}!) {{ {field}(id: $id, input: $input) {{ id }} }}"
    )


def _input(body: Callable[[Targets], dict[str, Any]]) -> Callable[[Targets], dict[str, Any]]:
    return lambda targets: {"input": _camel(body(targets))}


def _id_and_input(body: dict[str, Any]) -> Callable[[Targets], dict[str, Any]]:
    return lambda targets: {"id": targets["id"], "input": _camel(body)}


A = "/api/v1/admin"

FOUNDATION: list[Operation] = [
    # --- who am I / any node
    Operation(
        "viewer",
        Policy.ANY_PRINCIPAL,
        setups.world_targets,
        GraphQLCall("query { viewer { role } }", "viewer", _none),
    ),
    # --- partners
    Operation(
        "createPartner",
        Policy.SUPER_ADMIN_ONLY,
        setups.world_targets,
        GraphQLCall(
            _create("createPartner", "CreatePartnerInput"), "createPartner", _input(_new_partner)
        ),
        RestCall("POST", lambda t: f"{A}/partners", _new_partner),
    ),
    Operation(
        "updatePartner",
        Policy.SUPER_ADMIN_ONLY,
        setups.fresh_partner,
        GraphQLCall(
            _update("updatePartner", "UpdatePartnerInput"),
            "updatePartner",
            _id_and_input({"name": "Renamed"}),
        ),
        RestCall("PATCH", lambda t: f"{A}/partners/{t['id']}", lambda t: {"name": "Renamed"}),
    ),
    Operation(
        "deletePartner",
        Policy.SUPER_ADMIN_ONLY,
        setups.fresh_partner,
        GraphQLCall(_delete("deletePartner"), "deletePartner", _by_id),
        RestCall("DELETE", lambda t: f"{A}/partners/{t['id']}"),
    ),
    # --- tenants
    Operation(
        "createTenant",
        Policy.PLATFORM_TIER_WRITE,
        setups.world_targets,
        GraphQLCall(
            _create("createTenant", "CreateTenantInput"), "createTenant", _input(_new_tenant)
        ),
        RestCall("POST", lambda t: f"{A}/tenants", _new_tenant),
    ),
    Operation(
        "updateTenant",
        Policy.PLATFORM_TIER_WRITE,
        setups.fresh_tenant,
        GraphQLCall(
            _update("updateTenant", "UpdateTenantInput"),
            "updateTenant",
            _id_and_input({"name": "Renamed"}),
        ),
        RestCall("PATCH", lambda t: f"{A}/tenants/{t['id']}", lambda t: {"name": "Renamed"}),
    ),
    Operation(
        "deleteTenant",
        Policy.PLATFORM_TIER_WRITE,
        setups.fresh_tenant,
        GraphQLCall(_delete("deleteTenant"), "deleteTenant", _by_id),
        RestCall("DELETE", lambda t: f"{A}/tenants/{t['id']}"),
    ),
    # --- users
    Operation(
        "createUser",
        Policy.TENANT_WRITE,
        setups.world_targets,
        GraphQLCall(_create("createUser", "CreateUserInput"), "createUser", _input(_new_user)),
        RestCall("POST", lambda t: f"{A}/users", _new_user),
    ),
    Operation(
        "updateUser",
        Policy.TENANT_WRITE,
        setups.fresh_user,
        GraphQLCall(
            _update("updateUser", "UpdateUserInput"),
            "updateUser",
            _id_and_input({"display_name": "Renamed"}),
        ),
        RestCall("PATCH", lambda t: f"{A}/users/{t['id']}", lambda t: {"display_name": "Renamed"}),
    ),
    Operation(
        "deleteUser",
        Policy.TENANT_WRITE,
        setups.fresh_user,
        GraphQLCall(_delete("deleteUser"), "deleteUser", _by_id),
        RestCall("DELETE", lambda t: f"{A}/users/{t['id']}"),
    ),
    Operation(
        "resetUserPassword",
        Policy.TENANT_WRITE,
        setups.fresh_user,
        GraphQLCall(
            "mutation ($id: ID!) { resetUserPassword(id: $id) { user { id } } }",
            "resetUserPassword",
            _by_id,
        ),
        RestCall("POST", lambda t: f"{A}/users/{t['id']}/reset-password", lambda t: {}),
    ),
    Operation(
        "disableUserMfa",
        Policy.TENANT_WRITE,
        setups.fresh_user,
        GraphQLCall(
            "mutation ($id: ID!) { disableUserMfa(id: $id) { id } }", "disableUserMfa", _by_id
        ),
        RestCall("POST", lambda t: f"{A}/users/{t['id']}/mfa/disable"),
    ),
    # --- groups
    Operation(
        "createGroup",
        Policy.TENANT_WRITE,
        setups.world_targets,
        GraphQLCall(_create("createGroup", "CreateGroupInput"), "createGroup", _input(_new_group)),
        RestCall("POST", lambda t: f"{A}/groups", _new_group),
    ),
    Operation(
        "updateGroup",
        Policy.TENANT_WRITE,
        setups.fresh_group,
        GraphQLCall(
            _update("updateGroup", "UpdateGroupInput"),
            "updateGroup",
            _id_and_input({"description": "Changed"}),
        ),
        RestCall("PATCH", lambda t: f"{A}/groups/{t['id']}", lambda t: {"description": "Changed"}),
    ),
    Operation(
        "deleteGroup",
        Policy.TENANT_WRITE,
        setups.fresh_group,
        GraphQLCall(_delete("deleteGroup"), "deleteGroup", _by_id),
        RestCall("DELETE", lambda t: f"{A}/groups/{t['id']}"),
    ),
    Operation(
        "addGroupMember",
        Policy.TENANT_WRITE,
        setups.group_and_user,
        GraphQLCall(
            "mutation ($id: ID!, $u: ID!) { addGroupMember(groupId: $id, "
            "input: {userId: $u}) { id } }",
            "addGroupMember",
            lambda t: {"id": t["id"], "u": t["user"]},
        ),
        RestCall(
            "POST", lambda t: f"{A}/groups/{t['id']}/members", lambda t: {"user_id": t["user"]}
        ),
    ),
    Operation(
        "removeGroupMember",
        Policy.TENANT_WRITE,
        setups.group_with_member,
        GraphQLCall(
            "mutation ($id: ID!, $u: ID!) { removeGroupMember(groupId: $id, userId: $u) { id } }",
            "removeGroupMember",
            lambda t: {"id": t["id"], "u": t["user"]},
        ),
        RestCall("DELETE", lambda t: f"{A}/groups/{t['id']}/members/{t['user']}"),
    ),
    Operation(
        "nestGroup",
        Policy.TENANT_WRITE,
        setups.two_groups,
        GraphQLCall(
            "mutation ($id: ID!, $c: ID!) { nestGroup(groupId: $id, "
            "input: {childGroupId: $c}) { id } }",
            "nestGroup",
            lambda t: {"id": t["id"], "c": t["child"]},
        ),
        RestCall(
            "POST",
            lambda t: f"{A}/groups/{t['id']}/nested",
            lambda t: {"child_group_id": t["child"]},
        ),
    ),
    Operation(
        "unnestGroup",
        Policy.TENANT_WRITE,
        setups.nested_groups,
        GraphQLCall(
            "mutation ($id: ID!, $c: ID!) { unnestGroup(groupId: $id, childGroupId: $c) { id } }",
            "unnestGroup",
            lambda t: {"id": t["id"], "c": t["child"]},
        ),
        RestCall("DELETE", lambda t: f"{A}/groups/{t['id']}/nested/{t['child']}"),
    ),
    # --- applications
    Operation(
        "application(global)",
        Policy.GLOBAL_READ_ONE,
        setups.global_app,
        GraphQLCall(_one("application"), "application", _by_id),
        RestCall("GET", lambda t: f"{A}/applications/{t['id']}"),
    ),
    Operation(
        "createApplication(tenant)",
        Policy.TENANT_WRITE,
        setups.world_targets,
        GraphQLCall(
            _create("createApplication", "CreateApplicationInput", "application { id }"),
            "createApplication",
            _input(_new_tenant_app),
        ),
        RestCall("POST", lambda t: f"{A}/applications", _new_tenant_app),
    ),
    Operation(
        "createApplication(global)",
        Policy.GLOBAL_WRITE,
        setups.world_targets,
        GraphQLCall(
            _create("createApplication", "CreateApplicationInput", "application { id }"),
            "createApplication",
            _input(_new_global_app),
        ),
        RestCall("POST", lambda t: f"{A}/applications", _new_global_app),
    ),
    Operation(
        "updateApplication(tenant)",
        Policy.TENANT_WRITE,
        setups.tenant_app,
        GraphQLCall(
            _update("updateApplication", "UpdateApplicationInput"),
            "updateApplication",
            _id_and_input({"token_lifetime": 600}),
        ),
        RestCall(
            "PATCH", lambda t: f"{A}/applications/{t['id']}", lambda t: {"token_lifetime": 600}
        ),
    ),
    Operation(
        "updateApplication(global)",
        Policy.GLOBAL_WRITE,
        setups.global_app,
        GraphQLCall(
            _update("updateApplication", "UpdateApplicationInput"),
            "updateApplication",
            _id_and_input({"token_lifetime": 600}),
        ),
        RestCall(
            "PATCH", lambda t: f"{A}/applications/{t['id']}", lambda t: {"token_lifetime": 600}
        ),
    ),
    Operation(
        "deleteApplication(tenant)",
        Policy.TENANT_WRITE,
        setups.tenant_app,
        GraphQLCall(_delete("deleteApplication"), "deleteApplication", _by_id),
        RestCall("DELETE", lambda t: f"{A}/applications/{t['id']}"),
    ),
    Operation(
        "deleteApplication(global)",
        Policy.GLOBAL_WRITE,
        setups.global_app,
        GraphQLCall(_delete("deleteApplication"), "deleteApplication", _by_id),
        RestCall("DELETE", lambda t: f"{A}/applications/{t['id']}"),
    ),
]
