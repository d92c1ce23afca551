"""SCIM Groups over the tenant's base, written through the group resolvers."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import AuditEvent, GroupMember, GroupNesting
from tests.factories import create_partner, create_tenant
from tests.factories_scim import create_scim_token
from tests.scim.conftest import GROUP_SCHEMA, SCIM_JSON, Scim, create_group, patch


async def _members(scim: Scim, group_id: str) -> set[str]:
    response = await scim.request("GET", f"/Groups/{group_id}")
    assert response.status_code == 200, response.text
    return {member["value"] for member in response.json().get("members", [])}


async def _events(
    sessions: async_sessionmaker[AsyncSession], group_id: str
) -> list[tuple[str, str, dict[str, object] | None]]:
    async with sessions() as session:
        events = (
            await session.execute(
                select(AuditEvent)
                .where(AuditEvent.resource_id == group_id)
                .order_by(AuditEvent.created_at, AuditEvent.id)
            )
        ).scalars()
        return [(e.action, e.actor_type, e.event_metadata) for e in events]


async def test_a_group_holds_users_and_nested_groups_with_refs(scim: Scim) -> None:
    ann = await scim.create_user("ann@example.com", displayName="Ann")
    bob = await scim.create_user("bob@example.com")
    inner = await create_group(scim, "Inner", bob["id"])

    outer = await create_group(scim, "Outer", ann["id"], inner["id"], externalId="ext-1")

    response = await scim.request("GET", f"/Groups/{outer['id']}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(SCIM_JSON)
    group = response.json()
    assert group["schemas"] == [GROUP_SCHEMA]
    assert group["displayName"] == "Outer" and group["externalId"] == "ext-1"
    members = {m["value"]: m for m in group["members"]}
    assert members[ann["id"]]["type"] == "User" and members[ann["id"]]["display"] == "Ann"
    assert members[ann["id"]]["$ref"].endswith(f"{scim.base}/Users/{ann['id']}")
    assert members[inner["id"]]["type"] == "Group"
    assert members[inner["id"]]["$ref"].endswith(f"{scim.base}/Groups/{inner['id']}")
    assert response.headers["etag"] == group["meta"]["version"]
    # the user's read-only groups name the groups it is directly in
    user = (await scim.request("GET", f"/Users/{ann['id']}")).json()
    assert [(g["value"], g["display"]) for g in user["groups"]] == [(outer["id"], "Outer")]


async def test_groups_are_listed_through_filters(scim: Scim) -> None:
    ann = await scim.create_user("ann@example.com")
    first = await create_group(scim, "Engineering", ann["id"], externalId="e-1")
    await create_group(scim, "Sales")

    async def ids(text: str, extra: str = "") -> list[str]:
        response = await scim.request("GET", f"/Groups?filter={quote(text)}{extra}")
        assert response.status_code == 200, response.text
        return [g["id"] for g in response.json()["Resources"]]

    assert await ids('displayName eq "Engineering"') == [first["id"]]
    assert await ids('displayName sw "eng"') == [first["id"]]
    assert await ids('externalId eq "e-1"') == [first["id"]]
    assert await ids(f'members[value eq "{ann["id"]}"]') == [first["id"]]
    assert await ids(f'members.value eq "{ann["id"]}"') == [first["id"]]
    assert len(await ids('not (displayName eq "Nothing")')) == 2
    unknown = quote('description eq "x"')
    bad = await scim.request("GET", f"/Groups?filter={unknown}")
    assert bad.status_code == 400 and bad.json()["scimType"] == "invalidFilter"
    # a list without members, as provisioning clients ask for it
    lean = await scim.request("GET", "/Groups?excludedAttributes=members&sortBy=displayName")
    assert [g["displayName"] for g in lean.json()["Resources"]] == ["Engineering", "Sales"]
    assert all("members" not in g for g in lean.json()["Resources"])


async def test_many_members_in_one_patch_are_one_write_with_one_event(
    scim: Scim, sessions: async_sessionmaker[AsyncSession]
) -> None:
    users = [(await scim.create_user(f"u{i}@example.com"))["id"] for i in range(30)]
    group = await create_group(scim, "Big")

    added = await scim.request(
        "PATCH",
        f"/Groups/{group['id']}",
        patch({"op": "add", "path": "members", "value": [{"value": u} for u in users]}),
    )

    assert added.status_code == 200, added.text
    assert {m["value"] for m in added.json()["members"]} == set(users)
    assert added.json()["meta"]["version"] != group["meta"]["version"]
    trail = await _events(sessions, group["id"])
    assert [(action, actor) for action, actor, _ in trail] == [
        ("group.create", "scim"),
        ("group.add_member", "scim"),
    ]
    assert trail[1][2] == {"user_ids": users}


async def test_patch_adds_removes_and_replaces_with_and_without_paths(scim: Scim) -> None:
    a, b, c = [(await scim.create_user(f"{n}@example.com"))["id"] for n in "abc"]
    group = await create_group(scim, "Team", a, b)
    gid = group["id"]

    async def apply(*operations: dict[str, object]) -> set[str]:
        response = await scim.request("PATCH", f"/Groups/{gid}", patch(*operations))
        assert response.status_code == 200, response.text
        return {m["value"] for m in response.json().get("members", [])}

    assert await apply({"op": "remove", "path": f'members[value eq "{a}"]'}) == {b}
    assert await apply({"op": "add", "value": {"members": [{"value": c}]}}) == {b, c}
    assert await apply({"op": "replace", "path": "members", "value": [{"value": a}]}) == {a}
    assert await apply({"op": "add", "path": "members", "value": [{"value": b}]}) == {a, b}
    assert (
        await apply({"op": "remove", "path": f'members[value eq "{a}" or value eq "{b}"]'}) == set()
    )
    # operations apply in order: added then removed leaves nothing to do
    assert await apply(
        {"op": "add", "path": "members", "value": [{"value": c}]},
        {"op": "remove", "path": f'members[value eq "{c}"]'},
        {"op": "add", "path": "members", "value": [{"value": a}]},
    ) == {a}
    assert await apply({"op": "remove", "path": "members"}) == set()
    renamed = await scim.request(
        "PATCH",
        f"/Groups/{gid}",
        patch({"op": "replace", "value": {"id": gid, "displayName": "Renamed", "externalId": "x"}}),
    )
    assert renamed.json()["displayName"] == "Renamed" and renamed.json()["externalId"] == "x"
    cleared = await scim.request(
        "PATCH", f"/Groups/{gid}", patch({"op": "remove", "path": "externalId"})
    )
    assert "externalId" not in cleared.json()


async def test_a_refused_member_leaves_the_whole_request_unwritten(
    scim: Scim, sessions: async_sessionmaker[AsyncSession]
) -> None:
    ann = (await scim.create_user("ann@example.com"))["id"]
    partner = await create_partner(sessions)
    elsewhere = await create_tenant(sessions, partner=partner)
    _token, secret = await create_scim_token(sessions, tenant=elsewhere)
    stranger = (await Scim(scim.http, elsewhere, secret).create_user("s@example.com"))["id"]
    group = await create_group(scim, "Team")

    for member, text in [
        (stranger, "no such user in the group's tenant"),
        ("usr_missing", "no such user"),
        ("nobody", "not a user or group id"),
        (group["id"], "cycle"),
    ]:
        response = await scim.request(
            "PATCH",
            f"/Groups/{group['id']}",
            patch(
                {"op": "replace", "path": "displayName", "value": "Changed"},
                {"op": "add", "path": "members", "value": [{"value": ann}, {"value": member}]},
            ),
        )
        assert response.status_code == 400, response.text
        assert response.json()["scimType"] == "invalidValue"
        assert text in response.json()["detail"]

    after = (await scim.request("GET", f"/Groups/{group['id']}")).json()
    assert after["displayName"] == "Team" and "members" not in after
    async with sessions() as session:
        rows = (await session.execute(select(GroupMember).where(GroupMember.user_id == ann))).all()
    assert rows == []


async def test_nesting_refuses_a_cycle(
    scim: Scim, sessions: async_sessionmaker[AsyncSession]
) -> None:
    outer = await create_group(scim, "Outer")
    inner = await create_group(scim, "Inner")
    nested = await scim.request(
        "PATCH",
        f"/Groups/{outer['id']}",
        patch({"op": "add", "path": "members", "value": [{"value": inner["id"]}]}),
    )
    looped = await scim.request(
        "PATCH",
        f"/Groups/{inner['id']}",
        patch({"op": "add", "path": "members", "value": [{"value": outer["id"]}]}),
    )

    assert nested.status_code == 200
    assert looped.status_code == 400 and "cycle" in looped.json()["detail"]
    async with sessions() as session:
        edges = (await session.execute(select(GroupNesting))).scalars().all()
    assert [(e.parent_group_id, e.child_group_id) for e in edges] == [(outer["id"], inner["id"])]


async def test_patch_refusals_name_the_problem(scim: Scim) -> None:
    group = await create_group(scim, "Team")
    path = f"/Groups/{group['id']}"
    cases = [
        (patch({"op": "remove"}), "noTarget"),
        (patch({"op": "replace", "path": "nickName", "value": "x"}), "invalidPath"),
        (patch({"op": "replace", "value": {"id": "grp_other"}}), "mutability"),
        (patch({"op": "remove", "path": "displayName"}), "mutability"),
        (patch({"op": "add", "path": 'members[value eq "x"]', "value": []}), "invalidPath"),
        (patch({"op": "remove", "path": 'members[display eq "x"]'}), "invalidFilter"),
        (patch({"op": "move", "path": "members"}), "invalidSyntax"),
        ({"Operations": [{"op": "add"}]}, "invalidSyntax"),
        (patch(*[{"op": "remove", "path": "externalId"}] * 1001), "tooMany"),
    ]
    for body, scim_type in cases:
        response = await scim.request("PATCH", path, body)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["scimType"] == scim_type, (body, response.text)


async def test_put_replaces_name_and_members_and_uniqueness_holds(scim: Scim) -> None:
    a, b = [(await scim.create_user(f"{n}@example.com"))["id"] for n in "ab"]
    group = await create_group(scim, "Team", a, externalId="t-1")
    await create_group(scim, "Other", externalId="o-1")

    body = {"schemas": [GROUP_SCHEMA], "displayName": "Crew", "members": [{"value": b}]}
    replaced = await scim.request("PUT", f"/Groups/{group['id']}", body)
    taken_name = await scim.request(
        "PUT", f"/Groups/{group['id']}", {**body, "displayName": "Other"}
    )
    taken_id = await scim.request(
        "POST", "/Groups", {"schemas": [GROUP_SCHEMA], "displayName": "New", "externalId": "o-1"}
    )

    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["displayName"] == "Crew"
    assert "externalId" not in replaced.json()
    assert await _members(scim, group["id"]) == {b}
    for response in (taken_name, taken_id):
        assert response.status_code == 409, response.text
        assert response.json()["scimType"] == "uniqueness"


async def test_delete_and_a_stale_if_match(scim: Scim) -> None:
    group = await create_group(scim, "Team")
    stale = group["meta"]["version"]
    renamed = await scim.request(
        "PATCH",
        f"/Groups/{group['id']}",
        patch({"op": "replace", "path": "displayName", "value": "Crew"}),
        If_Match=stale,
    )
    refused = await scim.request("DELETE", f"/Groups/{group['id']}", If_Match=stale)
    deleted = await scim.request(
        "DELETE", f"/Groups/{group['id']}", If_Match=renamed.json()["meta"]["version"]
    )
    read = await scim.request("GET", f"/Groups/{group['id']}")

    assert renamed.status_code == 200
    assert refused.status_code == 412
    assert deleted.status_code == 204
    assert read.status_code == 404
