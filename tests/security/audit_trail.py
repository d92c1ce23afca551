"""What one matrix call must leave in the audit log.

A mutation leaves exactly one event whatever happens: its action with result `success` when
allowed, `denied` when refused (403, or no token), `failure` when it fails otherwise (404).
A read leaves one `access.denied` event when refused with 403 and nothing otherwise. A
presented token that is rejected (401) leaves one `auth.token_rejected` event instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.permission import PermissionExtension

from db.models import AuditEvent
from schema.audited import ACCESS_DENIED, Audited
from schema.schema import schema
from tests.security.policies import Outcome
from tests.security.principals import Caller

REJECTED_TOKEN = "auth.token_rejected"
_PRESENTED_BUT_REJECTED = {Caller.EXPIRED, Caller.BAD_SIGNATURE}


def declared_action(field_name: str) -> str | None:
    """The audit action a mutation declares (`writes(audit=...)`); None for a query field."""
    mutation = schema.get_type_by_name("Mutation")
    assert mutation is not None
    for field in mutation.fields:  # type: ignore[union-attr]
        if field.graphql_name == field_name or _camel(field.python_name) == field_name:
            extensions = field.extensions or []
            audited = [e for e in extensions if isinstance(e, Audited)]
            assert audited, f"mutation {field_name} declares no audit action"
            # Outside the permission check, so refusals are seen too.
            assert isinstance(extensions[-1], Audited) and any(
                isinstance(e, PermissionExtension) for e in extensions
            )
            return audited[0].action
    return None


async def clear(sessions: async_sessionmaker[AsyncSession], *, keep: Iterable[str] = ()) -> None:
    """Empties the log, but for the events named in `keep` (a call's targets: the audit
    reads read them)."""
    async with sessions() as session, session.begin():
        await session.execute(delete(AuditEvent).where(AuditEvent.id.not_in(list(keep))))


async def events(
    sessions: async_sessionmaker[AsyncSession], *, skip: Iterable[str] = ()
) -> list[Any]:
    """The events in the log but those named in `skip` (targets, not the call's trail)."""
    statement = select(AuditEvent).where(AuditEvent.id.not_in(list(skip)))
    async with sessions() as session:
        return list((await session.execute(statement)).scalars())


def check(
    recorded: list[Any], *, field: str, caller: Caller, outcome: Outcome, surface: str
) -> None:
    action = declared_action(field)
    summary = [(e.action, e.result) for e in recorded]
    where = f"{surface} {field} as {caller.value}: events {summary}"
    if caller in _PRESENTED_BUT_REJECTED:
        assert summary == [(REJECTED_TOKEN, "failure")], where
        return
    if action is None:
        expected = [(ACCESS_DENIED, "denied")] if outcome == 403 else []
        assert summary == expected, where
        return
    result = {"ok": "success", 403: "denied", 401: "denied"}.get(outcome, "failure")
    assert summary == [(action, result)], where
    event = recorded[0]
    if caller is Caller.NO_TOKEN:
        assert event.actor_type == "anonymous" and event.actor_id is None, where
    else:
        assert event.actor_type in ("user", "service") and event.actor_id, where


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
