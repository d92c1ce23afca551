"""Filters and search compiled into SQL (resolvers.listing) and run on a real database:
every operator of every kind, and/or/not, to-many `some`/`none`, the caller's scope ANDed
in, and the refusals naming their path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.principals import Principal, Role
from db.enums import UserStatus
from resolvers import resources
from resolvers.errors import BadInput
from resolvers.listing import Listing, limits, select_listed
from resolvers.resources import Resource
from tests.factories import create_group, create_partner, create_tenant, create_user
from tests.factories_identity import create_agent

Sessions = async_sessionmaker[AsyncSession]
SUPER = Principal(role=Role.SUPER_ADMIN, subject="usr_super")
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


async def listed(
    sessions: Sessions,
    resource: Resource,
    listing: Listing,
    principal: Principal = SUPER,
) -> list[str]:
    statement = select_listed(resource, principal, listing).order_by(resource.table.c.id)
    async with sessions() as session:
        return [row.id for row in await session.execute(statement)]


@pytest.fixture
async def world(sessions: Sessions, db: None) -> dict[str, Any]:
    partner = await create_partner(sessions)
    tenant = await create_tenant(sessions, partner=partner)
    other = await create_tenant(sessions, partner=partner)
    ann = await create_user(
        sessions,
        tenant=tenant,
        email="ann@example.com",
        display_name="Ann",
        first_name="Ann",
        status="active",
        admin_role="tenant_admin",
        password_changed_at=T0,
    )
    bob = await create_user(
        sessions,
        tenant=tenant,
        email="bob@example.com",
        status="disabled",
        mfa_enabled=True,
        password_changed_at=T0 + timedelta(days=1),
    )
    jo = await create_user(
        sessions, tenant=tenant, email="Joanna_50%@Example.org", display_name="Jo", status="locked"
    )
    elsewhere = await create_user(sessions, tenant=other, email="ann@elsewhere.com")
    admins = await create_group(sessions, tenant=tenant, name="Admins", members=(ann, bob))
    await create_group(sessions, tenant=tenant, name="Readers", members=(bob,))
    await create_group(sessions, tenant=other, name="Admins", members=(elsewhere,))
    return {
        "tenant": tenant,
        "other": other,
        "ann": ann.id,
        "bob": bob.id,
        "jo": jo.id,
        "elsewhere": elsewhere.id,
        "admins": admins.id,
        "tenant_admin": Principal(
            role=Role.TENANT_ADMIN, subject="usr_t", partner_id=partner.id, tenant_id=tenant.id
        ),
    }


def users(world: dict[str, Any], *names: str) -> list[str]:
    return sorted(world[name] for name in names)


STRING_CASES = [
    ({"email": {"eq": "ann@example.com"}}, ["ann"]),
    ({"email": {"ne": "ann@example.com"}}, ["bob", "jo", "elsewhere"]),
    ({"email": {"in": ["ann@example.com", "bob@example.com"]}}, ["ann", "bob"]),
    ({"email": {"notIn": ["ann@example.com"]}}, ["bob", "jo", "elsewhere"]),
    ({"email": {"contains": "ANN"}}, ["ann", "jo", "elsewhere"]),
    ({"email": {"contains": "_50%"}}, ["jo"]),  # wildcards match themselves
    ({"email": {"startsWith": "Jo"}}, ["jo"]),
    ({"email": {"endsWith": ".ORG"}}, ["jo"]),
    # `ne`, `notIn` keep nulls; the other operators never match one
    ({"displayName": {"ne": "Ann"}}, ["bob", "jo", "elsewhere"]),
    ({"displayName": {"notIn": ["Jo"]}}, ["ann", "bob", "elsewhere"]),
    ({"displayName": {"contains": "o"}}, ["jo"]),
    ({"displayName": {"isNull": True}}, ["bob", "elsewhere"]),
    ({"displayName": {"isNull": False}}, ["ann", "jo"]),
    ({"email": {"isNull": True}}, []),
    ({"email": {"in": []}}, []),
    ({"email": {"notIn": []}}, ["ann", "bob", "jo", "elsewhere"]),
]


@pytest.mark.parametrize(("filter_", "expected"), STRING_CASES)
async def test_string_operators(
    sessions: Sessions, world: dict[str, Any], filter_: dict[str, Any], expected: list[str]
) -> None:
    found = await listed(sessions, resources.USER, Listing(filter=filter_))
    assert found == users(world, *expected)


OTHER_KIND_CASES = [
    # ID
    (lambda w: {"tenantId": {"eq": w["other"].id}}, ["elsewhere"]),
    (lambda w: {"tenantId": {"ne": w["other"].id}}, ["ann", "bob", "jo"]),
    (lambda w: {"id": {"in": [w["ann"], w["jo"]]}}, ["ann", "jo"]),
    (lambda w: {"id": {"notIn": [w["ann"], w["jo"]]}}, ["bob", "elsewhere"]),
    (lambda w: {"id": {"isNull": False}}, ["ann", "bob", "jo", "elsewhere"]),
    # DateTime
    (lambda w: {"passwordChangedAt": {"eq": T0}}, ["ann"]),
    (lambda w: {"passwordChangedAt": {"lt": T0 + timedelta(days=1)}}, ["ann"]),
    (lambda w: {"passwordChangedAt": {"lte": T0 + timedelta(days=1)}}, ["ann", "bob"]),
    (lambda w: {"passwordChangedAt": {"gt": T0}}, ["bob"]),
    (lambda w: {"passwordChangedAt": {"gte": T0}}, ["ann", "bob"]),
    (lambda w: {"passwordChangedAt": {"isNull": True}}, ["jo", "elsewhere"]),
    # Boolean
    (lambda w: {"mfaEnabled": {"eq": True}}, ["bob"]),
    (lambda w: {"mfaEnabled": {"eq": False}}, ["ann", "jo", "elsewhere"]),
    (lambda w: {"mfaEnabled": {"isNull": True}}, []),
    # Enum, by member or by name
    (lambda w: {"status": {"eq": UserStatus.DISABLED}}, ["bob"]),
    (lambda w: {"status": {"ne": "ACTIVE"}}, ["bob", "jo"]),
    (lambda w: {"status": {"in": ["LOCKED", UserStatus.DISABLED]}}, ["bob", "jo"]),
    (lambda w: {"status": {"notIn": ["ACTIVE"]}}, ["bob", "jo"]),
    (lambda w: {"adminRole": {"ne": "TENANT_ADMIN"}}, ["bob", "jo", "elsewhere"]),
]


@pytest.mark.parametrize(("make", "expected"), OTHER_KIND_CASES)
async def test_id_datetime_boolean_and_enum_operators(
    sessions: Sessions, world: dict[str, Any], make: Any, expected: list[str]
) -> None:
    found = await listed(sessions, resources.USER, Listing(filter=make(world)))
    assert found == users(world, *expected)


async def test_int_operators(sessions: Sessions, world: dict[str, Any]) -> None:
    slow = await create_agent(sessions, tenant=world["tenant"], rate_limit_rpm=10)
    fast = await create_agent(sessions, tenant=world["tenant"], rate_limit_rpm=100)
    cases = {
        "eq": (10, [slow]),
        "ne": (10, [fast]),
        "lt": (100, [slow]),
        "lte": (100, [slow, fast]),
        "gt": (10, [fast]),
        "gte": (10, [slow, fast]),
        "in": ([100, 7], [fast]),
    }
    for operator, (value, expected) in cases.items():
        listing = Listing(filter={"rateLimitRpm": {operator: value}})
        assert await listed(sessions, resources.AGENT, listing) == sorted(a.id for a in expected)


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        ({"or": [{"status": {"eq": "LOCKED"}}, {"mfaEnabled": {"eq": True}}]}, ["bob", "jo"]),
        ({"and": [{"email": {"contains": "ann"}}, {"displayName": {"eq": "Ann"}}]}, ["ann"]),
        # `not` is the exact complement, nulls included
        ({"not": {"displayName": {"eq": "Ann"}}}, ["bob", "jo", "elsewhere"]),
        ({"not": {"displayName": {"ne": "Ann"}}}, ["ann"]),
        ({"not": {"or": [{"status": {"eq": "ACTIVE"}}]}}, ["bob", "jo"]),
        ({"and": [], "or": [{"id": {"in": []}}]}, []),
        ({"and": []}, ["ann", "bob", "jo", "elsewhere"]),
        ({"email": None, "not": None}, ["ann", "bob", "jo", "elsewhere"]),
        # fields of one filter and operators of one field are ANDed
        (
            {"email": {"contains": "ann", "endsWith": ".com"}, "status": {"eq": "ACTIVE"}},
            ["ann", "elsewhere"],
        ),
    ],
)
async def test_and_or_not(
    sessions: Sessions, world: dict[str, Any], filter_: dict[str, Any], expected: list[str]
) -> None:
    found = await listed(sessions, resources.USER, Listing(filter=filter_))
    assert found == users(world, *expected)


async def test_some_and_none_over_a_link(sessions: Sessions, world: dict[str, Any]) -> None:
    some = Listing(filter={"groups": {"some": {"name": {"eq": "Admins"}}}})
    none = Listing(filter={"groups": {"none": {"name": {"eq": "Admins"}}}})
    anything = Listing(filter={"groups": {"some": {}}})

    assert await listed(sessions, resources.USER, some) == users(world, "ann", "bob", "elsewhere")
    assert await listed(sessions, resources.USER, none) == users(world, "jo")
    assert await listed(sessions, resources.USER, anything) == users(
        world, "ann", "bob", "elsewhere"
    )


async def test_some_over_a_foreign_key_and_a_group_to_group_link(
    sessions: Sessions, world: dict[str, Any]
) -> None:
    with_ann = Listing(filter={"users": {"some": {"email": {"startsWith": "ann@"}}}})
    tenants = await listed(sessions, resources.TENANT, with_ann)
    assert tenants == sorted([world["tenant"].id, world["other"].id])

    members_of_admins = Listing(filter={"members": {"some": {"id": {"eq": world["jo"]}}}})
    assert await listed(sessions, resources.GROUP, members_of_admins) == []


async def test_related_rows_are_read_within_the_callers_scope(
    sessions: Sessions, world: dict[str, Any]
) -> None:
    """A tenant admin's `some` cannot see another tenant's rows, so it cannot probe them."""
    principal = world["tenant_admin"]
    ann = Listing(filter={"users": {"some": {"email": {"eq": "ann@elsewhere.com"}}}})
    probe_all = await listed(sessions, resources.TENANT, ann, principal)
    everyone = await listed(sessions, resources.USER, Listing(), principal)

    assert probe_all == []
    assert everyone == users(world, "ann", "bob", "jo")
    # an `or` cannot widen the scope either
    widened = Listing(filter={"or": [{"tenantId": {"eq": world["other"].id}}, {"and": []}]})
    assert await listed(sessions, resources.USER, widened, principal) == everyone


async def test_deleted_rows_are_never_listed(sessions: Sessions, world: dict[str, Any]) -> None:
    async with sessions() as session, session.begin():
        table = resources.USER.table
        await session.execute(
            table.update().where(table.c.id == world["bob"]).values(deleted_at=T0)
        )
    found = await listed(sessions, resources.USER, Listing(filter={"mfaEnabled": {"eq": True}}))
    assert found == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ANN", ["ann", "jo", "elsewhere"]),  # e-mail, display or first name
        ("jo", ["jo"]),
        ("  ", ["ann", "bob", "jo", "elsewhere"]),
        ("%", ["jo"]),
        ("nobody", []),
    ],
)
async def test_search(
    sessions: Sessions, world: dict[str, Any], text: str, expected: list[str]
) -> None:
    assert await listed(sessions, resources.USER, Listing(search=text)) == users(world, *expected)


def _refusal(resource: Resource, listing: Listing) -> BadInput:
    with pytest.raises(BadInput) as raised:
        select_listed(resource, SUPER, listing)
    return raised.value


@pytest.mark.parametrize(
    ("filter_", "field", "words"),
    [
        ({"password": {"eq": "x"}}, "filter.password", "is not a filter of User"),
        ({"email": {"lt": "x"}}, "filter.email.lt", "is not an operator of StringFilter"),
        ({"status": {"contains": "x"}}, "filter.status.contains", "UserStatusFilter"),
        ({"status": {"eq": "asleep"}}, "filter.status.eq", "must be one of ACTIVE"),
        ({"mfaEnabled": {"eq": "yes"}}, "filter.mfaEnabled.eq", "must be a Boolean"),
        ({"createdAt": {"lt": datetime(2024, 1, 1)}}, "filter.createdAt.lt", "time zone"),
        ({"email": "ann"}, "filter.email", "must be a StringFilter object"),
        ({"or": {"email": {"eq": "x"}}}, "filter.or", "must be a list"),
        (
            {"or": [{}, {}, {"email": {"in": ["x"] * (limits.MAX_IN_VALUES + 1)}}]},
            "filter.or[2].email.in",
            f"more than {limits.MAX_IN_VALUES} values",
        ),
        ({"groups": {"any": {}}}, "filter.groups.any", "(some, none)"),
        ({"email": {"eq": "x" * 321}}, "filter.email.eq", "longer than"),
    ],
)
def test_refusals_name_their_path(filter_: dict[str, Any], field: str, words: str) -> None:
    refusal = _refusal(resources.USER, Listing(filter=filter_))
    assert refusal.field == field
    assert words in refusal.message


def test_depth_and_clause_limits() -> None:
    deep: dict[str, Any] = {"email": {"eq": "x"}}
    for _ in range(limits.MAX_FILTER_DEPTH + 1):
        deep = {"not": deep}
    assert "nests deeper than" in _refusal(resources.USER, Listing(filter=deep)).message

    many = {"or": [{"email": {"eq": f"{i}"}} for i in range(limits.MAX_FILTER_CLAUSES + 1)]}
    refusal = _refusal(resources.USER, Listing(filter=many))
    assert refusal.field == f"filter.or[{limits.MAX_FILTER_CLAUSES}].email.eq"

    assert _refusal(resources.USER, Listing(search="x" * 321)).field == "search"
    assert "no searchable fields" in _refusal(resources.AUDIT_EVENT, Listing(search="x")).message
