"""A field only some roles may read (`Resource.readable_by`) cannot be filtered, ordered or
grouped on by another role: the refusal is the one reading it gives (FORBIDDEN), naming the
argument's path; search leaves it out. No described field is restricted today, so the
mechanism is shown on users' `admin_role` restricted to super admins in a copy of the
descriptor."""

from __future__ import annotations

import dataclasses

import pytest

from core.principals import Principal, Role
from resolvers import resources
from resolvers.errors import AccessDenied, ErrorCode
from resolvers.listing import Listing, Relay
from resolvers.listing.grouping import Grouping, group_field_name
from resolvers.listing.related import RelationListing
from resolvers.listing.search import compile_search

RESTRICTED = dataclasses.replace(
    resources.USER, readable_by={"admin_role": frozenset({Role.SUPER_ADMIN})}
)
SUPER = Principal(role=Role.SUPER_ADMIN, subject="usr_super")
TENANT_ADMIN = Principal(role=Role.TENANT_ADMIN, subject="usr_t", tenant_id="ten_1")


def test_no_described_field_is_restricted_today() -> None:
    assert all(not resource.readable_by for resource in resources.RESOURCES)


@pytest.mark.parametrize(
    ("listing", "path"),
    [
        (
            Listing(filter={"or": [{}, {"adminRole": {"eq": "TENANT_ADMIN"}}]}),
            "filter.or[1].adminRole",
        ),
        (Listing(order_by=["EMAIL_ASC", "ADMIN_ROLE_DESC"]), "orderBy[1]"),
    ],
)
def test_filter_and_order_are_refused_like_reading(listing: Listing, path: str) -> None:
    with pytest.raises(AccessDenied) as refused:
        listing.condition(RESTRICTED, TENANT_ADMIN)
        listing.order(RESTRICTED, TENANT_ADMIN)

    assert refused.value.code is ErrorCode.FORBIDDEN
    assert refused.value.extensions["field"] == path
    assert str(refused.value) == (
        f"Access denied: {path} names adminRole, which the caller may not read"
    )
    # A role that may read the field filters and orders on it.
    listing.condition(RESTRICTED, SUPER)
    listing.order(RESTRICTED, SUPER)


def test_grouping_is_refused_like_reading() -> None:
    with pytest.raises(AccessDenied):
        group_field_name(RESTRICTED, "ADMIN_ROLE", principal=TENANT_ADMIN)
    with pytest.raises(AccessDenied):
        Grouping.of(RESTRICTED, "ADMIN_ROLE", TENANT_ADMIN)
    assert group_field_name(RESTRICTED, "ADMIN_ROLE", principal=SUPER) == "admin_role"


def test_search_leaves_out_what_the_caller_may_not_read() -> None:
    searchable = dataclasses.replace(
        resources.USER, readable_by={"email": frozenset({Role.SUPER_ADMIN})}
    )

    for_tenant_admin = str(compile_search(searchable, "ann", principal=TENANT_ADMIN))
    for_super_admin = str(compile_search(searchable, "ann", principal=SUPER))

    assert "users.email" not in for_tenant_admin
    assert "users.display_name" in for_tenant_admin
    assert "users.email" in for_super_admin


@pytest.mark.parametrize(
    ("listing", "path"),
    [
        (Listing(filter={"not": {"adminRole": {"ne": "TENANT_ADMIN"}}}), "filter.not.adminRole"),
        (Listing(order_by=["ADMIN_ROLE_ASC"]), "orderBy[0]"),
    ],
)
def test_a_relation_connection_refuses_them_like_a_root_list(listing: Listing, path: str) -> None:
    # `tenant.users(filter: …, orderBy: …)` checks its arguments through the same compiler.
    with pytest.raises(AccessDenied) as refused:
        RelationListing.of(RESTRICTED, TENANT_ADMIN, listing, Relay(first=5))

    assert refused.value.extensions["field"] == path
    assert RelationListing.of(RESTRICTED, SUPER, listing, Relay(first=5)).request.size == 5
