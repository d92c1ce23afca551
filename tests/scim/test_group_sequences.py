"""The group sequences Okta and Entra ID publish, replayed as they send them.

Okta: create the group with its members, rename with PATCH `replace` carrying `id` and
`displayName`, add and remove members with PATCH (`members[value eq "…"]` to remove), and,
for "push groups" updates, PUT with the full member list. Entra ID: look the group up by
`displayName`, create it without members, then PATCH with capitalised `Add` / `Remove` ops
whose `value` is an array of `{"value": id}`, and `Replace` of `displayName`.
"""

from __future__ import annotations

from urllib.parse import quote

from tests.scim.conftest import GROUP_SCHEMA, Scim, patch


async def _members(scim: Scim, group_id: str) -> set[str]:
    response = await scim.request("GET", f"/Groups/{group_id}")
    return {m["value"] for m in response.json().get("members", [])}


async def test_okta_group_sequence(scim: Scim) -> None:
    a, b, c = [(await scim.create_user(f"{n}@example.com"))["id"] for n in "abc"]
    created = await scim.request(
        "POST",
        "/Groups",
        {"schemas": [GROUP_SCHEMA], "displayName": "Test SCIMv2", "members": [{"value": a}]},
    )
    assert created.status_code == 201, created.text
    gid = created.json()["id"]

    renamed = await scim.request(
        "PATCH",
        f"/Groups/{gid}",
        patch({"op": "replace", "value": {"id": gid, "displayName": "Test SCIMv2 renamed"}}),
    )
    added = await scim.request(
        "PATCH",
        f"/Groups/{gid}",
        patch({"op": "add", "path": "members", "value": [{"value": b, "display": "b"}]}),
    )
    removed = await scim.request(
        "PATCH", f"/Groups/{gid}", patch({"op": "remove", "path": f'members[value eq "{a}"]'})
    )
    assert [r.status_code for r in (renamed, added, removed)] == [200, 200, 200]
    assert renamed.json()["displayName"] == "Test SCIMv2 renamed"
    assert await _members(scim, gid) == {b}

    pushed = await scim.request(
        "PUT",
        f"/Groups/{gid}",
        {
            "schemas": [GROUP_SCHEMA],
            "id": gid,
            "displayName": "Test SCIMv2 renamed",
            "members": [{"value": a}, {"value": c}],
        },
    )
    assert pushed.status_code == 200, pushed.text
    assert await _members(scim, gid) == {a, c}
    assert (await scim.request("DELETE", f"/Groups/{gid}")).status_code == 204


async def test_entra_group_sequence(scim: Scim) -> None:
    a, b = [(await scim.create_user(f"{n}@contoso.example"))["id"] for n in "ab"]
    by_name = quote('displayName eq "Group1DisplayName"')
    lookup = f"/Groups?filter={by_name}&excludedAttributes=members"
    assert (await scim.request("GET", lookup)).json()["totalResults"] == 0
    created = await scim.request(
        "POST",
        "/Groups",
        {
            "schemas": [GROUP_SCHEMA],
            "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
            "displayName": "Group1DisplayName",
            "members": [],
        },
    )
    assert created.status_code == 201, created.text
    gid = created.json()["id"]
    found = (await scim.request("GET", lookup)).json()
    assert [g["id"] for g in found["Resources"]] == [gid]

    add = patch(
        {"op": "Add", "path": "members", "value": [{"$ref": None, "value": a}, {"value": b}]}
    )
    remove = patch({"op": "Remove", "path": "members", "value": [{"$ref": None, "value": a}]})
    rename = patch({"op": "Replace", "path": "displayName", "value": "1879db59-3bdf-4490"})
    for body, members in ((add, {a, b}), (remove, {b}), (rename, {b})):
        response = await scim.request("PATCH", f"/Groups/{gid}", body)
        assert response.status_code == 200, response.text
        assert await _members(scim, gid) == members
    final = (await scim.request("GET", f"/Groups/{gid}")).json()
    assert final["displayName"] == "1879db59-3bdf-4490"
    holding = quote(f'members[value eq "{b}"]')
    by_member = await scim.request("GET", f"/Groups?filter={holding}&excludedAttributes=members")
    assert [g["id"] for g in by_member.json()["Resources"]] == [gid]
