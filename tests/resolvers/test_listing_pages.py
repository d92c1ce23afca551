"""Orders, keyset pages both ways and counts by group (resolvers.listing) on a real
database: NULLs last in both directions, ties broken by id, no row skipped or repeated while
rows are inserted and deleted, cursors bound to their order, and the refusals."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.principals import Principal, Role
from db.base import utcnow
from db.models import Tenant, User
from resolvers import resources
from resolvers.errors import BadInput
from resolvers.listing import Listing, Page, PageRequest, fetch_page, parse_order, select_listed
from resolvers.listing.grouping import (
    count_by_fields_statement,
    group_field_name,
    grouped_keys,
)
from resolvers.pagination import encode_cursor
from resolvers.resources import Resource
from tests.factories import create_partner, create_tenant, create_user
from tests.factories_audit import create_audit_event

Sessions = async_sessionmaker[AsyncSession]
SUPER = Principal(role=Role.SUPER_ADMIN, subject="usr_super")
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


class Reader:
    def __init__(self, sessions: Sessions) -> None:
        self.sessions = sessions

    def __call__(self) -> Any:
        return self.sessions()


async def page(
    sessions: Sessions,
    order_by: list[str] | None = None,
    resource: Resource = resources.USER,
    **relay: Any,
) -> Page:
    listing = Listing(order_by=order_by)
    request = PageRequest.from_relay(listing.order(resource), **relay)
    return await fetch_page(Reader(sessions), select_listed(resource, SUPER, listing), request)


@pytest.fixture
async def people(sessions: Sessions, db: None) -> dict[str, str]:
    """Display names with a tie (two "B") and two NULLs; ids in creation order."""
    partner = await create_partner(sessions)
    tenant = await create_tenant(sessions, partner=partner)
    made = {}
    for label, display in [
        ("b1", "B"),
        ("n1", None),
        ("a", "A"),
        ("c", "C"),
        ("b2", "B"),
        ("n2", None),
    ]:
        user = await create_user(
            sessions, tenant=tenant, email=f"{label}@example.com", display_name=display
        )
        made[label] = user.id
    return made


def labels(people: dict[str, str], rows: list[Any]) -> list[str]:
    by_id = {v: k for k, v in people.items()}
    return [by_id[row.id] for row in rows]


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        (None, ["b1", "n1", "a", "c", "b2", "n2"]),
        (["ID_DESC"], ["n2", "b2", "c", "a", "n1", "b1"]),
        (["DISPLAY_NAME_ASC"], ["a", "b1", "b2", "c", "n1", "n2"]),
        (["DISPLAY_NAME_DESC"], ["c", "b1", "b2", "a", "n1", "n2"]),
        (["DISPLAY_NAME_DESC", "ID_DESC"], ["c", "b2", "b1", "a", "n2", "n1"]),
        (["DISPLAY_NAME_ASC", "EMAIL_DESC"], ["a", "b2", "b1", "c", "n2", "n1"]),
    ],
)
async def test_orders_put_nulls_last_and_break_ties_by_id(
    sessions: Sessions, people: dict[str, str], order_by: list[str] | None, expected: list[str]
) -> None:
    assert labels(people, (await page(sessions, order_by)).rows) == expected


ORDERS = [
    None,
    ["ID_DESC"],
    ["DISPLAY_NAME_ASC"],
    ["DISPLAY_NAME_DESC"],
    ["DISPLAY_NAME_DESC", "EMAIL_ASC"],
]


@pytest.mark.parametrize("order_by", ORDERS)
async def test_paging_forwards_and_backwards_visits_every_row_once(
    sessions: Sessions, people: dict[str, str], order_by: list[str] | None
) -> None:
    whole = labels(people, (await page(sessions, order_by)).rows)

    forwards: list[str] = []
    after = None
    while True:
        current = await page(sessions, order_by, first=2, after=after)
        forwards += labels(people, current.rows)
        assert current.has_previous == (after is not None)
        if not current.has_next:
            break
        after = current.cursor(current.rows[-1])
    backwards: list[str] = []
    before = None
    while True:
        current = await page(sessions, order_by, last=2, before=before)
        backwards = labels(people, current.rows) + backwards
        assert current.has_next == (before is not None)
        if not current.has_previous:
            break
        before = current.cursor(current.rows[0])

    assert forwards == whole
    assert backwards == whole


async def test_a_range_between_two_cursors(sessions: Sessions, people: dict[str, str]) -> None:
    order_by = ["DISPLAY_NAME_ASC"]
    whole = (await page(sessions, order_by)).rows
    first = await page(sessions, order_by)
    after, before = first.cursor(whole[0]), first.cursor(whole[4])

    between = await page(sessions, order_by, after=after, before=before)
    last_two = await page(sessions, order_by, after=after, before=before, last=2)

    assert labels(people, between.rows) == ["b1", "b2", "c"]
    assert labels(people, last_two.rows) == ["b2", "c"]
    assert last_two.has_previous and last_two.has_next


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        (None, ["c", "b2", "n2", "zed", "zero"]),
        (["DISPLAY_NAME_ASC"], ["c", "zed", "n1", "n2"]),
        (["DISPLAY_NAME_DESC"], ["a", "zero", "n1", "n2"]),
    ],
)
async def test_rows_inserted_and_deleted_while_paging(
    sessions: Sessions, people: dict[str, str], order_by: list[str] | None, expected: list[str]
) -> None:
    """Deleting the row a cursor came from and the page's first row skips nothing that
    remains and repeats nothing; rows inserted past the cursor are met, rows inserted before
    it are not."""
    first = await page(sessions, order_by, first=3)
    cursor = first.cursor(first.rows[-1])
    tenant = await resources_tenant(sessions, people)
    zed = await create_user(sessions, tenant=tenant, email="z@example.com", display_name="Zed")
    zero = await create_user(sessions, tenant=tenant, email="0@example.com", display_name="0")
    people = {**people, "zed": zed.id, "zero": zero.id}
    gone = [first.rows[-1].id, first.rows[0].id]
    async with sessions() as session, session.begin():
        table = resources.USER.table
        deleting = update(table).where(table.c.id.in_(gone)).values(deleted_at=utcnow())
        await session.execute(deleting)

    rest = await page(sessions, order_by, first=100, after=cursor)

    assert labels(people, rest.rows) == expected


async def resources_tenant(sessions: Sessions, people: dict[str, str]) -> Any:
    async with sessions() as session:
        user = await session.get(User, people["a"])
        assert user is not None
        return await session.get(Tenant, user.tenant_id)


async def test_cursors_are_bound_to_their_order(sessions: Sessions, people: dict[str, str]) -> None:
    by_name = await page(sessions, ["DISPLAY_NAME_ASC"], first=1)
    cursor = by_name.cursor(by_name.rows[0])

    with pytest.raises(BadInput) as raised:
        await page(sessions, None, after=cursor)

    assert raised.value.field == "after"
    assert "made for orderBy DISPLAY_NAME_ASC,ID_ASC, not ID_ASC" in raised.value.message


def _forged(content: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(content).encode()).decode()


BY_CREATION = ["CREATED_AT_ASC"]


@pytest.mark.parametrize(
    ("order_by", "cursor"),
    [
        (None, "not a cursor"),
        (None, _forged({"o": "ID_ASC", "p": []})),
        (None, _forged({"o": "ID_ASC", "p": [3]})),
        (None, _forged(["ID_ASC"])),
        (BY_CREATION, _forged({"o": "CREATED_AT_ASC,ID_ASC", "p": ["yesterday", "usr_x"]})),
        (BY_CREATION, _forged({"o": "CREATED_AT_ASC,ID_ASC", "p": ["2024-05-01T00:00", "u"]})),
        (BY_CREATION, _forged({"o": "CREATED_AT_ASC,ID_ASC", "p": [None, "usr_x"]})),
        (None, "x" * 3000),
    ],
)
def test_malformed_cursors_are_refused(order_by: list[str] | None, cursor: str) -> None:
    order = parse_order(resources.USER, order_by)
    for argument in ("after", "before"):
        with pytest.raises(BadInput) as raised:
            relay: dict[str, Any] = {argument: cursor}
            PageRequest.from_relay(order, **relay)
        assert raised.value.field == argument
        assert raised.value.message == f"{argument}: is not a cursor returned by this API"


@pytest.mark.parametrize(
    ("relay", "field", "words"),
    [
        ({"first": 1, "last": 1}, "last", "cannot be given with first"),
        ({"first": 101}, "first", "between 0 and 100"),
        ({"last": -1}, "last", "between 0 and 100"),
    ],
)
def test_page_sizes(relay: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(BadInput) as raised:
        PageRequest.from_relay(parse_order(resources.USER, None), **relay)
    assert raised.value.field == field
    assert words in raised.value.message


@pytest.mark.parametrize(
    ("order_by", "field", "words"),
    [
        (["PASSWORD_HASH_ASC"], "orderBy[0]", "is not an order of User"),
        (["EMAIL_UP"], "orderBy[0]", "is not an order of User"),
        (["EMAIL_ASC", "EMAIL_DESC"], "orderBy[1]", "orders by EMAIL a second time"),
        (
            ["EMAIL_ASC", "STATUS_ASC", "FIRST_NAME_ASC", "LAST_NAME_ASC", "CREATED_AT_ASC"],
            "orderBy",
            "more than 4",
        ),
    ],
)
def test_order_refusals(order_by: list[str], field: str, words: str) -> None:
    with pytest.raises(BadInput) as raised:
        parse_order(resources.USER, order_by)
    assert raised.value.field == field
    assert words in raised.value.message


async def test_offset_cursors_still_resume_after_that_many_rows(
    sessions: Sessions, people: dict[str, str]
) -> None:
    offset = encode_cursor(1)  # after the second row

    resumed = await page(sessions, ["DISPLAY_NAME_ASC"], first=2, after=offset)

    assert labels(people, resumed.rows) == ["b2", "c"]
    assert resumed.has_previous and resumed.has_next
    with pytest.raises(BadInput) as raised:
        await page(sessions, None, last=2, before=offset)
    assert raised.value.field == "before"


def test_the_id_ends_every_order() -> None:
    assert parse_order(resources.USER, None).key == "ID_ASC"
    assert parse_order(resources.USER, ["EMAIL_DESC"]).key == "EMAIL_DESC,ID_ASC"
    assert parse_order(resources.USER, ["ID_DESC", "EMAIL_ASC"]).key == "ID_DESC"


async def test_count_by_a_field_and_by_day(sessions: Sessions, db: None) -> None:
    partner = await create_partner(sessions)
    tenant = await create_tenant(sessions, partner=partner)
    for days, result in [
        (0, "success"),
        (0, "failure"),
        (1, "denied"),
        (1, "failure"),
        (1, "failure"),
    ]:
        await create_audit_event(
            sessions,
            tenant=tenant,
            result=result,
            action="auth.sign_in",
            created_at=T0 + timedelta(days=days, hours=11),
        )
    await create_audit_event(sessions, tenant=tenant, action="user.update", created_at=T0)

    async def counted(field: str, listing: Listing) -> list[tuple[str | None, int]]:
        listed = select_listed(resources.AUDIT_EVENT, SUPER, listing)
        (groups,) = await counted_by(sessions, resources.AUDIT_EVENT, listed, [field])
        return groups

    failures = Listing(filter={"result": {"in": ["FAILURE", "DENIED"]}})
    auth = Listing(filter={"action": {"startsWith": "auth."}})

    assert await counted("RESULT", failures) == [("DENIED", 1), ("FAILURE", 3)]
    assert await counted("CREATED_DAY", auth) == [("2024-05-01", 2), ("2024-05-02", 3)]
    assert await counted("ACTION", Listing()) == [("auth.sign_in", 5), ("user.update", 1)]
    with pytest.raises(BadInput) as raised:
        await counted("METADATA", Listing())
    assert raised.value.field == "countBy.field"
    assert "ACTION, ACTOR_TYPE, CREATED_DAY" in raised.value.message


async def test_count_by_keys_null_boolean_and_enum(
    sessions: Sessions, people: dict[str, str]
) -> None:
    listed = select_listed(resources.USER, SUPER, Listing())

    async def counted(field: str) -> list[tuple[str | None, int]]:
        (groups,) = await counted_by(sessions, resources.USER, listed, [field])
        return groups

    assert await counted("STATUS") == [("ACTIVE", 6)]
    assert await counted("MFA_ENABLED") == [("false", 6)]
    assert await counted("ADMIN_ROLE") == [(None, 6)]


async def test_several_fields_are_counted_in_one_statement_as_each_alone(
    sessions: Sessions, people: dict[str, str]
) -> None:
    listed = select_listed(resources.USER, SUPER, Listing())
    fields = ["STATUS", "MFA_ENABLED", "ADMIN_ROLE", "CREATED_DAY"]

    together = await counted_by(sessions, resources.USER, listed, fields)

    alone = [(await counted_by(sessions, resources.USER, listed, [f]))[0] for f in fields]
    assert together == alone
    assert together[0] == [("ACTIVE", 6)] and together[2] == [(None, 6)]


async def counted_by(
    sessions: Sessions, resource: Resource, listed: Select[Any], fields: list[str]
) -> list[list[tuple[str | None, int]]]:
    """Each field's groups, counted together by one statement."""
    names = [group_field_name(resource, field) for field in fields]
    async with sessions() as session:
        dialect = session.get_bind().dialect.name
        statement = count_by_fields_statement(resource, listed, names, dialect)
        rows = (await session.execute(statement)).all()
    return [[(g.key, g.count) for g in groups] for groups in grouped_keys(resource, names, rows)]
