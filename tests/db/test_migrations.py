"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi import FastAPI

import db.models  # noqa: F401  (all tables on the metadata)
from db.base import Base


class TestMigrations:
    async def test_leave_no_difference_from_the_models(self, app: FastAPI) -> None:
        async with app.state.engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )

        assert differences == []
