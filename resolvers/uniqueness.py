"""Values unique among live rows (partial unique indexes): slugs, e-mails, group names.

A write checks first, to answer with a clear Conflict; a concurrent writer that slips in
between the check and the commit is caught by the index, and gets the same Conflict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.errors import Conflict
from resolvers.writes import exists_live


@dataclass(frozen=True)
class LiveUnique:
    model: Any
    column: str
    message: Callable[[str], str]
    within: str | None = None  # the column the value is unique within (e.g. tenant_id)

    def conflict(self, value: str) -> Conflict:
        return Conflict(self.message(value), field=self.column)

    async def ensure_free(
        self,
        session: AsyncSession,
        value: str,
        *,
        within: str | None = None,
        except_id: str | None = None,
    ) -> None:
        conditions = [getattr(self.model, self.column) == value]
        if self.within is not None:
            conditions.append(getattr(self.model, self.within) == within)
        if except_id is not None:
            conditions.append(self.model.id != except_id)
        if await exists_live(session, self.model, *conditions):
            raise self.conflict(value)

    @contextmanager
    def violations(self, value: str | None) -> Iterator[None]:
        """Wrap the whole transaction: its commit is where a racing duplicate shows up."""
        try:
            yield
        except IntegrityError as exc:
            if value is None or self.column not in str(exc.orig):
                raise
            raise self.conflict(value) from exc
