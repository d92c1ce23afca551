"""Applications: global ones (platform tier) and tenant ones (within the caller's tenants)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select

from db.models import Application
from gateway.principals import Principal
from resolvers import access
from resolvers.loaders.relations import Relation
from resolvers.relations_sql import live_children

KIND = "Application"
_TABLE = Application.__table__


def _applications_by_tenant_id(parent_ids: Sequence[str], principal: Principal) -> Select[Any]:
    return live_children(
        _TABLE,
        _TABLE.c.tenant_id,
        _TABLE.c.tenant_id.in_(parent_ids),
        access.visible_tenant_ids(principal, Application.tenant_id),
    )


APPLICATIONS_BY_TENANT_ID = Relation("ApplicationsByTenantId", _applications_by_tenant_id)
