"""User queries and mutations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from resolvers import resources, users
from schema.connection import connection_from_keyset
from schema.context import request_context
from schema.directives import reads, writes
from schema.inputs import provided_fields
from schema.prefetch import prefetched
from schema.scalars import JSON
from schema.selection import page_relay
from schema.types import connections
from schema.types.deleted import DeletedNode
from schema.types.enums import AdminRole as UserAdminRole
from schema.types.enums import UserStatus
from schema.types.filters import filter_type, listing, order_type, search_description
from schema.types.user import User

if TYPE_CHECKING:
    UserFilter = Any
    UserOrderBy = Any
else:
    UserFilter = filter_type(resources.USER)
    UserOrderBy = order_type(resources.USER)
USER_SEARCH = search_description(resources.USER)

ADMIN_ROLE_DESCRIPTION = (
    "Null: not an admin. A tenant admin may grant TENANT_ADMIN; a partner admin or a platform "
    "token up to PARTNER_ADMIN; a super admin any role. Changing it ends the user's sessions."
)


@strawberry.input(description="`tenantId` may be left out by a tenant admin: its own tenant.")
class CreateUserInput:
    email: str
    tenant_id: strawberry.ID | None = strawberry.UNSET
    display_name: str | None = strawberry.UNSET
    first_name: str | None = strawberry.UNSET
    last_name: str | None = strawberry.UNSET
    status: UserStatus | None = strawberry.UNSET
    email_verified: bool | None = strawberry.UNSET
    password: str | None = strawberry.field(
        default=strawberry.UNSET, description="At least 12 characters; stored as an Argon2 hash."
    )
    custom_attributes: JSON | None = strawberry.UNSET
    admin_role: UserAdminRole | None = strawberry.field(
        default=strawberry.UNSET, description=ADMIN_ROLE_DESCRIPTION
    )


@strawberry.input(
    description="Only the fields given are changed. Passwords change through `resetUserPassword`."
)
class UpdateUserInput:
    email: str | None = strawberry.UNSET
    display_name: str | None = strawberry.UNSET
    first_name: str | None = strawberry.UNSET
    last_name: str | None = strawberry.UNSET
    status: UserStatus | None = strawberry.UNSET
    email_verified: bool | None = strawberry.UNSET
    custom_attributes: JSON | None = strawberry.UNSET
    admin_role: UserAdminRole | None = strawberry.field(
        default=strawberry.UNSET, description=ADMIN_ROLE_DESCRIPTION
    )


@strawberry.input(description="Leave `password` out to have a temporary one generated.")
class ResetPasswordInput:
    password: str | None = strawberry.UNSET


@strawberry.type
class ResetPasswordPayload:
    user: User
    temporary_password: str | None = strawberry.field(
        description="The generated password, shown this once; null when the caller chose one."
    )


@strawberry.type
class UserQuery:
    @strawberry.field(extensions=reads(), description="Users the caller may see.")
    async def users(
        self,
        info: strawberry.Info,
        first: int | None = None,
        after: str | None = None,
        tenant_id: strawberry.ID | None = None,
        status: UserStatus | None = None,
        filter: UserFilter | None = None,
        order_by: list[UserOrderBy] | None = None,
        search: Annotated[str | None, strawberry.argument(description=USER_SEARCH)] = None,
        last: int | None = None,
        before: str | None = None,
    ) -> connections.UserConnection:
        page = await users.list_(
            request_context(info),
            page_relay(info, first, after, last, before),
            listing(filter, order_by, search),
            tenant_id=tenant_id,
            status=status,
        )
        return await prefetched(info, connection_from_keyset(page))

    @strawberry.field(extensions=reads())
    async def user(self, info: strawberry.Info, id: strawberry.ID) -> User | None:
        row: Any = await users.get(request_context(info), id)
        return row


@strawberry.type
class UserMutation:
    @strawberry.mutation(extensions=writes(audit="user.create"))
    async def create_user(self, info: strawberry.Info, input: CreateUserInput) -> User:
        row: Any = await users.create(request_context(info), provided_fields(input))
        return row

    @strawberry.mutation(extensions=writes(audit="user.update"))
    async def update_user(
        self, info: strawberry.Info, id: strawberry.ID, input: UpdateUserInput
    ) -> User:
        row: Any = await users.update(request_context(info), id, provided_fields(input))
        return row

    @strawberry.mutation(extensions=writes(audit="user.delete"))
    async def delete_user(self, info: strawberry.Info, id: strawberry.ID) -> DeletedNode:
        row = await users.delete(request_context(info), id)
        assert row.deleted_at is not None
        return DeletedNode(id=strawberry.ID(row.id), deleted_at=row.deleted_at)

    @strawberry.mutation(extensions=writes(audit="user.reset_password"))
    async def reset_user_password(
        self, info: strawberry.Info, id: strawberry.ID, input: ResetPasswordInput | None = None
    ) -> ResetPasswordPayload:
        password = provided_fields(input).get("password") if input is not None else None
        row: Any
        row, temporary = await users.reset_password(request_context(info), id, password)
        return ResetPasswordPayload(user=row, temporary_password=temporary)

    @strawberry.mutation(
        extensions=writes(audit="user.disable_mfa"),
        description="Turns MFA off and forgets its secret.",
    )
    async def disable_user_mfa(self, info: strawberry.Info, id: strawberry.ID) -> User:
        row: Any = await users.disable_mfa(request_context(info), id)
        return row
