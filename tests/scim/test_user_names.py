"""A userName that is not an e-mail address (a login name, a UPN that is not a mailbox): kept
as sent beside the e-mail `emails` gives, looked up, unique, and refused without an e-mail."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from tests.scim.conftest import Scim, patch


def _work(email: str) -> list[dict[str, Any]]:
    return [{"value": email, "type": "work", "primary": True}]


async def _find(scim: Scim, condition: str) -> list[str]:
    response = await scim.request("GET", "/Users?filter=" + quote(condition))
    assert response.status_code == 200, response.text
    return sorted(user["userName"] for user in response.json()["Resources"])


async def test_a_login_name_is_kept_and_the_e_mail_comes_from_emails(scim: Scim) -> None:
    created = await scim.create_user("JDoe", emails=_work("John.Doe@Example.com"))

    assert created["userName"] == "jdoe"  # not case-exact (RFC 7643): kept lowercased
    assert created["emails"] == [{"value": "john.doe@example.com", "type": "work", "primary": True}]
    read = (await scim.request("GET", f"/Users/{created['id']}")).json()
    assert read["userName"] == "jdoe"


async def test_user_name_filters_read_the_login_name_or_else_the_e_mail(scim: Scim) -> None:
    await scim.create_user("jdoe", emails=_work("john@example.com"))
    await scim.create_user("ann@example.com")

    assert await _find(scim, 'userName eq "JDOE"') == ["jdoe"]
    assert await _find(scim, 'userName eq "ann@example.com"') == ["ann@example.com"]
    # john's userName is not his e-mail: a look-up by it does not find him, by emails does
    assert await _find(scim, 'userName eq "john@example.com"') == []
    assert await _find(scim, 'emails.value eq "john@example.com"') == ["jdoe"]
    assert await _find(scim, 'userName sw "j"') == ["jdoe"]
    assert await _find(scim, 'userName co "example"') == ["ann@example.com"]
    assert await _find(scim, 'userName ne "jdoe"') == ["ann@example.com"]
    assert await _find(scim, "userName pr") == ["ann@example.com", "jdoe"]


async def test_a_login_name_without_an_e_mail_is_refused(scim: Scim) -> None:
    body = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "jdoe"}
    response = await scim.request("POST", "/Users", body)

    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidValue"
    assert "emails" in response.json()["detail"]


async def test_a_login_name_is_unique_in_the_tenant(scim: Scim) -> None:
    await scim.create_user("jdoe", emails=_work("john@example.com"))
    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "JDOE",
        "emails": _work("other@example.com"),
    }
    response = await scim.request("POST", "/Users", body)

    assert response.status_code == 409, response.text
    assert response.json()["scimType"] == "uniqueness"


async def test_replacing_the_user_name_by_an_e_mail_makes_it_the_e_mail_again(
    scim: Scim,
) -> None:
    created = await scim.create_user("jdoe", emails=_work("john@example.com"))
    renamed = await scim.request(
        "PATCH",
        f"/Users/{created['id']}",
        patch({"op": "replace", "path": "userName", "value": "johnny@example.com"}),
    )

    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["userName"] == "johnny@example.com"
    assert renamed.json()["emails"][0]["value"] == "johnny@example.com"
    assert await _find(scim, 'userName eq "jdoe"') == []


async def test_removing_active_is_refused(scim: Scim) -> None:
    created = await scim.create_user("ann@example.com")
    response = await scim.request(
        "PATCH", f"/Users/{created['id']}", patch({"op": "remove", "path": "active"})
    )

    assert response.status_code == 400
    assert response.json()["scimType"] == "mutability"
    read = (await scim.request("GET", f"/Users/{created['id']}")).json()
    assert read["active"] is True


async def test_one_search_over_every_type_is_not_implemented(scim: Scim) -> None:
    response = await scim.request("POST", "/.search", {"filter": "userName pr"})

    assert response.status_code == 501
    assert response.json()["status"] == "501"


async def test_the_schemas_offer_what_a_user_keeps(scim: Scim) -> None:
    response = await scim.request("GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User")
    attributes = {a["name"]: a for a in response.json()["attributes"]}

    assert set(attributes) == {"userName", "name", "displayName", "active", "emails", "groups"}
    emails = {sub["name"]: sub for sub in attributes["emails"]["subAttributes"]}
    assert attributes["emails"]["required"] is True and emails["value"]["required"] is True
    assert emails["type"]["canonicalValues"] == ["work"]
    assert emails["primary"]["mutability"] == "readOnly"
    name = {sub["name"] for sub in attributes["name"]["subAttributes"]}
    assert name == {"givenName", "familyName"}
