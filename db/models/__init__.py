"""The tables, one module per resource."""

from db.models.agents import Agent
from db.models.ai_config import TenantAiConfig
from db.models.applications import Application
from db.models.audit import AuditEvent
from db.models.groups import Group, GroupMember, GroupNesting
from db.models.identity_providers import IdentityProvider
from db.models.model_catalog import ModelCatalogEntry
from db.models.note_processing import NoteProcessingSettings
from db.models.participants import ModelParticipant
from db.models.partners import Partner
from db.models.persisted_operations import PersistedOperation
from db.models.plugins import Plugin, TenantPlugin
from db.models.prompt_studio import PromptStudioAllowlistEntry, PromptStudioSettings
from db.models.rooms import Room, RoomParticipant
from db.models.scim_tokens import ScimToken
from db.models.sessions import SsoSession
from db.models.tenants import Tenant
from db.models.usage import AiUsageRecord, StorageObject
from db.models.users import User

# After the tables: indexes over several models' columns and expressions.
from db.models import search_indexes  # noqa: F401  isort: skip

__all__ = [
    "Agent",
    "AiUsageRecord",
    "Application",
    "AuditEvent",
    "Group",
    "GroupMember",
    "GroupNesting",
    "IdentityProvider",
    "ModelCatalogEntry",
    "ModelParticipant",
    "NoteProcessingSettings",
    "Partner",
    "PersistedOperation",
    "Plugin",
    "PromptStudioAllowlistEntry",
    "PromptStudioSettings",
    "Room",
    "RoomParticipant",
    "ScimToken",
    "SsoSession",
    "StorageObject",
    "Tenant",
    "TenantAiConfig",
    "TenantPlugin",
    "User",
]
