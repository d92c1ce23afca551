"""`?sort=` and `?search=` on REST list routes, as the list's `orderBy` and `search`.

`sort` is a comma-separated list of the resource's sortable fields as REST spells them (the
descriptor's field names, `last_sign_in_at`), each descending when prefixed with `-`:
`sort=-created_at,email` is `orderBy: [CREATED_AT_DESC, EMAIL_ASC]`. An unknown field is
refused by name, with the fields that are accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from resolvers.errors import BadInput
from resolvers.listing.ordering import constant
from resolvers.resources import Resource


def sort_fields(resource: Resource) -> list[str]:
    return sorted(resource.sortable)


def sort_description(resource: Resource) -> str:
    return (
        "Comma-separated fields to order by, each descending with a leading `-` "
        f"(`-created_at,id`); one of: {', '.join(sort_fields(resource))}. "
        "NULLs sort last; the id breaks ties."
    )


def search_description(resource: Resource) -> str:
    return f"Rows where any of {', '.join(resource.searchable)} contains this text, ignoring case."


def order_by(resource: Resource, sort: str) -> list[str]:
    """`sort` as `orderBy` names, or a refusal naming the field that is not sortable."""
    names = []
    for part in sort.split(","):
        field = part.strip()
        descending = field.startswith("-")
        field = field.removeprefix("-").strip()
        if field not in resource.sortable:
            accepted = ", ".join(sort_fields(resource))
            shown = field or "an empty field"
            raise BadInput("sort", f"{shown} is not a sortable field (accepted: {accepted})")
        names.append(f"{constant(field)}_{'DESC' if descending else 'ASC'}")
    return names


def listing_variables(resource: Resource | None, query: Mapping[str, str]) -> dict[str, Any]:
    """The `$search` and `$orderBy` of a list route's call."""
    if resource is None:
        return {}
    variables: dict[str, Any] = {}
    if "search" in query:
        variables["search"] = query["search"]
    if "sort" in query:
        variables["orderBy"] = order_by(resource, query["sort"])
    return variables
