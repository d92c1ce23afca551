"""SCIM Users over the tenant's base, through the same resolvers as GraphQL and REST."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import AuditEvent, User
from tests.scim.conftest import PATCH_SCHEMA, SCIM_JSON, USER_SCHEMA, Scim

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


async def test_a_created_user_reads_back_in_the_scim_shape(scim: Scim) -> None:
    # when a user is created with a name, an external id and the enterprise extension
    created = await scim.create_user(
        "Ann.Smith@Example.com",
        externalId="okta-1",
        name={"givenName": "Ann", "familyName": "Smith"},
        displayName="Ann Smith",
        schemas=[USER_SCHEMA, ENTERPRISE],
        **{ENTERPRISE: {"employeeNumber": "42", "department": "Research"}},
    )

    # then it reads back as created, with meta and an ETag
    response = await scim.request("GET", f"/Users/{created['id']}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(SCIM_JSON)
    user = response.json()
    assert user["userName"] == "ann.smith@example.com"
    assert user["externalId"] == "okta-1"
    assert user["name"] == {"givenName": "Ann", "familyName": "Smith"}
    assert user["active"] is True
    assert user["emails"] == [{"value": "ann.smith@example.com", "type": "work", "primary": True}]
    assert user[ENTERPRISE] == {"employeeNumber": "42", "department": "Research"}
    assert user["meta"]["resourceType"] == "User"
    assert user["meta"]["location"].endswith(f"{scim.base}/Users/{created['id']}")
    assert response.headers["etag"] == user["meta"]["version"]


async def test_a_duplicate_user_name_or_external_id_is_a_uniqueness_conflict(scim: Scim) -> None:
    await scim.create_user("ann@example.com", externalId="x-1")

    by_name = await scim.request(
        "POST", "/Users", {"schemas": [USER_SCHEMA], "userName": "ANN@example.com"}
    )
    by_external_id = await scim.request(
        "POST",
        "/Users",
        {"schemas": [USER_SCHEMA], "userName": "bob@example.com", "externalId": "x-1"},
    )

    for response in (by_name, by_external_id):
        assert response.status_code == 409, response.text
        assert response.json()["scimType"] == "uniqueness"
        assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]


async def test_bad_values_are_refused_by_the_same_validation(scim: Scim) -> None:
    not_an_email = await scim.request(
        "POST", "/Users", {"schemas": [USER_SCHEMA], "userName": "not-an-email"}
    )
    control = await scim.request(
        "POST",
        "/Users",
        {"schemas": [USER_SCHEMA], "userName": "c@example.com", "displayName": "a\u0000b"},
    )

    assert not_an_email.status_code == 400
    assert not_an_email.json()["scimType"] == "invalidValue"
    assert "email" in not_an_email.json()["detail"]
    assert control.status_code == 400, control.text


async def test_entra_deactivates_with_a_capitalised_op_and_a_string_false(
    scim: Scim, sessions: async_sessionmaker[AsyncSession]
) -> None:
    created = await scim.create_user("ann@example.com")

    response = await scim.request(
        "PATCH",
        f"/Users/{created['id']}",
        {
            "schemas": [PATCH_SCHEMA],
            "Operations": [{"op": "Replace", "path": "active", "value": "False"}],
        },
    )

    assert response.status_code == 200, response.text
    assert response.json()["active"] is False
    async with sessions() as session:
        user = await session.get(User, created["id"])
        events = (
            await session.execute(select(AuditEvent).where(AuditEvent.resource_id == created["id"]))
        ).scalars()
        recorded = {(e.action, e.actor_type) for e in events}
    assert user is not None and user.status == "disabled"
    assert ("user.update", "scim") in recorded
    assert ("user.create", "scim") in recorded


async def test_put_replaces_and_a_stale_if_match_is_412(scim: Scim) -> None:
    created = await scim.create_user("ann@example.com", displayName="Ann")
    stale = created["meta"]["version"]
    body = {"schemas": [USER_SCHEMA], "userName": "ann@example.com", "displayName": "Ann B"}

    replaced = await scim.request("PUT", f"/Users/{created['id']}", body, If_Match=stale)
    again = await scim.request("PUT", f"/Users/{created['id']}", body, If_Match=stale)

    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["displayName"] == "Ann B"
    assert replaced.json()["meta"]["version"] != stale
    assert again.status_code == 412


async def test_delete_then_the_user_is_gone(scim: Scim) -> None:
    created = await scim.create_user("ann@example.com")

    deleted = await scim.request("DELETE", f"/Users/{created['id']}")
    read = await scim.request("GET", f"/Users/{created['id']}")

    assert deleted.status_code == 204
    assert read.status_code == 404
    assert read.json()["status"] == "404"


async def test_discovery_documents(scim: Scim) -> None:
    config = await scim.request("GET", "/ServiceProviderConfig")
    types = await scim.request("GET", "/ResourceTypes")
    schemas = await scim.request("GET", "/Schemas")

    assert config.status_code == 200
    assert config.json()["patch"]["supported"] is True
    assert config.json()["filter"] == {"supported": True, "maxResults": 100}
    assert [t["name"] for t in types.json()["Resources"]] == ["User"]
    ids = {s["id"] for s in schemas.json()["Resources"]}
    assert ids == {USER_SCHEMA, ENTERPRISE}
