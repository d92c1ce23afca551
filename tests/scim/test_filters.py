"""SCIM filters compile into SQL through resolvers/listing; sort, pages and attributes."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.factories import create_partner, create_tenant
from tests.factories_scim import create_scim_token
from tests.scim.conftest import Scim


@pytest.fixture
async def people(scim: Scim) -> dict[str, str]:
    ids = {}
    for user_name, given, family, external_id in [
        ("ann@example.com", "Ann", "Smith", "e-1"),
        ("bob@example.com", "Bob", "Jones", None),
        ("carla@corp.example.org", "Carla", None, "e-3"),
    ]:
        name = {"givenName": given, **({"familyName": family} if family else {})}
        extra = {"externalId": external_id} if external_id else {}
        ids[user_name] = (await scim.create_user(user_name, name=name, **extra))["id"]
    await scim.request(
        "PATCH",
        f"/Users/{ids['bob@example.com']}",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "value": {"active": False}}],
        },
    )
    return ids


async def _names(scim: Scim, query: str) -> list[str]:
    response = await scim.request("GET", f"/Users?{query}")
    assert response.status_code == 200, response.text
    return [user["userName"] for user in response.json()["Resources"]]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('userName eq "ANN@example.com"', ["ann@example.com"]),
        ('userName ne "ann@example.com"', ["bob@example.com", "carla@corp.example.org"]),
        ('userName co "corp"', ["carla@corp.example.org"]),
        ('userName sw "b"', ["bob@example.com"]),
        ('userName ew "example.com"', ["ann@example.com", "bob@example.com"]),
        ("name.familyName pr", ["ann@example.com", "bob@example.com"]),
        ("not (name.familyName pr)", ["carla@corp.example.org"]),
        ("active eq false", ["bob@example.com"]),
        (
            'externalId eq "e-3" or name.givenName eq "Bob"',
            ["bob@example.com", "carla@corp.example.org"],
        ),
        (
            'active eq true and (userName sw "a" or userName sw "c")',
            ["ann@example.com", "carla@corp.example.org"],
        ),
        ('emails[type eq "work" and value co "corp"]', ["carla@corp.example.org"]),
        ('emails[type eq "home"]', []),
        (
            'meta.lastModified gt "2000-01-01T00:00:00Z"',
            ["ann@example.com", "bob@example.com", "carla@corp.example.org"],
        ),
        ('meta.created lt "2000-01-01T00:00:00Z"', []),
    ],
)
async def test_each_operator(
    scim: Scim, people: dict[str, str], expression: str, expected: list[str]
) -> None:
    assert await _names(scim, f"filter={quote(expression)}&sortBy=userName") == expected


@pytest.mark.parametrize(
    "expression",
    [
        "userName eq",
        'title eq "x"',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "R"',
        'userName gt "a"',
        'meta.created gt "yesterday"',
    ],
)
async def test_filters_that_cannot_run_are_invalid_filter(
    scim: Scim, people: dict[str, str], expression: str
) -> None:
    response = await scim.request("GET", f"/Users?filter={quote(expression)}")

    assert response.status_code == 400, response.text
    assert response.json()["scimType"] == "invalidFilter"


async def test_sort_pages_and_attributes(scim: Scim, people: dict[str, str]) -> None:
    response = await scim.request(
        "GET",
        "/Users?sortBy=name.givenName&sortOrder=descending&startIndex=2&count=1&attributes=userName",
    )

    body = response.json()
    assert body["totalResults"] == 3 and body["startIndex"] == 2 and body["itemsPerPage"] == 1
    assert body["Resources"] == [
        {
            "schemas": body["Resources"][0]["schemas"],
            "id": people["bob@example.com"],
            "userName": "bob@example.com",
        }
    ]


async def test_another_tenants_users_never_match(
    scim: Scim, people: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    # given a user of another tenant
    other = await create_tenant(sessions, partner=await create_partner(sessions))
    _token, secret = await create_scim_token(sessions, tenant=other)
    await Scim(scim.http, other, secret).create_user("dan@example.com")

    # scoping is ANDed to the filter: an `or` cannot widen it
    names = await _names(scim, f"filter={quote('userName pr or not (userName pr)')}")

    assert sorted(names) == sorted(people)
