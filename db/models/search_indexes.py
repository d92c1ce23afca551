"""Indexes for search and dashboards that are not a single model's plain columns.

Trigram indexes (PostgreSQL's `pg_trgm`, GIN, `gin_trgm_ops`) serve case-insensitive matching
anywhere in a value: `column ILIKE :pattern` with `%` on either side, which is what
SQLAlchemy's `icontains`, `istartswith` and `iendswith` compile to on PostgreSQL (and `LIKE`
too). An expression such as `lower(column) LIKE …` would not use them. They exist on
PostgreSQL only; SQLite scans (its `icontains` is `lower(column) LIKE lower(…)`), which is
fine at its sizes.

`users (tenant_id, last_sign_in_at DESC NULLS LAST, id DESC)` serves "users of one tenant, most
recent sign-in first" page by page on PostgreSQL; the ascending index of the same columns
(on both databases, `db.models.users`) serves the other direction.

Migration 0010 creates them; tests/db/test_migrations.py checks that it matches.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Index, Table

from db.models.applications import Application
from db.models.groups import Group
from db.models.partners import Partner
from db.models.tenants import Tenant
from db.models.users import User

POSTGRESQL_ONLY = "postgresql"

# (table, its text columns) searched by trigram.
TRIGRAM_COLUMNS: tuple[tuple[Table, tuple[str, ...]], ...] = (
    (cast("Table", User.__table__), ("email", "display_name", "first_name", "last_name")),
    (cast("Table", Group.__table__), ("name",)),
    (cast("Table", Tenant.__table__), ("name", "slug")),
    (cast("Table", Partner.__table__), ("name", "slug")),
    (cast("Table", Application.__table__), ("name",)),
)


def trigram_index_name(table: str, column: str) -> str:
    return f"ix_{table}_{column}_trgm"


def _trigram(table: Table, column: str) -> Index:
    return Index(
        trigram_index_name(table.name, column),
        table.c[column],
        postgresql_using="gin",
        postgresql_ops={column: "gin_trgm_ops"},
    ).ddl_if(dialect=POSTGRESQL_ONLY)


TRIGRAM_INDEXES: tuple[Index, ...] = tuple(
    _trigram(table, column) for table, names in TRIGRAM_COLUMNS for column in names
)

_USERS = cast("Table", User.__table__)
USERS_BY_RECENT_SIGN_IN = Index(
    "ix_users_tenant_id_last_sign_in_at_desc",
    _USERS.c.tenant_id,
    _USERS.c.last_sign_in_at.desc().nulls_last(),
    _USERS.c.id.desc(),
).ddl_if(dialect=POSTGRESQL_ONLY)

# Created on PostgreSQL only (`ddl_if`); the names let a comparison with another database
# leave them out.
POSTGRESQL_ONLY_INDEXES: frozenset[str] = frozenset(
    index.name for index in (*TRIGRAM_INDEXES, USERS_BY_RECENT_SIGN_IN) if index.name
)
