"""The assembled schema: every resource's Query and Mutation merged into the roots."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions import ParserCache
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from schema.agents import AgentMutation, AgentQuery
from schema.ai_config import AiConfigMutation, AiConfigQuery
from schema.applications import ApplicationMutation, ApplicationQuery
from schema.audit import AuditQuery
from schema.collaboration_stats import CollaborationStatsQuery
from schema.dashboard import DashboardQuery
from schema.errors import DomainErrors
from schema.groups import GroupMutation, GroupQuery
from schema.identity_providers import IdentityProviderMutation, IdentityProviderQuery
from schema.input_text import InputText
from schema.limits import OPERATION_LIMITS, ValidationUnlessRefused
from schema.loader_lifetime import ReleaseLoaders
from schema.managed_partners import ManagedPartnerMutation, ManagedPartnerQuery
from schema.models_catalog import ModelCatalogMutation, ModelCatalogQuery
from schema.note_processing import NoteProcessingMutation, NoteProcessingQuery
from schema.observability import OperationLabels
from schema.participants import ParticipantMutation, ParticipantQuery
from schema.partners import PartnerMutation, PartnerQuery
from schema.planner import PlannedExecution
from schema.plugins import PluginMutation, PluginQuery
from schema.prompt_studio import PromptStudioMutation, PromptStudioQuery
from schema.scalars import SCALAR_MAP
from schema.scim_tokens import ScimTokenMutation, ScimTokenQuery
from schema.sessions import SessionMutation, SessionQuery
from schema.strawberry_private import graphql_core_schema
from schema.subscriptions import Subscription
from schema.tenants import TenantMutation, TenantQuery
from schema.types.agent import Agent
from schema.types.application import Application
from schema.types.audit_event import AuditEvent
from schema.types.group import Group
from schema.types.identity_provider import IdentityProvider
from schema.types.participant import ModelParticipant, PersonParticipant
from schema.types.partner import Partner
from schema.types.relation import resolve_relations_directly
from schema.types.session import Session
from schema.types.tenant import Tenant
from schema.types.user import User
from schema.users import UserMutation, UserQuery
from schema.viewer import ViewerQuery
from schema.visibility import SchemaVisibility

Query = merge_types(
    "Query",
    (
        ViewerQuery,
        PartnerQuery,
        TenantQuery,
        UserQuery,
        GroupQuery,
        ApplicationQuery,
        SessionQuery,
        ScimTokenQuery,
        IdentityProviderQuery,
        AgentQuery,
        AuditQuery,
        DashboardQuery,
        PromptStudioQuery,
        NoteProcessingQuery,
        CollaborationStatsQuery,
        ManagedPartnerQuery,
        AiConfigQuery,
        ModelCatalogQuery,
        PluginQuery,
        ParticipantQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        PartnerMutation,
        TenantMutation,
        UserMutation,
        GroupMutation,
        ApplicationMutation,
        SessionMutation,
        ScimTokenMutation,
        IdentityProviderMutation,
        AgentMutation,
        PromptStudioMutation,
        NoteProcessingMutation,
        ManagedPartnerMutation,
        AiConfigMutation,
        ModelCatalogMutation,
        PluginMutation,
        ParticipantMutation,
    ),
)


class GatewaySchema(strawberry.Schema):
    def process_errors(self, errors: Any, execution_context: Any = None) -> None:
        """Expected errors are answers, not incidents; `DomainErrors` logs unexpected ones."""


def build_schema() -> GatewaySchema:
    built = GatewaySchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
        types=[
            Partner,
            Tenant,
            User,
            Group,
            Application,
            IdentityProvider,
            Agent,
            AuditEvent,
            Session,
            PersonParticipant,
            ModelParticipant,
        ],
        extensions=[
            # First, so that it exits last: the other extensions may still read the loaders.
            ReleaseLoaders,
            DomainErrors,
            SchemaVisibility,
            OperationLabels,
            lambda: ParserCache(maxsize=1024),
            # Before validation: a document over a limit is refused without being validated.
            *OPERATION_LIMITS,
            lambda: ValidationUnlessRefused(maxsize=1024),
            InputText,
            # Last: it answers an operation only once every check above has passed.
            PlannedExecution,
        ],
    )
    resolve_relations_directly(graphql_core_schema(built))
    return built


schema = build_schema()
