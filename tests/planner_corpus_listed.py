"""The planner corpus's requests with listing arguments: filters, orders, search and keyset
pages of root lists, the audit list and relation connections (`tests.planner_corpus` adds
them to what every reader sends)."""

from __future__ import annotations

from resolvers import resources
from resolvers.pagination import encode_cursor
from tests.planner_requests import ADA, Request, keyset

LISTED_USERS = """
query Listed($filter: UserFilter, $orderBy: [UserOrderBy!], $search: String, $first: Int,
             $after: String, $last: Int, $before: String) {
  users(filter: $filter, orderBy: $orderBy, search: $search, first: $first, after: $after,
        last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges {
      cursor node { id email displayName status groups(first: 2) { totalCount nodes { id } } }
    }
  }
}
"""
LISTED_TENANTS = """
query ListedTenants($orderBy: [TenantOrderBy!], $search: String, $after: String, $last: Int,
                    $before: String, $filter: TenantFilter, $first: Int) {
  tenants(orderBy: $orderBy, search: $search, after: $after, last: $last, before: $before,
          filter: $filter, first: $first) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { id slug users(first: 1) { totalCount nodes { email } } }
  }
}
"""

LISTED_RELATIONS = """
query ListedRelations($filter: UserFilter, $orderBy: [UserOrderBy!], $search: String,
                      $first: Int, $after: String, $last: Int, $before: String,
                      $groups: GroupFilter) {
  tenants(first: 5) {
    nodes {
      id
      users(filter: $filter, orderBy: $orderBy, search: $search, first: $first, after: $after,
            last: $last, before: $before) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges {
          cursor
          node {
            id email displayName status
            groups(filter: $groups, orderBy: [NAME_DESC]) { totalCount nodes { id name } }
          }
        }
      }
      groups(search: "group", orderBy: [CREATED_AT_DESC], last: 2) {
        pageInfo { hasNextPage hasPreviousPage endCursor }
        nodes { id members(filter: {status: {ne: LOCKED}}) { totalCount nodes { email } } }
      }
    }
  }
}
"""
LISTED_PARTNER_RELATIONS = """
query ListedPartnerRelations($tenants: TenantFilter, $sessions: SessionFilter) {
  partners(first: 5) {
    nodes {
      id
      tenants(filter: $tenants, orderBy: [SLUG_DESC], first: 1) {
        totalCount pageInfo { hasNextPage endCursor } nodes { slug }
      }
      users(search: "ADA", orderBy: [LAST_SIGN_IN_AT_DESC]) { totalCount nodes { email } }
      sessions(filter: $sessions, orderBy: [REVOKED_AT_ASC], last: 3) {
        totalCount edges { cursor node { id revokedAt } }
      }
    }
  }
}
"""


LISTED_FOR_EVERY_READER = [
    Request(
        "listed: filter",
        LISTED_USERS,
        lambda w: {
            "filter": {
                "status": {"in": ["ACTIVE", "LOCKED"]},
                "or": [{"emailVerified": {"eq": True}}, {"displayName": {"isNull": True}}],
            }
        },
    ),
    Request(
        "listed: order, nulls last",
        LISTED_USERS,
        lambda w: {"orderBy": ["DISPLAY_NAME_DESC", "EMAIL_ASC"], "first": 4},
    ),
    Request("listed: search", LISTED_USERS, lambda w: {"search": "ada \u00dc."}),
    Request(
        "listed: no groups, or locked",
        LISTED_USERS,
        lambda w: {"filter": {"or": [{"groups": {"none": {}}}, {"status": {"eq": "LOCKED"}}]}},
    ),
    Request("listed: last", LISTED_USERS, lambda w: {"orderBy": ["EMAIL_DESC"], "last": 2}),
    Request(
        "listed: after a position",
        LISTED_USERS,
        lambda w: {
            "orderBy": ["DISPLAY_NAME_ASC"],
            "after": keyset(resources.USER, ["DISPLAY_NAME_ASC"], display_name=ADA, id="usr_0"),
        },
    ),
    Request(
        "listed: before a null position",
        LISTED_USERS,
        lambda w: {
            "orderBy": ["DISPLAY_NAME_DESC", "EMAIL_ASC"],
            "last": 3,
            "before": keyset(
                resources.USER,
                ["DISPLAY_NAME_DESC", "EMAIL_ASC"],
                display_name=None,
                email="user5@example.com",
                id="usr_z",
            ),
        },
    ),
    Request(
        "listed: offset cursor in an order",
        LISTED_USERS,
        lambda w: {"orderBy": ["EMAIL_ASC"], "after": encode_cursor(1), "first": 3},
    ),
    Request(
        "listed tenants: after a tenant",
        LISTED_TENANTS,
        lambda w: {
            "orderBy": ["SLUG_ASC"],
            "after": keyset(resources.TENANT, ["SLUG_ASC"], slug=w.tenant.slug, id=w.tenant.id),
        },
    ),
    Request(
        "listed tenants: search, last", LISTED_TENANTS, lambda w: {"search": "TENANT", "last": 1}
    ),
    Request(
        "listed tenants: filter",
        LISTED_TENANTS,
        lambda w: {"filter": {"not": {"status": {"eq": "SUSPENDED"}}}, "orderBy": ["NAME_DESC"]},
    ),
]
AUDIT_LIST = """
query ($filter: AuditEventFilter, $orderBy: [AuditEventOrderBy!], $first: Int, $after: String,
       $last: Int, $before: String) {
  auditEvents(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last,
              before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id action result actorType tenantId partnerId createdAt metadata } }
  }
}
"""
LISTED_FOR_EVERY_READER += [
    Request("audit: newest first", AUDIT_LIST, lambda w: {"first": 4}),
    Request(
        "audit: lists and prefixes",
        AUDIT_LIST,
        lambda w: {
            "filter": {
                "action": {"startsWith": "AUTH."},
                "result": {"in": ["FAILURE", "DENIED"]},
                "or": [{"tenantId": {"isNull": True}}, {"not": {"actorType": {"eq": "USER"}}}],
            }
        },
    ),
    Request(
        "audit: since, ordered, last",
        AUDIT_LIST,
        lambda w: {
            "filter": {"since": "2026-11-21T00:00:00", "until": "2026-11-24T00:00:00Z"},
            "orderBy": ["CREATED_AT_ASC"],
            "last": 3,
        },
    ),
    Request(
        "audit: after a position",
        AUDIT_LIST,
        lambda w: {
            "orderBy": ["RESULT_DESC", "ACTION_ASC"],
            "after": keyset(
                resources.AUDIT_EVENT,
                ["RESULT_DESC", "ACTION_ASC"],
                result="failure",
                action="auth.sign_in",
                id="aud_0",
            ),
        },
    ),
]
LISTED_RELATIONS_FOR_EVERY_READER = [
    Request("relations listed: defaults", LISTED_RELATIONS),
    Request(
        "relations listed: filter",
        LISTED_RELATIONS,
        lambda w: {
            "filter": {"or": [{"status": {"eq": "LOCKED"}}, {"displayName": {"isNull": False}}]},
            "groups": {"members": {"some": {"mfaEnabled": {"eq": True}}}},
        },
    ),
    Request(
        "relations listed: order, nulls last",
        LISTED_RELATIONS,
        lambda w: {"orderBy": ["DISPLAY_NAME_DESC", "EMAIL_ASC"], "first": 2},
    ),
    Request("relations listed: search", LISTED_RELATIONS, lambda w: {"search": "ada \u00dc."}),
    Request(
        "relations listed: last", LISTED_RELATIONS, lambda w: {"orderBy": ["EMAIL_DESC"], "last": 2}
    ),
    Request(
        "relations listed: after a null position",
        LISTED_RELATIONS,
        lambda w: {
            "orderBy": ["DISPLAY_NAME_ASC"],
            "after": keyset(resources.USER, ["DISPLAY_NAME_ASC"], display_name=None, id="usr_0"),
        },
    ),
    Request(
        "relations listed: after a position",
        LISTED_RELATIONS,
        lambda w: {
            "orderBy": ["DISPLAY_NAME_DESC"],
            "after": keyset(resources.USER, ["DISPLAY_NAME_DESC"], display_name=ADA, id="usr_z"),
        },
    ),
    Request(
        "relations listed: before a position",
        LISTED_RELATIONS,
        lambda w: {
            "last": 1,
            "before": keyset(resources.USER, ["ID_ASC"], id="usr_z"),
        },
    ),
    Request(
        "relations listed: offset cursor",
        LISTED_RELATIONS,
        lambda w: {"orderBy": ["EMAIL_ASC"], "after": encode_cursor(0), "first": 1},
    ),
    Request(
        "relations listed: offset past the rows, before a position",
        LISTED_RELATIONS,
        lambda w: {
            "after": encode_cursor(5),
            "before": keyset(resources.USER, ["ID_ASC"], id="usr_z"),
        },
    ),
    Request("relations listed: empty pages", LISTED_RELATIONS, lambda w: {"first": 0}),
]
# Partners are a super admin's: planned for that caller, refused to the others.
LISTED_PARTNER_RELATIONS_PAGES = [
    Request("partner relations listed", LISTED_PARTNER_RELATIONS),
    Request(
        "partner relations listed: filters",
        LISTED_PARTNER_RELATIONS,
        lambda w: {
            "tenants": {"status": {"eq": "ACTIVE"}},
            "sessions": {"revokedAt": {"isNull": True}},
        },
    ),
]
