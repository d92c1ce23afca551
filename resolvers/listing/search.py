"""`search:` a text matched case-insensitively against a resource's searchable fields.

The fields are the descriptor's (`Resource.searchable`: users' e-mail, display, first and last
name; the name, and slug where there is one, of groups, tenants, partners, applications).
A row matches when any of them contains the text; blank text matches every row.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, true

from core.principals import Principal
from resolvers.errors import BadInput
from resolvers.listing import limits
from resolvers.resources import Resource


def compile_search(
    resource: Resource, text: str | None, path: str = "search", principal: Principal | None = None
) -> ColumnElement[bool]:
    """Rows where a searchable field contains `text`; fields `principal` (when given) may not
    read are left out, so a search reveals nothing of them."""
    if text is None:
        return true()
    if not isinstance(text, str):
        raise BadInput(path, "must be a String")
    if len(text) > limits.MAX_TEXT_LENGTH:
        raise BadInput(path, f"is longer than {limits.MAX_TEXT_LENGTH} characters")
    if not resource.searchable:
        raise BadInput(path, f"{resource.graphql_type} has no searchable fields")
    needle = text.strip()
    if not needle:
        return true()
    matches = []
    for name in resource.searchable:
        if principal is not None and not resource.readable(principal, name):
            continue
        column = resource.column(resource.fields[name])
        match = column.icontains(needle, autoescape=True)
        matches.append(and_(column.is_not(None), match) if column.nullable else match)
    return or_(false(), *matches)
