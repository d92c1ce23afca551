"""The assembled schema: every resource's Query and Mutation merged into the roots."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.tools import merge_types

from schema.applications import ApplicationMutation, ApplicationQuery
from schema.errors import DomainErrors
from schema.groups import GroupMutation, GroupQuery
from schema.limits import OPERATION_LIMITS
from schema.observability import OperationLabels
from schema.partners import PartnerMutation, PartnerQuery
from schema.tenants import TenantMutation, TenantQuery
from schema.types.application import Application
from schema.types.group import Group
from schema.types.partner import Partner
from schema.types.relation import resolve_relations_directly
from schema.types.tenant import Tenant
from schema.types.user import User
from schema.users import UserMutation, UserQuery
from schema.viewer import ViewerQuery
from schema.visibility import SchemaVisibility

Query = merge_types(
    "Query", (ViewerQuery, PartnerQuery, TenantQuery, UserQuery, GroupQuery, ApplicationQuery)
)
Mutation = merge_types(
    "Mutation", (PartnerMutation, TenantMutation, UserMutation, GroupMutation, ApplicationMutation)
)


class GatewaySchema(strawberry.Schema):
    def process_errors(self, errors: Any, execution_context: Any = None) -> None:
        """Expected errors are answers, not incidents; `DomainErrors` logs unexpected ones."""


def build_schema() -> GatewaySchema:
    built = GatewaySchema(
        query=Query,
        mutation=Mutation,
        types=[Partner, Tenant, User, Group, Application],
        extensions=[
            DomainErrors,
            SchemaVisibility,
            OperationLabels,
            lambda: ParserCache(maxsize=1024),
            lambda: ValidationCache(maxsize=1024),
            # After ValidationCache: the cost check reads the validation's result.
            *OPERATION_LIMITS,
        ],
    )
    resolve_relations_directly(built._schema)
    return built


schema = build_schema()
