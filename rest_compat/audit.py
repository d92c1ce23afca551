"""`/api/v1/admin/audit`: read-only. Only `GET` is routed, so any other method is 405.

Filters are query parameters (`?action=user.create&since=2025-01-01T00:00:00Z`) mapped onto
the `auditEvents` filter (`AuditEventFilter`): each one is its field's `eq`
(`?result=denied` is `result: {eq: DENIED}`, in any case), `since`/`until` the filter's
shorthands. A value GraphQL cannot read as its type (a `since` that is not ISO 8601, a
`result` that is none of the enum's) is a 422 naming the parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

from rest_compat.documents import selection
from rest_compat.table import Route, Shape, no_variables, path_ids

AUDIT_EVENT = selection(
    "id created_at actor_id actor_type actor_role partner_id tenant_id action resource_type"
    " resource_id result metadata ip user_agent request_id"
)

# query parameter → (the `AuditEventFilter` field it sets, also the name of its GraphQL
# variable; the variable's type; the operator it is for, None for a shorthand, which takes
# the value itself).
FILTERS: dict[str, tuple[str, str, str | None]] = {
    "action": ("action", "String", "eq"),
    "actor_id": ("actorId", "ID", "eq"),
    "actor_type": ("actorType", "ActorType", "eq"),
    "resource_type": ("resourceType", "String", "eq"),
    "resource_id": ("resourceId", "ID", "eq"),
    "result": ("result", "AuditResult", "eq"),
    "tenant_id": ("tenantId", "ID", "eq"),
    "partner_id": ("partnerId", "ID", "eq"),
    "since": ("since", "DateTime", None),
    "until": ("until", "DateTime", None),
}


def _field(name: str, operator: str | None) -> str:
    # An operator whose variable is not given is left out, so `{eq: $action}` then holds
    # no condition.
    return f"{name}: ${name}" if operator is None else f"{name}: {{{operator}: ${name}}}"


@dataclass(frozen=True)
class AuditFilter:
    """Some of `FILTERS`, as a route needs them: the document's variable declarations, the
    `auditEvents` filter's fields, and the route's query parameter → variable map."""

    declared: str
    fields: str
    params: dict[str, str]

    @classmethod
    def of(cls, *params: str) -> AuditFilter:
        chosen = {param: FILTERS[param] for param in params}
        return cls(
            declared=", ".join(f"${name}: {kind}" for name, kind, _ in chosen.values()),
            fields=", ".join(_field(name, operator) for name, _, operator in chosen.values()),
            params={param: variable for param, (variable, *_) in chosen.items()},
        )


_FILTER = AuditFilter.of(*FILTERS)

ROUTES = [
    Route(
        "GET",
        "/audit",
        f"""query ($first: Int, $after: String, {_FILTER.declared}) {{
            auditEvents(first: $first, after: $after, filter: {{ {_FILTER.fields} }}) {{
                totalCount nodes {{ {AUDIT_EVENT} }} }} }}""",
        "auditEvents",
        no_variables,
        shape=Shape.PAGE,
        filters=_FILTER.params,
        summary="List audit events in the caller's scope, newest first",
    ),
    Route(
        "GET",
        "/audit/{id}",
        f"query ($id: ID!) {{ auditEvent(id: $id) {{ {AUDIT_EVENT} }} }}",
        "auditEvent",
        path_ids(id="id"),
        summary="Get an audit event",
    ),
]
