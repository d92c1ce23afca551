"""What the control-character tests share. A control character in any string a client sends
is refused at the boundary it enters by, as BAD_USER_INPUT naming where it was, and nothing is
written: REST path ids, query parameters, headers and body fields (JSON keys and values at any
depth), GraphQL variables and literals, sign-in and the OAuth token endpoint. (On PostgreSQL a
NUL that reached SQL was a server error.) The tests live beside this module, one per boundary
(`test_control_characters_*.py`)."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.base import Base

NUL = "\u0000"
AUDIT_TABLE = "audit_events"  # refusals of authentication are audited, by design


async def row_counts(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    """Rows per table, audit events aside: equal before and after shows nothing was written."""
    async with sessions() as session:
        return {
            table.name: int(
                (await session.execute(select(func.count()).select_from(table))).scalar_one()
            )
            for table in Base.metadata.sorted_tables
            if table.name != AUDIT_TABLE
        }


def refused_by_name(response: httpx.Response, name: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "BAD_USER_INPUT"
    assert body["detail"].startswith(f"{name}: must not contain control characters"), body
