"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

import warnings
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi import FastAPI
from sqlalchemy.engine import Connection

import db.models  # noqa: F401  (all tables on the metadata)
from db.base import Base
from db.models.search_indexes import POSTGRESQL_ONLY_INDEXES


def _differences(connection: Connection) -> Any:
    postgresql = connection.dialect.name == "postgresql"

    def include(item: Any, name: str | None, kind: str, reflected: bool, other: Any) -> bool:
        # The model declares them for PostgreSQL only; elsewhere they are not made.
        return postgresql or kind != "index" or name not in POSTGRESQL_ONLY_INDEXES

    context = MigrationContext.configure(connection, opts={"include_object": include})
    with warnings.catch_warnings():
        # Said of those same indexes on SQLite, before `include` leaves them out.
        warnings.filterwarnings(
            "ignore", message="autogenerate skipping metadata-specified expression-based index"
        )
        return compare_metadata(context, Base.metadata)


class TestMigrations:
    async def test_leave_no_difference_from_the_models(self, app: FastAPI) -> None:
        async with app.state.engine.connect() as connection:
            differences = await connection.run_sync(_differences)

        assert differences == []
