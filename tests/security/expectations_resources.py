"""What each resource's derived reads should answer: written out, per resource and read.

`operations_resources` derives the reads from the descriptors (root fields by id, root
connections, `node(id:)`, relations); this table says, for each, the policy whose outcomes
(`policies.EXPECTED`) the callers must meet, the REST route that answers the same read, and
the setup that makes its target when the resource's own does not fit. Every resource of
`RESOURCES` has an entry, and every derived read a line in it (test_authorization_matrix.py).

A setup's targets name the row read (`id`) and, under a relation's name, a related row the
relation must answer (`tenant`, `user`, `partner`); a many-relation whose setup names no row
must answer without error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tests.security import targets as setups
from tests.security import targets_identity as identity
from tests.security.operations import A, RestCall
from tests.security.operations_collaboration_admin import W, partner_p
from tests.security.policies import Policy
from tests.security.targets import Setup
from tests.security.targets_audit import event_of_tenant_t
from tests.security.targets_collaboration import model_participant
from tests.security.targets_sessions import fresh_session


@dataclass(frozen=True)
class Read:
    policy: Policy
    rest: RestCall | None = None
    setup: Setup | None = None  # when the resource's own setup does not make this target


@dataclass(frozen=True)
class Expectations:
    setup: Setup
    reads: Mapping[str, Read] = field(default_factory=dict)


ONE = Read(Policy.READ_ONE)

EXPECTATIONS: dict[str, Expectations] = {
    "partner": Expectations(
        setups.fresh_partner,
        {
            "partners": Read(
                Policy.SUPER_ADMIN_ONLY,
                RestCall("GET", lambda t: f"{A}/partners?per_page=100", list_of=True),
            ),
            "partner": Read(
                Policy.SUPER_ADMIN_ONLY, RestCall("GET", lambda t: f"{A}/partners/{t['id']}")
            ),
            "managedPartners": Read(
                Policy.PARTNER_FLEET_LIST,
                RestCall("GET", lambda t: f"{W}/partners", list_of=True),
                setup=partner_p,
            ),
            "managedPartner": Read(
                Policy.PARTNER_FLEET_ONE,
                RestCall("GET", lambda t: f"{W}/partners/{t['id']}"),
                setup=partner_p,
            ),
            "node(partner)": Read(Policy.PARTNER_BY_NODE, setup=partner_p),
            "partner.tenants": Read(Policy.SUPER_ADMIN_ONLY),
            "partner.users": Read(Policy.SUPER_ADMIN_ONLY),
            "partner.sessions": Read(Policy.SUPER_ADMIN_ONLY),
        },
    ),
    "tenant": Expectations(
        setups.tenant_t,
        {
            "tenants": Read(
                Policy.READ_LIST,
                RestCall("GET", lambda t: f"{A}/tenants?per_page=100", list_of=True),
            ),
            "tenant": Read(Policy.READ_ONE, RestCall("GET", lambda t: f"{A}/tenants/{t['id']}")),
            "node(tenant)": ONE,
            "tenant.partner": Read(Policy.PARTNER_OF_T),
            "tenant.users": ONE,
            "tenant.groups": ONE,
            "tenant.applications": ONE,
            "tenant.identityProviders": ONE,
            "tenant.agents": ONE,
            "tenant.sessions": ONE,
        },
    ),
    "user": Expectations(
        setups.fresh_user,
        {
            "users": Read(
                Policy.READ_LIST,
                RestCall(
                    "GET", lambda t: f"{A}/users?per_page=100&tenant_id={t['tenant']}", list_of=True
                ),
            ),
            "user": Read(Policy.READ_ONE, RestCall("GET", lambda t: f"{A}/users/{t['id']}")),
            "node(user)": ONE,
            "user.tenant": ONE,
            "user.groups": ONE,
            "user.effectiveGroups": ONE,
            "user.sessions": ONE,
        },
    ),
    "group": Expectations(
        setups.fresh_group,
        {
            "groups": Read(
                Policy.READ_LIST,
                RestCall(
                    "GET",
                    lambda t: f"{A}/groups?per_page=100&tenant_id={t['tenant']}",
                    list_of=True,
                ),
            ),
            "group": Read(Policy.READ_ONE, RestCall("GET", lambda t: f"{A}/groups/{t['id']}")),
            "node(group)": ONE,
            "group.tenant": ONE,
            "group.members": ONE,
            "group.effectiveMembers": ONE,
            "group.children": ONE,
            "group.parents": ONE,
        },
    ),
    "application": Expectations(
        setups.tenant_app,
        {
            "applications": Read(
                Policy.READ_LIST,
                RestCall("GET", lambda t: f"{A}/applications?per_page=100", list_of=True),
            ),
            "application": Read(
                Policy.READ_ONE, RestCall("GET", lambda t: f"{A}/applications/{t['id']}")
            ),
            "node(application)": ONE,
            "application.tenant": ONE,
        },
    ),
    "identity_provider": Expectations(
        identity.fresh_identity_provider,
        {
            "identityProviders": Read(
                Policy.READ_LIST,
                RestCall(
                    "GET",
                    lambda t: f"{A}/identity-providers?per_page=100&tenant_id={t['tenant']}",
                    list_of=True,
                ),
            ),
            "identityProvider": ONE,  # REST has no GET for one
            "node(identityProvider)": ONE,
            "identityProvider.tenant": ONE,
        },
    ),
    "agent": Expectations(
        identity.fresh_agent,
        {
            "agents": Read(
                Policy.READ_LIST,
                RestCall(
                    "GET",
                    lambda t: f"{A}/agents?per_page=100&tenant_id={t['tenant']}",
                    list_of=True,
                ),
            ),
            "agent": Read(Policy.READ_ONE, RestCall("GET", lambda t: f"{A}/agents/{t['id']}")),
            "node(agent)": ONE,
            "agent.tenant": ONE,
        },
    ),
    "sso_session": Expectations(
        fresh_session,
        {
            "sessions": Read(
                Policy.READ_LIST,
                RestCall(
                    "GET", lambda t: f"{A}/sessions?per_page=100&user_id={t['user']}", list_of=True
                ),
            ),
            "session": Read(Policy.READ_ONE, RestCall("GET", lambda t: f"{A}/sessions/{t['id']}")),
            "node(session)": ONE,
            "session.user": ONE,
            "session.tenant": ONE,
        },
    ),
    "audit_event": Expectations(
        event_of_tenant_t,
        {
            "auditEvents": Read(
                Policy.READ_LIST,
                RestCall("GET", lambda t: f"{A}/audit?per_page=100", list_of=True),
            ),
            "auditEvent": Read(Policy.READ_ONE, RestCall("GET", lambda t: f"{A}/audit/{t['id']}")),
            "node(auditEvent)": ONE,
        },
    ),
    # No root field, node or relation reads a model participant: ScaiWave's `participants`
    # (operations_collaboration.py) lists them within the caller's tenant.
    "model_participant": Expectations(model_participant),
}
