"""Statement builders shared by relations: live rows of a table, scoped to the principal."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, FromClause, Select, select


def live_children(
    table: FromClause, parent_key: ColumnElement[Any], *conditions: ColumnElement[bool]
) -> Select[Any]:
    return select(table, parent_key.label("parent_key")).where(
        table.c.deleted_at.is_(None), *conditions
    )
