"""Loaders are created lazily, once per request, through this registry on the context."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Table

from db.models import Agent, Application, Group, IdentityProvider, Partner, Tenant, User
from resolvers import access
from resolvers.audit_log import AuditEventByIdLoader
from resolvers.loaders.batch import RelationCountLoader, RelationPageLoader, RowByIdLoader
from resolvers.loaders.relations import Relation
from resolvers.sessions import SessionByIdLoader

if TYPE_CHECKING:
    from resolvers.context import RequestContext


class Loaders:
    def __init__(self, context: RequestContext) -> None:
        self._context = context
        self._cache: dict[Any, Any] = {}

    def _row_loader(self, table: Any, scope: Callable[[], ColumnElement[bool]]) -> RowByIdLoader:
        key = ("by_id", table.name)
        if key not in self._cache:
            self._cache[key] = RowByIdLoader(self._context, table, scope)
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
    def audit_event_by_id(self) -> AuditEventByIdLoader:
        key = ("by_id", "audit_events")
        if key not in self._cache:
            self._cache[key] = AuditEventByIdLoader(self._context)
        loader: AuditEventByIdLoader = self._cache[key]
        return loader

    @property
    def session_by_id(self) -> SessionByIdLoader:
        key = ("by_id", "sessions")
        if key not in self._cache:
            self._cache[key] = SessionByIdLoader(self._context)
        loader: SessionByIdLoader = self._cache[key]
        return loader

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
