"""The identity side's resources: partners, tenants, users, groups, applications, identity
providers, agents, SSO sessions and audit events."""

from __future__ import annotations

from db.enums import (
    ActorType,
    AdminRole,
    ApplicationLevel,
    ApplicationType,
    AuditResult,
    PartnerStatus,
    TenantStatus,
    UserStatus,
)
from db.ids import IdPrefix
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
from resolvers.resources.resource import (
    Link,
    Owner,
    OwnerKind,
    Resource,
    ResourceRelation,
    Shorthand,
    columns,
)

_TIMES = ("created_at", "updated_at")
_BY_TENANT = Owner(OwnerKind.TENANT, "tenant_id")
_MEMBERS = Link("group_members", "group_id", "user_id")
_MEMBERSHIPS = Link("group_members", "user_id", "group_id")
_CHILDREN = Link("group_nesting", "parent_group_id", "child_group_id")
_PARENTS = Link("group_nesting", "child_group_id", "parent_group_id")
# A partner reaches its tenants' rows through its live tenants.
_PARTNER_TENANTS = Link("tenants", "partner_id", "id")


def _to_tenant() -> ResourceRelation:
    return ResourceRelation("tenant", "tenant", "tenant_id", "id", many=False)


def _tenant_owned(name: str, target: str) -> ResourceRelation:
    return ResourceRelation(name, target, "id", "tenant_id", many=True)


PARTNER = Resource(
    name="partner",
    model=Partner,
    prefix=IdPrefix.PARTNER,
    graphql_type="Partner",
    fields=columns(
        "id",
        "name",
        "slug",
        "status",
        "contact_email",
        "max_tenants",
        "max_users_per_tenant",
        "max_applications_per_tenant",
        *_TIMES,
    ),
    owner=None,
    soft_delete=True,
    scope=access.visible_partners,
    relations=(
        ResourceRelation("tenants", "tenant", "id", "partner_id", many=True),
        ResourceRelation("users", "user", "id", "tenant_id", many=True, link=_PARTNER_TENANTS),
        # Sessions started under the partner (a session keeps its partner at sign-in).
        ResourceRelation("sessions", "sso_session", "id", "partner_id", many=True),
    ),
    filterable=frozenset({"id", "name", "status", "slug", "contact_email", *_TIMES}),
    sortable=frozenset({"id", "name", "slug", "status", *_TIMES}),
    enums={"status": PartnerStatus},
    searchable=("name", "slug"),
    groupable=frozenset({"status", "created_day"}),
)

TENANT = Resource(
    name="tenant",
    model=Tenant,
    prefix=IdPrefix.TENANT,
    graphql_type="Tenant",
    fields=columns(
        "id",
        "partner_id",
        "name",
        "slug",
        "status",
        "contact_email",
        "settings",
        "branding",
        *_TIMES,
    ),
    owner=Owner(OwnerKind.PARTNER, "partner_id"),
    soft_delete=True,
    # A tenant admin sees its own tenant, which ownership by a partner does not say.
    scope=access.visible_tenants,
    relations=(
        ResourceRelation("partner", "partner", "partner_id", "id", many=False),
        _tenant_owned("users", "user"),
        _tenant_owned("groups", "group"),
        _tenant_owned("applications", "application"),
        _tenant_owned("identity_providers", "identity_provider"),
        _tenant_owned("agents", "agent"),
        _tenant_owned("sessions", "sso_session"),
    ),
    filterable=frozenset({"id", "partner_id", "name", "status", "slug", "contact_email", *_TIMES}),
    sortable=frozenset({"id", "name", "slug", "status", *_TIMES}),
    enums={"status": TenantStatus},
    searchable=("name", "slug"),
    groupable=frozenset({"partner_id", "status", "created_day"}),
)

USER = Resource(
    name="user",
    model=User,
    prefix=IdPrefix.USER,
    graphql_type="User",
    fields=columns(
        "id",
        "tenant_id",
        "email",
        "display_name",
        "first_name",
        "last_name",
        "status",
        "email_verified",
        "mfa_enabled",
        "must_change_password",
        "password_changed_at",
        "custom_attributes",
        "admin_role",
        "last_sign_in_at",
        "external_id",
        "user_name",
        *_TIMES,
    ),
    owner=_BY_TENANT,
    soft_delete=True,
    relations=(
        _to_tenant(),
        ResourceRelation("groups", "group", "id", "id", many=True, link=_MEMBERSHIPS),
        ResourceRelation(
            "effective_groups", "group", "id", "id", many=True, link=_MEMBERSHIPS, closure=True
        ),
        ResourceRelation("sessions", "sso_session", "id", "user_id", many=True),
    ),
    filterable=frozenset(
        {"id", "tenant_id", "email", "display_name", "first_name", "last_name", "status"}
        | {"email_verified", "mfa_enabled", "must_change_password", "admin_role", "external_id"}
        | {"password_changed_at", "last_sign_in_at", "user_name", *_TIMES}
    ),
    sortable=frozenset(
        {"id", "email", "display_name", "first_name", "last_name", "status", "admin_role"}
        | {"password_changed_at", "last_sign_in_at", *_TIMES}
    ),
    enums={"status": UserStatus, "admin_role": AdminRole},
    searchable=("email", "display_name", "first_name", "last_name"),
    groupable=frozenset({"tenant_id", "status", "admin_role", "mfa_enabled", "created_day"}),
)

GROUP = Resource(
    name="group",
    model=Group,
    prefix=IdPrefix.GROUP,
    graphql_type="Group",
    fields=columns("id", "tenant_id", "name", "description", "external_id", *_TIMES),
    owner=_BY_TENANT,
    soft_delete=True,
    relations=(
        _to_tenant(),
        ResourceRelation("members", "user", "id", "id", many=True, link=_MEMBERS),
        ResourceRelation(
            "effective_members", "user", "id", "id", many=True, link=_MEMBERS, closure=True
        ),
        ResourceRelation("children", "group", "id", "id", many=True, link=_CHILDREN),
        ResourceRelation("parents", "group", "id", "id", many=True, link=_PARENTS),
    ),
    filterable=frozenset({"id", "tenant_id", "name", "description", "external_id", *_TIMES}),
    sortable=frozenset({"id", "name", *_TIMES}),
    searchable=("name",),
    groupable=frozenset({"tenant_id", "created_day"}),
)

APPLICATION = Resource(
    name="application",
    model=Application,
    prefix=IdPrefix.APPLICATION,
    graphql_type="Application",
    fields=columns(
        "id",
        "tenant_id",
        "level",
        "app_type",
        "name",
        "description",
        "enabled",
        "client_id",
        "allowed_scopes",
        "redirect_uris",
        "allowed_origins",
        "token_lifetime",
        "token_exchange_allowed",
        *_TIMES,
    ),
    # Global applications have no tenant (tenant_id is null): they are nobody's to cascade.
    owner=_BY_TENANT,
    soft_delete=True,
    scope=access.visible_applications,
    relations=(_to_tenant(),),
    computed=frozenset({"has_client_secret"}),
    filterable=frozenset(
        {"id", "tenant_id", "level", "app_type", "name", "enabled", "client_id", *_TIMES}
    ),
    sortable=frozenset({"id", "name", "level", "app_type", *_TIMES}),
    enums={"level": ApplicationLevel, "app_type": ApplicationType},
    searchable=("name",),
    groupable=frozenset({"tenant_id", "level", "app_type", "enabled", "created_day"}),
)

IDENTITY_PROVIDER = Resource(
    name="identity_provider",
    model=IdentityProvider,
    prefix=IdPrefix.IDENTITY_PROVIDER,
    graphql_type="IdentityProvider",
    fields=columns(
        "id",
        "tenant_id",
        "protocol",
        "name",
        "enabled",
        "issuer",
        "client_id",
        "scopes",
        "discovery_url",
        "entity_id",
        "sso_url",
        "metadata_url",
        "x509_certificate",
        "certificate_fingerprint",
        "certificate_expires_at",
        "attribute_mapping",
        *_TIMES,
    ),
    owner=_BY_TENANT,
    soft_delete=True,
    relations=(_to_tenant(),),
    computed=frozenset({"has_client_secret"}),
    filterable=frozenset(
        {"id", "tenant_id", "protocol", "name", "enabled", "certificate_expires_at", *_TIMES}
    ),
    sortable=frozenset({"id", "name", "protocol", "certificate_expires_at", *_TIMES}),
    searchable=("name",),
    groupable=frozenset({"tenant_id", "protocol", "enabled"}),
)

AGENT = Resource(
    name="agent",
    model=Agent,
    prefix=IdPrefix.AGENT,
    graphql_type="Agent",
    fields=columns(
        "id",
        "tenant_id",
        "name",
        "description",
        "enabled",
        "allowed_tools",
        "allowed_scopes",
        "rate_limit_rpm",
        *_TIMES,
    ),
    owner=_BY_TENANT,
    soft_delete=True,
    relations=(_to_tenant(),),
    filterable=frozenset({"id", "tenant_id", "name", "enabled", "rate_limit_rpm", *_TIMES}),
    sortable=frozenset({"id", "name", "rate_limit_rpm", *_TIMES}),
    searchable=("name",),
    groupable=frozenset({"tenant_id", "enabled"}),
)

SSO_SESSION = Resource(
    name="sso_session",
    model=SsoSession,
    prefix=IdPrefix.SESSION,
    graphql_type="Session",
    fields=columns(
        "id",
        "user_id",
        "tenant_id",
        "partner_id",
        "admin_role",
        "ip",
        "user_agent",
        "created_at",
        "expires_at",
        "revoked_at",
        "revoked_reason",
    ),
    # Never soft-deleted: a session ends by being revoked or expiring and the row stays as
    # the record of it; a tenant's deletion revokes its live sessions.
    owner=_BY_TENANT,
    soft_delete=False,
    relations=(
        ResourceRelation("user", "user", "user_id", "id", many=False),
        _to_tenant(),
    ),
    computed=frozenset({"active"}),
    filterable=frozenset(
        {"id", "user_id", "tenant_id", "partner_id", "admin_role", "ip"}
        | {"created_at", "expires_at", "revoked_at"}
    ),
    sortable=frozenset({"id", "created_at", "expires_at", "revoked_at"}),
    enums={"admin_role": AdminRole},
    groupable=frozenset({"tenant_id", "partner_id", "admin_role", "created_day"}),
)

AUDIT_EVENT = Resource(
    name="audit_event",
    model=AuditEvent,
    prefix=IdPrefix.AUDIT,
    graphql_type="AuditEvent",
    fields=columns(
        "id",
        "created_at",
        "actor_id",
        "actor_type",
        "actor_role",
        "partner_id",
        "tenant_id",
        "action",
        "resource_type",
        "resource_id",
        "result",
        "metadata",
        "ip",
        "user_agent",
        "request_id",
    ),
    # Filed under the partner and tenant it concerned when written, owned by neither: an
    # event outlives whatever it names, and nothing deletes it.
    owner=None,
    soft_delete=False,
    scope=access.visible_audit_events,
    filterable=frozenset(
        {"id", "actor_id", "actor_type", "partner_id", "tenant_id", "action", "resource_type"}
        | {"resource_id", "result", "created_at", "request_id"}
    ),
    sortable=frozenset({"id", "created_at", "action", "result"}),
    enums={"actor_type": ActorType, "result": AuditResult},
    groupable=frozenset(
        {"action", "result", "actor_type", "resource_type", "tenant_id", "created_day"}
    ),
    # Newest first, as the log has always been listed (ids are time-ordered).
    default_order=("ID_DESC",),
    shorthands={
        "since": Shorthand(
            "created_at",
            "gte",
            "Events at or after this time (`createdAt: {gte: …}`; without an offset, UTC).",
        ),
        "until": Shorthand(
            "created_at",
            "lt",
            "Events before this time (`createdAt: {lt: …}`; without an offset, UTC).",
        ),
    },
)
