"""Resource descriptors: every table is described or explained, every descriptor is complete
and agrees with the database and the GraphQL types, and what is derived from them (row
scope, by-id loaders, `node(id:)`, the tenant and partner cascades) behaves on a real database."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import ColumnElement, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.types import get_object_definition

from core.principals import Principal, Role
from db.base import Base
from db.ids import IdPrefix
from resolvers.context import RequestContext
from resolvers.resources import (
    BY_GRAPHQL_TYPE,
    BY_NAME,
    BY_PREFIX,
    NON_RESOURCE_PREFIXES,
    NON_RESOURCES,
    PARTNER_CASCADE,
    RESOURCES,
    TENANT_CASCADE,
    Resource,
)
from resolvers.resources.resource import OwnerKind
from schema.schema import schema
from tests.conftest import GraphQLClient
from tests.factories import (
    create_application,
    create_group,
    create_partner,
    create_tenant,
    create_user,
)
from tests.factories_audit import create_audit_event
from tests.factories_collaboration import create_model_participant
from tests.factories_identity import create_agent, create_identity_provider, stored
from tests.factories_sessions import create_session
from tests.tokens import Tokens

NODE = "query ($id: ID!) { node(id: $id) { __typename id } }"
DELETE_TENANT = "mutation ($id: ID!) { deleteTenant(id: $id) { id } }"
DELETE_PARTNER = "mutation ($id: ID!) { deletePartner(id: $id) { id } }"

PRINCIPALS = (
    Principal(role=Role.SUPER_ADMIN, subject="usr_super"),
    Principal(role=Role.PLATFORM, subject="platform-client", scopes=frozenset({"admin:read"})),
    Principal(role=Role.PARTNER_ADMIN, subject="usr_partner", partner_id="prt_a"),
    Principal(role=Role.TENANT_ADMIN, subject="usr_tenant", partner_id="prt_a", tenant_id="tnt_a"),
)


def _ids(resource: Resource) -> str:
    return resource.name


def _strawberry_type(name: str) -> type:
    """The Strawberry class of the GraphQL type `name` (its definition's origin), for
    `get_object_definition`."""
    origin = getattr(schema.get_type_by_name(name), "origin", None)
    assert isinstance(origin, type), name
    return origin


class TestEveryTableIsDescribed:
    def test_each_table_has_a_descriptor_or_a_reason(self) -> None:
        described = {r.table.name for r in RESOURCES}
        tables = set(Base.metadata.tables)

        assert not described & set(NON_RESOURCES), "described and explained away at once"
        assert tables - described - set(NON_RESOURCES) == set(), "tables with no descriptor"
        assert set(NON_RESOURCES) - tables == set(), "reasons given for tables that do not exist"
        assert all(reason.strip() for reason in NON_RESOURCES.values())

    def test_each_id_prefix_belongs_to_one_descriptor_or_is_explained(self) -> None:
        prefixes = [r.prefix for r in RESOURCES]

        assert len(prefixes) == len(set(prefixes)), "two descriptors share a prefix"
        assert set(IdPrefix) == set(prefixes) | NON_RESOURCE_PREFIXES
        assert not set(prefixes) & NON_RESOURCE_PREFIXES
        assert len(BY_NAME) == len(RESOURCES), "two descriptors share a name"
        assert len(BY_GRAPHQL_TYPE) == len(RESOURCES), "two descriptors share a GraphQL type"


@pytest.mark.parametrize("resource", RESOURCES, ids=_ids)
class TestDescriptorIsComplete:
    def test_declared_columns_exist_on_its_table(self, resource: Resource) -> None:
        table = resource.table
        declared = set(resource.fields.values()) | resource.filterable | resource.sortable

        assert table.name == resource.model.__tablename__
        assert declared - set(table.c.keys()) == set()
        assert resource.fields.get("id") == "id"
        assert resource.soft_delete == ("deleted_at" in table.c)

    def test_ownership_names_a_foreign_key_to_the_owner(self, resource: Resource) -> None:
        if resource.owner is None:
            assert resource.scope is not None
            return
        owner_table = {OwnerKind.TENANT: "tenants", OwnerKind.PARTNER: "partners"}
        column = resource.column(resource.owner.column)

        assert {fk.column.table.name for fk in column.foreign_keys} == {
            owner_table[resource.owner.kind]
        }

    def test_relations_join_on_existing_columns(self, resource: Resource) -> None:
        assert len({r.name for r in resource.relations}) == len(resource.relations)
        for relation in resource.relations:
            target = BY_NAME[relation.target]
            assert relation.parent_key in resource.table.c, relation.name
            assert relation.target_key in target.table.c, relation.name
            assert set(relation.order_by) <= set(target.table.c.keys()), relation.name
            if relation.link is not None:
                link = Base.metadata.tables[relation.link.table]
                assert relation.link.parent_column in link.c, relation.name
                assert relation.link.child_column in link.c, relation.name
                # A link table, or a described resource's table (a partner's tenants).
                described = {r.table.name for r in RESOURCES}
                assert relation.link.table in NON_RESOURCES.keys() | described
            else:
                assert not relation.closure, "a closure follows a link"

    def test_every_graphql_field_maps_to_a_column_a_relation_or_a_resolver(
        self, resource: Resource
    ) -> None:
        definition = get_object_definition(_strawberry_type(resource.graphql_type), strict=True)
        plain = {f.python_name for f in definition.fields if f.base_resolver is None}
        resolved = {f.python_name for f in definition.fields if f.base_resolver is not None}
        relations = {r.name for r in resource.relations}

        assert plain == set(resource.fields)
        assert resolved == relations | resource.computed
        assert not relations & resource.computed

    @pytest.mark.parametrize("principal", PRINCIPALS, ids=lambda p: p.role.value)
    def test_scope_is_one_sql_expression_for_each_kind_of_caller(
        self, resource: Resource, principal: Principal
    ) -> None:
        clause = resource.visible(principal)
        statement = select(resource.table.c.id).where(clause)

        assert isinstance(clause, ColumnElement)
        for dialect in (sqlite.dialect(), postgresql.dialect()):
            assert "WHERE" in str(statement.compile(dialect=dialect))

    def test_descriptors_are_immutable(self, resource: Resource) -> None:
        with pytest.raises(AttributeError):
            resource.soft_delete = not resource.soft_delete  # type: ignore[misc]
        with pytest.raises(TypeError):
            resource.fields["extra"] = "id"  # type: ignore[index]


class TestMissingScopeIsRefused:
    def test_a_resource_owned_by_no_tenant_must_declare_its_scope(self) -> None:
        partner = BY_NAME["partner"]

        with pytest.raises(ValueError, match="needs a scope"):
            Resource(
                name="unscoped",
                model=partner.model,
                prefix=partner.prefix,
                graphql_type=partner.graphql_type,
                fields=partner.fields,
                owner=None,
                soft_delete=True,
            )


async def _one_of_each(sessions: async_sessionmaker[AsyncSession]) -> dict[str, Any]:
    """A row of every described resource, all under one tenant."""
    partner = await create_partner(sessions)
    tenant = await create_tenant(sessions, partner=partner)
    user = await create_user(sessions, tenant=tenant, admin_role="tenant_admin")
    return {
        "partner": partner,
        "tenant": tenant,
        "user": user,
        "group": await create_group(sessions, tenant=tenant),
        "application": await create_application(sessions, tenant=tenant),
        "identity_provider": await create_identity_provider(sessions, tenant=tenant),
        "agent": await create_agent(sessions, tenant=tenant),
        "sso_session": await create_session(sessions, user=user, partner_id=partner.id),
        "audit_event": await create_audit_event(sessions, tenant=tenant),
        "model_participant": await create_model_participant(sessions, tenant=tenant),
    }


class TestNodeDispatch:
    async def test_node_answers_for_every_node_resource_by_its_prefix(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        gql: GraphQLClient,
        tokens: Tokens,
    ) -> None:
        # given
        rows = await _one_of_each(sessions)
        assert set(rows) == set(BY_NAME)

        for resource in RESOURCES:
            # when
            result = await gql(NODE, {"id": rows[resource.name].id}, token=tokens.super_admin())

            # then
            if resource.node:
                assert result["data"]["node"] == {
                    "__typename": resource.graphql_type,
                    "id": rows[resource.name].id,
                }, resource.name
            else:
                assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND", resource.name

    async def test_node_hides_rows_outside_the_callers_scope(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        gql: GraphQLClient,
        tokens: Tokens,
    ) -> None:
        # given
        rows = await _one_of_each(sessions)
        other = await create_tenant(sessions, partner=rows["partner"])

        for resource in RESOURCES:
            if not resource.node or resource.name in ("partner", "tenant"):
                continue
            # when
            result = await gql(
                NODE, {"id": rows[resource.name].id}, token=tokens.tenant_admin(other.id)
            )

            # then
            assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND", resource.name


class TestByIdLoader:
    async def test_one_loader_per_resource_reads_only_visible_live_rows(
        self, db: None, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        # given
        rows = await _one_of_each(sessions)
        tenant = rows["tenant"]
        own = RequestContext(
            principal=Principal(
                role=Role.TENANT_ADMIN,
                subject=rows["user"].id,
                partner_id=tenant.partner_id,
                tenant_id=tenant.id,
            ),
            sessions=sessions,
        )
        stranger = RequestContext(
            principal=Principal(
                role=Role.TENANT_ADMIN, subject="usr_x", partner_id="prt_x", tenant_id="tnt_x"
            ),
            sessions=sessions,
        )

        for resource in RESOURCES:
            if resource.name == "partner":
                continue  # a tenant admin sees no partner at all
            row_id = rows[resource.name].id
            # when
            seen = await own.loaders.by_id(resource).load(row_id)
            hidden = await stranger.loaders.by_id(resource).load(row_id)

            # then
            assert seen is not None and seen.id == row_id, resource.name
            assert own.loaders.by_id(resource) is own.loaders.by_id(resource)
            assert hidden is None, resource.name


class TestTenantCascade:
    async def test_deleting_a_tenant_soft_deletes_every_tenant_owned_resource(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        gql: GraphQLClient,
        tokens: Tokens,
    ) -> None:
        # given
        rows = await _one_of_each(sessions)

        # when
        result = await gql(DELETE_TENANT, {"id": rows["tenant"].id}, token=tokens.super_admin())

        # then
        assert "errors" not in result
        assert {r.name for r in TENANT_CASCADE} == {
            "user",
            "group",
            "application",
            "identity_provider",
            "agent",
            "model_participant",
        }
        for resource in TENANT_CASCADE:
            row = await stored(sessions, resource.model, rows[resource.name].id)
            assert row.deleted_at is not None, resource.name
        session = await stored(sessions, BY_PREFIX[IdPrefix.SESSION].model, rows["sso_session"].id)
        assert session.revoked_at is not None
        assert (
            await stored(sessions, BY_NAME["partner"].model, rows["partner"].id)
        ).deleted_at is None


class TestPartnerCascade:
    async def test_deleting_a_partner_soft_deletes_what_it_and_its_tenants_own(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        gql: GraphQLClient,
        tokens: Tokens,
    ) -> None:
        # given a row of every resource under one partner, and another partner's tenant
        rows = await _one_of_each(sessions)
        bystander = await create_tenant(sessions, partner=await create_partner(sessions))
        bystander_user = await create_user(sessions, tenant=bystander)

        # when
        result = await gql(DELETE_PARTNER, {"id": rows["partner"].id}, token=tokens.super_admin())

        # then
        assert "errors" not in result, result
        assert {r.name for r in PARTNER_CASCADE} == {"tenant"}
        for resource in (BY_NAME["partner"], *PARTNER_CASCADE, *TENANT_CASCADE):
            row = await stored(sessions, resource.model, rows[resource.name].id)
            assert row.deleted_at is not None, resource.name
        session = await stored(sessions, BY_NAME["sso_session"].model, rows["sso_session"].id)
        assert (session.revoked_at is not None, session.revoked_reason) == (
            True,
            "partner_deleted",
        )
        event = await stored(sessions, BY_NAME["audit_event"].model, rows["audit_event"].id)
        assert event.id == rows["audit_event"].id  # owned by nobody: nothing deletes it
        for row in (bystander, bystander_user):
            assert (await stored(sessions, type(row), row.id)).deleted_at is None, row.id
