"""The request sequences Okta and Entra ID publish for provisioning, replayed as they send them.

Okta: look the user up by `userName` before creating it, create, read, update with PUT,
deactivate with PATCH `active: false` (never DELETE), and retry a create that it did not see
answered. Entra ID: look up by `userName`, create, PATCH with capitalised ops and booleans as
strings, several operations in one request, then disable.
"""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import SsoSession, User
from tests.factories_sessions import create_session
from tests.scim.conftest import PATCH_SCHEMA, USER_SCHEMA, Scim


async def test_okta_sequence(scim: Scim, sessions: async_sessionmaker[AsyncSession]) -> None:
    by_name = quote('userName eq "dana@example.com"')
    lookup = f"/Users?filter={by_name}&startIndex=1&count=100"
    user = {
        "schemas": [USER_SCHEMA],
        "userName": "dana@example.com",
        "name": {"givenName": "Dana", "familyName": "Lee"},
        "emails": [{"primary": True, "value": "dana@example.com", "type": "work"}],
        "displayName": "Dana Lee",
        "active": True,
        "externalId": "00u1okta",
    }

    # the lookup finds nobody, so Okta creates; a retried create is a uniqueness conflict
    assert (await scim.request("GET", lookup)).json()["totalResults"] == 0
    created = await scim.request("POST", "/Users", user)
    retried = await scim.request("POST", "/Users", user)
    assert created.status_code == 201 and retried.status_code == 409
    user_id = created.json()["id"]
    found = (await scim.request("GET", lookup)).json()
    assert found["totalResults"] == 1 and found["Resources"][0]["id"] == user_id

    # update with PUT
    renamed = await scim.request(
        "PUT",
        f"/Users/{user_id}",
        {**user, "id": user_id, "name": {"givenName": "Dana", "familyName": "Park"}},
    )
    assert renamed.status_code == 200 and renamed.json()["name"]["familyName"] == "Park"

    # deactivate: PATCH active false ends the user's sessions, the user stays
    async with sessions() as session:
        row = await session.get(User, user_id)
    assert row is not None
    live = await create_session(sessions, user=row, partner_id=scim.tenant.partner_id)
    deactivated = await scim.request(
        "PATCH",
        f"/Users/{user_id}",
        {"schemas": [PATCH_SCHEMA], "Operations": [{"op": "replace", "value": {"active": False}}]},
    )
    assert deactivated.status_code == 200 and deactivated.json()["active"] is False
    async with sessions() as session:
        ended = await session.get(SsoSession, live.id)
    assert ended is not None and ended.revoked_reason == "user_disabled"

    # reactivate
    again = await scim.request(
        "PATCH",
        f"/Users/{user_id}",
        {"schemas": [PATCH_SCHEMA], "Operations": [{"op": "replace", "value": {"active": True}}]},
    )
    assert again.json()["active"] is True


async def test_entra_sequence(scim: Scim) -> None:
    by_name = quote('userName eq "eve@contoso.example"')
    lookup = f"/Users?filter={by_name}"
    assert (await scim.request("GET", lookup)).json()["Resources"] == []
    created = await scim.create_user(
        "eve@contoso.example",
        active="True",
        externalId="eve",
        name={"givenName": "Eve", "familyName": "Adams"},
    )
    assert created["active"] is True

    patched = await scim.request(
        "PATCH",
        f"/Users/{created['id']}",
        {
            "schemas": [PATCH_SCHEMA],
            "Operations": [
                {"op": "Replace", "path": "displayName", "value": "Eve A."},
                {"op": "Add", "path": "name.familyName", "value": "Adams-Baker"},
                {"op": "Replace", "path": "externalId", "value": "eve-2"},
            ],
        },
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["displayName"] == "Eve A."
    assert patched.json()["name"]["familyName"] == "Adams-Baker"
    assert patched.json()["externalId"] == "eve-2"

    disabled = await scim.request(
        "PATCH",
        f"/Users/{created['id']}",
        {
            "schemas": [PATCH_SCHEMA],
            "Operations": [{"op": "Replace", "path": "active", "value": "False"}],
        },
    )
    assert disabled.json()["active"] is False
    removed = await scim.request(
        "PATCH",
        f"/Users/{created['id']}",
        {"schemas": [PATCH_SCHEMA], "Operations": [{"op": "Remove", "path": "displayName"}]},
    )
    assert "displayName" not in removed.json()
