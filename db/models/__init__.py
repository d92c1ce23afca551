"""The tables, one module per resource."""

from db.models.applications import Application
from db.models.audit import AuditEvent
from db.models.groups import Group, GroupMember, GroupNesting
from db.models.partners import Partner
from db.models.persisted_operations import PersistedOperation
from db.models.tenants import Tenant
from db.models.users import User

__all__ = [
    "Application",
    "AuditEvent",
    "Group",
    "GroupMember",
    "GroupNesting",
    "Partner",
    "PersistedOperation",
    "Tenant",
    "User",
]
