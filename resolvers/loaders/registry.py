"""Loaders are created lazily, once per request, through this registry on the context."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Table

from core.principals import Principal
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
        self,
        table: Any,
        scope: Callable[[Principal], ColumnElement[bool]],
        *,
        soft_deleted: bool = True,
    ) -> RowByIdLoader:
        # The scopes take the principal rather than closing over this registry, which holds
        # the loaders: a closure here would be a reference cycle.
        key = ("by_id", table.name)
        if key not in self._cache:
            self._cache[key] = RowByIdLoader(self._context, table, scope, soft_deleted=soft_deleted)
        loader: RowByIdLoader = self._cache[key]
        return loader

    @property
    def partner_by_id(self) -> RowByIdLoader:
        return self._row_loader(_table(Partner), access.visible_partners)

    @property
    def tenant_by_id(self) -> RowByIdLoader:
        return self._row_loader(_table(Tenant), access.visible_tenants)

    @property
    def user_by_id(self) -> RowByIdLoader:
        return self._row_loader(
            _table(User), lambda actor: access.visible_tenant_ids(actor, User.tenant_id)
        )

    @property
    def group_by_id(self) -> RowByIdLoader:
        return self._row_loader(
            _table(Group), lambda actor: access.visible_tenant_ids(actor, Group.tenant_id)
        )

    @property
    def application_by_id(self) -> RowByIdLoader:
        return self._row_loader(_table(Application), access.visible_applications)

    @property
    def identity_provider_by_id(self) -> RowByIdLoader:
        return self._row_loader(
            _table(IdentityProvider),
            lambda actor: access.visible_tenant_ids(actor, IdentityProvider.tenant_id),
        )

    @property
    def agent_by_id(self) -> RowByIdLoader:
        return self._row_loader(
            _table(Agent), lambda actor: access.visible_tenant_ids(actor, Agent.tenant_id)
        )

    @property
    def audit_event_by_id(self) -> RowByIdLoader:
        return self._row_loader(
            _table(AuditEvent),
            access.visible_audit_events,
            soft_deleted=False,
        )

    @property
    def session_by_id(self) -> RowByIdLoader:
        return self._row_loader(
            _table(SsoSession),
            access.visible_sessions,
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
