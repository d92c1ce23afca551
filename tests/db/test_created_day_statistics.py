"""PostgreSQL knows how many days `created_at` spans (migration 0013), so a count by day
hashes a handful of groups instead of sorting every row as a group of its own."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.principals import Principal, Role
from db.ids import IdPrefix, new_id
from db.models import AuditEvent
from resolvers import resources
from resolvers.listing import Listing, select_listed
from resolvers.listing.grouping import count_by_fields_statement, group_field_name

SUPER = Principal(subject="usr_super", role=Role.SUPER_ADMIN)
T0 = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture
def postgresql_only(db_kind: str) -> None:
    if db_kind != "postgresql":
        pytest.skip("extended statistics on an expression are PostgreSQL's")


async def test_counting_audit_events_by_day_is_estimated_as_few_groups(
    postgresql_only: None, db: None, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session, session.begin():
        session.add_all(
            AuditEvent(
                id=new_id(IdPrefix.AUDIT),
                created_at=T0 + timedelta(minutes=7 * n),
                action="user.update",
                result="success",
                actor_type="user",
                event_metadata={},
            )
            for n in range(2_000)  # about ten days
        )
    names = [group_field_name(resources.AUDIT_EVENT, "CREATED_DAY")]
    listed = select_listed(resources.AUDIT_EVENT, SUPER, Listing())
    statement = count_by_fields_statement(resources.AUDIT_EVENT, listed, names, "postgresql")
    compiled = statement.compile(
        dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
    )
    async with sessions() as session:
        await session.execute(text("ANALYZE audit_events"))
        raw = (await session.execute(text(f"EXPLAIN (FORMAT JSON) {compiled}"))).scalar_one()

    document = json.loads(raw) if isinstance(raw, str) else raw
    groups = _aggregate(document[0]["Plan"])
    # Without the statistics the estimate is 200 (PostgreSQL's default for an expression).
    assert groups["Plan Rows"] <= 20, groups


def _aggregate(node: dict[str, Any]) -> dict[str, Any]:
    if node["Node Type"] == "Aggregate":
        return node
    return next(_aggregate(child) for child in node.get("Plans", []))
