"""Loaders are created lazily, once per request, through this registry on the context."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Table

from db.models import (
    Agent,
    Application,
    AuditEvent,
    Group,
    IdentityProvider,
    Partner,
    SsoSession,
    Tenant,
    User,
)
from resolvers import access
from resolvers.loaders.batch import Reader, RelationCountLoader, RelationPageLoader, RowByIdLoader
from resolvers.loaders.relations import Relation


class Loaders:
    def __init__(self, context: Reader) -> None:
        self._context = context
        self._cache: dict[Any, Any] = {}

    def _row_loader(
        self, table: Any, scope: Callable[[], ColumnElement[bool]], *, soft_deleted: bool = True
    ) -> RowByIdLoader:
        key = ("by_id", table.name)
        if key not in self._cache:
            self._cache[key] = RowByIdLoader(self._context, table, scope, soft_deleted=soft_deleted)
        loader: RowByIdLoader = self._cache[key]
        return loader

    @property
    def partner_by_id(self) -> RowByIdLoader:
        return self._row_loader(
            _table(Partner), lambda: access.visible_partners(self._context.actor)
        )

    @property
    def tenant_by_id(self) -> RowByIdLoader:
        return self._row_loader(_table(Tenant), lambda: access.visible_tenants(self._context.actor))

    @property
    def user_by_id(self) -> RowByIdLoader:
        return self._row_loader(
            _table(User), lambda: access.visible_tenant_ids(self._context.actor, User.tenant_id)
        )

    @property
    def group_by_id(self) -> RowByIdLoader:
        return self._row_loader(
            _table(Group), lambda: access.visible_tenant_ids(self._context.actor, Group.tenant_id)
        )

    @property
    def application_by_id(self) -> RowByIdLoader:
        return self._row_loader(
            _table(Application), lambda: access.visible_applications(self._context.actor)
        )

    @property
    def identity_provider_by_id(self) -> RowByIdLoader:
        return self._row_loader(
            _table(IdentityProvider),
            lambda: access.visible_tenant_ids(self._context.actor, IdentityProvider.tenant_id),
        )

    @property
    def agent_by_id(self) -> RowByIdLoader:
        return self._row_loader(
            _table(Agent), lambda: access.visible_tenant_ids(self._context.actor, Agent.tenant_id)
        )

    @property
    def audit_event_by_id(self) -> RowByIdLoader:
        return self._row_loader(
            _table(AuditEvent),
            lambda: access.visible_audit_events(self._context.actor),
            soft_deleted=False,
        )

    @property
    def session_by_id(self) -> RowByIdLoader:
        return self._row_loader(
            _table(SsoSession),
            lambda: access.visible_sessions(self._context.actor),
            soft_deleted=False,
        )

    def page(self, relation: Relation) -> RelationPageLoader:
        key = ("page", relation.name)
        if key not in self._cache:
            self._cache[key] = RelationPageLoader(self._context, relation)
        loader: RelationPageLoader = self._cache[key]
        return loader

    def count(self, relation: Relation) -> RelationCountLoader:
        key = ("count", relation.name)
        if key not in self._cache:
            self._cache[key] = RelationCountLoader(self._context, relation)
        loader: RelationCountLoader = self._cache[key]
        return loader


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table
