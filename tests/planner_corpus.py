"""The planner's corpus: documents planned and not, with the variables each request sends.

Both the differential test (planner on and off give the same bytes) and the statement counts
read it.
"""

from __future__ import annotations

from resolvers import resources
from resolvers.pagination import MAX_OFFSET, encode_cursor
from tests.planner_corpus_listed import (
    LISTED_FOR_EVERY_READER,
    LISTED_PARTNER_RELATIONS_PAGES,
    LISTED_RELATIONS,
    LISTED_RELATIONS_FOR_EVERY_READER,
    LISTED_USERS,
)
from tests.planner_requests import Request, keyset

FLAT = "{ users(first: 100) { nodes { id email } } }"

USERS_EVERY_COLUMN = """
{
  users(first: 50) {
    __typename
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename }
    nodes {
      __typename id tenantId email displayName firstName lastName status emailVerified
      mfaEnabled mustChangePassword passwordChangedAt customAttributes adminRole
      createdAt updatedAt
    }
  }
}
"""

USERS_PAGE = """
query Page($first: Int, $after: String, $tenantId: ID, $status: UserStatus) {
  users(first: $first, after: $after, tenantId: $tenantId, status: $status) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { id email status }
  }
}
"""

ALIASES = """
{
  __typename
  some: users(first: 1) { count: totalCount list: nodes { mail: email who: id } }
  more: users(first: 3, after: "b2Zmc2V0OjA=") { nodes { id } pageInfo { endCursor } }
  tenants { nodes { id partnerId name slug status contactEmail settings branding } }
}
"""

TENANTS_OF = """
query TenantsOf($partnerId: ID, $status: TenantStatus) {
  tenants(partnerId: $partnerId, status: $status) { totalCount nodes { id name } }
}
"""

PARTNERS = """
{
  partners(first: 10) {
    totalCount
    nodes {
      id name slug status contactEmail maxTenants maxUsersPerTenant
      maxApplicationsPerTenant createdAt updatedAt
    }
  }
}
"""

GROUPS_OF = """
query GroupsOf($tenantId: ID) {
  groups(first: 5, tenantId: $tenantId) {
    totalCount pageInfo { hasNextPage } nodes { id tenantId name description createdAt }
  }
}
"""

EXPLICIT_NULLS = """
{ users(first: null, after: null, tenantId: null, status: null) { totalCount nodes { id } } }
"""

TWO_OPERATIONS = """
query Tenants { tenants { nodes { id } } }
query Users { users(first: 2) { nodes { email } } }
"""

NESTED = """
{
  partners(first: 5) {
    totalCount
    nodes {
      id name
      tenants(first: 5) {
        totalCount
        nodes {
          id name
          users(first: 5) {
            totalCount
            nodes {
              id email
              groups(first: 5) { nodes { id name } }
              effectiveGroups(first: 5) { totalCount nodes { id } }
            }
          }
          groups(first: 5) {
            nodes { id children { nodes { id } } effectiveMembers { totalCount } }
          }
        }
      }
    }
  }
}
"""

BENCH_NESTED = """
{ partners(first: 10) { nodes { id name
    tenants(first: 10) { nodes { id name
      users(first: 10) { nodes { id email
        groups(first: 5) { nodes { id name } } } } } } } } }
"""

TENANT_TREE = """
query Tree($first: Int, $after: String) {
  tenants(first: 5) {
    nodes {
      __typename id
      people: users(first: $first, after: $after) {
        __typename
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        nodes {
          email status
          groups(first: 5) { totalCount nodes { name parents(first: 3) { nodes { id } } } }
        }
      }
      groups(first: 1) { pageInfo { hasNextPage } nodes { members(first: 5) { nodes { email } } } }
      applications { totalCount }
    }
  }
}
"""

USER_GROUPS = """
query UserGroups($first: Int, $after: String) {
  users(first: 10) { nodes { id effectiveGroups(first: $first, after: $after) { nodes { id } } } }
}
"""

WITH_FRAGMENT = "{ users(first: 5) { nodes { ...Who } } } fragment Who on User { id email }"
EDGES = """
query Edges($after: String) {
  users(first: 3, after: $after) {
    edges { __typename cursor node { __typename id email } }
    nodes { id }
  }
  tenants(first: 2) {
    edges {
      node { id users(first: 2) { edges { at: cursor node { groups { nodes { id } } } } } }
    }
  }
}
"""
DASHBOARD = """
query Dashboard($first: Int, $after: String) {
  tenants(first: 5) {
    nodes {
      id
      users { totalCount }
      sessions(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        nodes {
          id userId tenantId partnerId adminRole ip userAgent createdAt expiresAt revokedAt
          revokedReason
        }
      }
    }
  }
  users(first: 10) {
    nodes { id lastSignInAt sessions(first: 2) { totalCount nodes { id createdAt } } }
  }
}
"""
PARTNER_COUNTS = """
{
  partners(first: 10) {
    totalCount
    nodes {
      id tenants { totalCount } users(first: 2) { totalCount nodes { id lastSignInAt } }
      sessions { totalCount edges { cursor node { id } } }
    }
  }
}
"""
SESSION_ACTIVE = "{ tenants { nodes { sessions { nodes { id active } } } } }"
WITH_SKIP = "{ users(first: 5) { nodes { id email @skip(if: true) } } }"
FRAGMENTS = """
query Fragments {
  users(first: 4) {
    ... on UserConnection { totalCount }
    nodes { ...Who ... on User { status } ... { createdAt ...Who } }
  }
  ...Roots
}
fragment Who on User { id email groups(first: 2) { ...Names } }
fragment Names on GroupConnection { totalCount nodes { name } }
fragment Roots on Query { __typename tenants(first: 2) { nodes { ...Tenant } } }
fragment Tenant on Tenant { id name users(first: 1) { nodes { ...Who } } }
"""
CONDITIONS = """
query Conditions($withEmail: Boolean!, $skipGroups: Boolean = false) {
  users(first: 3) {
    totalCount @include(if: false)
    pageInfo @skip(if: false) { hasNextPage }
    nodes {
      id
      email @include(if: $withEmail)
      ...Groups @skip(if: $skipGroups)
      ... @include(if: $withEmail) { status }
    }
  }
  tenants(first: 2) @skip(if: $skipGroups) { nodes { id } }
}
fragment Groups on User { groups(first: 2) { nodes { id name @include(if: $withEmail) } } }
"""
MERGED = """
{
  users(first: 3) {
    nodes { id groups(first: 2) { nodes { id } } }
    nodes { email groups(first: 2) { totalCount nodes { name } } }
    totalCount
    totalCount
  }
  users(first: 3) { pageInfo { hasNextPage } }
}
"""
TO_ONE = """
{
  users(first: 10) { nodes { id tenant { id name partner { id name status } } } }
  groups(first: 5) {
    nodes {
      name
      tenant { __typename slug users(first: 2) { totalCount nodes { email tenant { id } } } }
    }
  }
}
"""
TO_ONE_BELOW_RELATIONS = """
query Owners($first: Int) {
  tenants(first: 5) {
    nodes {
      id
      partner { id slug tenants(first: $first) { nodes { id partner { name } } } }
      applications { nodes { name tenant { id } } }
      identityProviders { nodes { name owner: tenant { id status } } }
      agents { nodes { name tenant { name } tenant { id } } }
      groups(first: 2) { nodes { members(first: 2) { nodes { tenant { partner { id } } } } } }
    }
  }
}
"""
APPLICATIONS = """
query Applications($first: Int, $after: String, $tenantId: ID, $level: ApplicationLevel) {
  applications(first: $first, after: $after, tenantId: $tenantId, level: $level) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes {
      __typename id tenantId level appType name description enabled clientId allowedScopes
      redirectUris allowedOrigins tokenLifetime tokenExchangeAllowed createdAt updatedAt
      tenant { id name }
    }
  }
}
"""
IDENTITY_PROVIDERS = """
query Providers($tenantId: ID, $protocol: IdentityProviderProtocol) {
  identityProviders(first: 10, tenantId: $tenantId, protocol: $protocol) {
    totalCount
    edges {
      cursor
      node {
        id tenantId protocol name enabled issuer clientId scopes discoveryUrl entityId ssoUrl
        metadataUrl x509Certificate certificateFingerprint certificateExpiresAt
        attributeMapping createdAt updatedAt tenant { id }
      }
    }
  }
}
"""
AGENTS = """
query Agents($tenantId: ID) {
  agents(tenantId: $tenantId) {
    totalCount
    nodes {
      id tenantId name description enabled allowedTools allowedScopes rateLimitRpm
      createdAt updatedAt tenant { slug partner { id } }
    }
  }
}
"""
WITH_CLIENT_SECRET = "{ applications { nodes { id hasClientSecret } } }"
SESSION_OWNERS = """
{
  tenants(first: 5) {
    nodes { sessions(first: 3) { nodes { id user { email tenant { id } } tenant { slug } } } }
  }
}
"""
# A fragment on an interface: the planner leaves it to the executor.
ON_INTERFACE = "{ users(first: 2) { nodes { ...Id } } } fragment Id on Node { id }"
MIXED_ROOTS = "{ users(first: 2) { nodes { id } } viewer { __typename } }"

PARTNERS_PAGE = Request("partners", PARTNERS)
PLANNABLE_FOR_EVERY_READER = [
    Request("flat", FLAT),
    Request("users every column", USERS_EVERY_COLUMN),
    Request("aliases", ALIASES, several_roots=True),
    Request("explicit nulls", EXPLICIT_NULLS),
    Request("second operation", TWO_OPERATIONS, operation_name="Users"),
    Request("page: defaults", USERS_PAGE),
    Request("page: first two", USERS_PAGE, lambda w: {"first": 2}),
    Request("page: after", USERS_PAGE, lambda w: {"first": 2, "after": encode_cursor(1)}),
    Request("page: past the end", USERS_PAGE, lambda w: {"after": encode_cursor(500)}),
    Request("page: first zero", USERS_PAGE, lambda w: {"first": 0}),
    Request("page: first 100", USERS_PAGE, lambda w: {"first": 100}),
    Request("page: tenant", USERS_PAGE, lambda w: {"tenantId": w.tenant.id}),
    Request("page: foreign tenant", USERS_PAGE, lambda w: {"tenantId": w.foreign.id}),
    Request("page: unknown tenant", USERS_PAGE, lambda w: {"tenantId": "tnt_none"}),
    Request("page: status", USERS_PAGE, lambda w: {"status": "DISABLED"}),
    Request("tenants of partner", TENANTS_OF, lambda w: {"partnerId": w.partner.id}),
    Request("tenants by status", TENANTS_OF, lambda w: {"status": "SUSPENDED"}),
    Request("groups of tenant", GROUPS_OF, lambda w: {"tenantId": w.tenant.id}),
    Request("groups of all", GROUPS_OF),
]
RELATIONS_FOR_EVERY_READER = [
    Request("tenant tree", TENANT_TREE),
    Request(
        "tenant tree: page two", TENANT_TREE, lambda w: {"first": 1, "after": encode_cursor(0)}
    ),
    Request("tenant tree: empty pages", TENANT_TREE, lambda w: {"first": 0}),
    Request("user groups", USER_GROUPS, lambda w: {"first": 1}),
    Request("user groups: after", USER_GROUPS, lambda w: {"after": encode_cursor(0)}),
    Request("edges", EDGES, several_roots=True),
    Request("edges: after", EDGES, lambda w: {"after": encode_cursor(2)}, several_roots=True),
    Request("dashboard", DASHBOARD, several_roots=True),
    Request(
        "dashboard: sessions after",
        DASHBOARD,
        lambda w: {"first": 1, "after": encode_cursor(0)},
        several_roots=True,
    ),
]
FRAGMENTS_FOR_EVERY_READER = [
    Request("fragment", WITH_FRAGMENT),
    Request("skip", WITH_SKIP),
    Request("fragments: named and inline", FRAGMENTS, several_roots=True),
    Request(
        "conditions: with email", CONDITIONS, lambda w: {"withEmail": True}, several_roots=True
    ),
    Request(
        "conditions: no email, groups skipped",
        CONDITIONS,
        lambda w: {"withEmail": False, "skipGroups": True},
        several_roots=True,
    ),
    Request(
        "conditions: explicit default",
        CONDITIONS,
        lambda w: {"withEmail": False, "skipGroups": False},
        several_roots=True,
    ),
    Request("merged fields", MERGED),
    Request("to-one relations", TO_ONE, several_roots=True),
    Request("to-one relations below relations", TO_ONE_BELOW_RELATIONS),
    Request("to-one relations: empty pages", TO_ONE_BELOW_RELATIONS, lambda w: {"first": 0}),
    Request("to-one relations of sessions", SESSION_OWNERS),
]
ROOT_LISTS_FOR_EVERY_READER = [
    Request("applications", APPLICATIONS),
    Request(
        "applications: page two", APPLICATIONS, lambda w: {"first": 1, "after": encode_cursor(0)}
    ),
    Request("applications: tenant", APPLICATIONS, lambda w: {"tenantId": w.tenant.id}),
    Request("applications: global", APPLICATIONS, lambda w: {"level": "GLOBAL"}),
    Request("identity providers", IDENTITY_PROVIDERS),
    Request("identity providers: saml", IDENTITY_PROVIDERS, lambda w: {"protocol": "SAML"}),
    Request(
        "identity providers: foreign", IDENTITY_PROVIDERS, lambda w: {"tenantId": w.foreign.id}
    ),
    Request("agents", AGENTS),
    Request("agents: tenant", AGENTS, lambda w: {"tenantId": w.tenant.id}),
]
PLANNABLE_FOR_EVERY_READER += LISTED_FOR_EVERY_READER + LISTED_RELATIONS_FOR_EVERY_READER
NESTED_PAGE = Request("nested", NESTED)
BENCH_NESTED_PAGE = Request("bench nested", BENCH_NESTED)
PLANNABLE_FOR_EVERY_READER += RELATIONS_FOR_EVERY_READER + FRAGMENTS_FOR_EVERY_READER
PLANNABLE_FOR_EVERY_READER += ROOT_LISTS_FOR_EVERY_READER
PLANNABLE = [
    *PLANNABLE_FOR_EVERY_READER,
    PARTNERS_PAGE,
    NESTED_PAGE,
    BENCH_NESTED_PAGE,
    Request("partner counts", PARTNER_COUNTS),
    *LISTED_PARTNER_RELATIONS_PAGES,
]
# Refused by the checks a plan's request runs (variables, page sizes, cursors): it falls back.
REFUSED_WHEN_BOUND = [
    Request("page: first over the max", USERS_PAGE, lambda w: {"first": 101}),
    Request("page: negative first", USERS_PAGE, lambda w: {"first": -1}),
    Request("page: not a cursor", USERS_PAGE, lambda w: {"after": "nonsense"}),
    Request("page: cursor too far", USERS_PAGE, lambda w: {"after": encode_cursor(MAX_OFFSET)}),
    Request("page: first not an int", USERS_PAGE, lambda w: {"first": "ten"}),
    Request("page: unknown status", USERS_PAGE, lambda w: {"status": "GONE"}),
    Request("nested: first over the max", USER_GROUPS, lambda w: {"first": 101}),
    Request("nested: not a cursor", USER_GROUPS, lambda w: {"after": "nonsense"}),
    Request(
        "conditions: null",
        CONDITIONS,
        lambda w: {"withEmail": True, "skipGroups": None},
        several_roots=True,
    ),
    Request("conditions: missing", CONDITIONS, several_roots=True),
    Request("applications: unknown level", APPLICATIONS, lambda w: {"level": "NONE"}),
    Request(
        "listed: a cursor of another order",
        LISTED_USERS,
        lambda w: {"after": keyset(resources.USER, ["EMAIL_ASC"], email="a", id="usr_0")},
    ),
    Request("listed: first and last", LISTED_USERS, lambda w: {"first": 1, "last": 1}),
    Request(
        "listed: in over the limit",
        LISTED_USERS,
        lambda w: {"filter": {"email": {"in": ["x"] * 101}}},
    ),
    Request("listed: unknown order", LISTED_USERS, lambda w: {"orderBy": ["PASSWORD_ASC"]}),
    Request(
        "relations listed: a cursor of another order",
        LISTED_RELATIONS,
        lambda w: {"after": keyset(resources.USER, ["EMAIL_ASC"], email="a", id="usr_0")},
    ),
    Request(
        "relations listed: first and last", LISTED_RELATIONS, lambda w: {"first": 1, "last": 1}
    ),
    Request(
        "relations listed: filter too deep",
        LISTED_RELATIONS,
        lambda w: {"filter": {"not": {"not": {"not": {"not": {"not": {"not": {}}}}}}}},
    ),
    Request(
        "relations listed: a text operand too long",
        LISTED_RELATIONS,
        lambda w: {"groups": {"and": [{"name": {"eq": "x"}}, {"name": {"contains": "y" * 321}}]}},
    ),
]
# Refused before any plan is looked up.
REFUSED_BEFORE = [
    Request("page: control character", USERS_PAGE, lambda w: {"tenantId": "tnt_\u0007"}),
]
NOT_PLANNABLE = [
    Request("fragment on an interface", ON_INTERFACE),
    Request("a field with a resolver of its own", WITH_CLIENT_SECRET),
    Request("session active", SESSION_ACTIVE),
    Request("mixed roots", MIXED_ROOTS, several_roots=True),
]
CORPUS = PLANNABLE + REFUSED_WHEN_BOUND + REFUSED_BEFORE + NOT_PLANNABLE
