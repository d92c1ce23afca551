"""What a look-up costs: a SCIM token's `userName eq` is one statement (the page, the user's
groups and the read's audit event), the total is counted only when the page is full, and
groups left out of the answer are not read."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import AuditEvent
from tests.scim.conftest import Scim, create_group


async def _list(scim: Scim, query: str) -> tuple[dict[str, Any], int]:
    response = await scim.request("GET", f"/Users?{query}")
    assert response.status_code == 200, response.text
    return response.json(), int(response.headers.get("x-sql-statements", "-1"))


async def _list_events(sessions: async_sessionmaker[AsyncSession], tenant_id: str) -> list[Any]:
    async with sessions() as session:
        statement = (
            select(AuditEvent)
            .where(AuditEvent.tenant_id == tenant_id, AuditEvent.action == "scim.user.list")
            .order_by(AuditEvent.created_at, AuditEvent.id)
        )
        return list((await session.execute(statement)).scalars())


async def test_a_look_up_by_user_name_is_one_statement_with_its_groups_and_event(
    scim: Scim, sessions: async_sessionmaker[AsyncSession], db_kind: str
) -> None:
    ann = await scim.create_user("ann@example.com")
    await scim.create_user("bob@example.com")
    team = await create_group(scim, "Team", ann["id"])
    await create_group(scim, "Alpha", ann["id"])

    body, statements = await _list(scim, "filter=" + quote('userName eq "ANN@example.com"'))

    assert body["totalResults"] == 1 and body["itemsPerPage"] == 1
    [user] = body["Resources"]
    assert user["id"] == ann["id"]
    groups = [(g["value"], g["display"]) for g in user["groups"]]
    assert sorted(groups) == groups and (team["id"], "Team") in groups and len(groups) == 2
    if db_kind == "postgresql":  # the event is written by the page's own statement
        assert statements == 1
    [event] = await _list_events(sessions, scim.tenant.id)
    assert event.actor_type == "scim" and event.resource_type == "user"
    assert event.event_metadata == {"filter": 'userName eq "ANN@example.com"', "results": 1}
    assert event.partner_id == scim.tenant.partner_id


async def test_groups_left_out_of_the_answer_are_not_read(scim: Scim) -> None:
    ann = await scim.create_user("ann@example.com")
    await create_group(scim, "Team", ann["id"])
    wanted = "filter=" + quote('userName eq "ann@example.com"')

    for query in (f"{wanted}&excludedAttributes=groups", f"{wanted}&attributes=userName"):
        body, _ = await _list(scim, query)
        [user] = body["Resources"]
        assert "groups" not in user
    body, _ = await _list(scim, f"{wanted}&attributes=groups")
    assert [g["display"] for g in body["Resources"][0]["groups"]] == ["Team"]


async def test_the_total_is_exact_whether_counted_or_not(
    scim: Scim, sessions: async_sessionmaker[AsyncSession]
) -> None:
    for name in ("a", "b", "c", "d", "e"):
        await scim.create_user(f"{name}@example.com")
    counted: dict[str, tuple[int, int, int]] = {}
    for query in (
        "count=2",  # a full page: counted
        "count=10",  # a short page: the total is the page
        "startIndex=4&count=10",  # a short page further on: 3 before it, 2 on it
        "startIndex=9&count=2",  # past the end: counted
        "count=0",  # no page at all: counted
        "filter=" + quote('userName eq "nobody@example.com"'),  # nothing: the total is 0
    ):
        body, statements = await _list(scim, query)
        counted[query] = (body["totalResults"], body["itemsPerPage"], statements)
    totals = {query: total for query, (total, _, _) in counted.items()}
    assert totals == {
        "count=2": 5,
        "count=10": 5,
        "startIndex=4&count=10": 5,
        "startIndex=9&count=2": 5,
        "count=0": 5,
        "filter=" + quote('userName eq "nobody@example.com"'): 0,
    }
    spent = {query: n for query, (_, _, n) in counted.items()}
    # one more statement where the total had to be counted
    assert spent["count=2"] == spent["count=10"] + 1
    assert spent["startIndex=9&count=2"] == spent["startIndex=4&count=10"] + 1
    assert spent["count=0"] == spent["count=10"] + 1
    # every read was audited, with the number of rows it answered
    events = await _list_events(sessions, scim.tenant.id)
    assert [e.event_metadata["results"] for e in events] == [2, 5, 2, 0, 0, 0]
