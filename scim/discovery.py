"""The discovery documents: `/ServiceProviderConfig`, `/ResourceTypes`, `/Schemas`."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    EnterpriseUser,
    ETag,
    Filter,
    Group,
    Mutability,
    Required,
    ResourceType,
    Schema,
    ServiceProviderConfig,
    Sort,
    User,
)
from scim2_models import Patch as PatchSupport

from scim import groups, users
from scim.errors import ScimError, document
from scim.resources import MAX_RESULTS


def service_provider_config(base: str) -> dict[str, Any]:
    config = ServiceProviderConfig(
        documentation_uri=None,
        patch=PatchSupport(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=True),
        etag=ETag(supported=True),
        authentication_schemes=[
            AuthenticationScheme.model_validate(
                {
                    "type": "oauthbearertoken",
                    "name": "OAuth Bearer Token",
                    "description": "A SCIM token of the tenant, or an admin token that may "
                    "manage its users, as `Authorization: Bearer …`.",
                    "primary": True,
                }
            )
        ],
    )
    body: dict[str, Any] = config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    body["meta"] = {
        "resourceType": "ServiceProviderConfig",
        "location": f"{base}/ServiceProviderConfig",
    }
    return body


def resource_types(base: str) -> list[dict[str, Any]]:
    found = []
    for model in (users.ScimUser, groups.GROUPS.model):
        kind = ResourceType.from_resource(model)
        body: dict[str, Any] = kind.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
        body["meta"] = {
            "resourceType": "ResourceType",
            "location": f"{base}/ResourceTypes/{kind.id}",
        }
        found.append(body)
    return found


# The User attributes a user here keeps (and their sub-attributes; None: all of them). The
# rest of RFC 7643's User (nickName, phoneNumbers, addresses, …) is not stored, so the Schemas
# endpoint does not offer it: clients (and scim2-tester) send only what is kept.
USER_ATTRIBUTES: dict[str, frozenset[str] | None] = {
    "userName": None,
    "name": frozenset({"givenName", "familyName"}),
    "displayName": None,
    "active": None,
    "emails": frozenset({"value", "type", "primary"}),
    "groups": None,
}


def user_schema() -> Schema:
    """The core User schema as served: the attributes kept, and `emails` required with its
    `value`, since a user here always has an e-mail (its userName, or else the primary one of
    `emails`); the one type reported is `work`, and `primary` is read-only (the one e-mail
    is always the primary one)."""
    schema = User.to_schema()
    kept = []
    for attribute in schema.attributes or []:
        if attribute.name not in USER_ATTRIBUTES:
            continue
        names = USER_ATTRIBUTES[attribute.name]
        if names is not None:
            attribute.sub_attributes = [
                sub for sub in attribute.sub_attributes or [] if sub.name in names
            ]
        if attribute.name == "emails":
            attribute.required = Required.true
            for sub in attribute.sub_attributes or []:
                if sub.name == "value":
                    sub.required = Required.true
                elif sub.name == "type":
                    sub.canonical_values = ["work"]
                elif sub.name == "primary":
                    sub.mutability = Mutability.read_only
        kept.append(attribute)
    schema.attributes = kept
    return schema


def group_schema() -> Schema:
    """The core Group schema, a member's `display` read-only: it is the member's name as
    stored, whatever a client sends."""
    schema = Group.to_schema()
    for attribute in schema.attributes or []:
        if attribute.name == "members":
            for sub in attribute.sub_attributes or []:
                if sub.name == "display":
                    sub.mutability = Mutability.read_only
    return schema


def schemas(base: str) -> list[dict[str, Any]]:
    found = []
    for schema in (user_schema(), EnterpriseUser.to_schema(), group_schema()):
        body: dict[str, Any] = schema.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
        body["meta"] = {"resourceType": "Schema", "location": f"{base}/Schemas/{schema.id}"}
        found.append(body)
    return found


def list_document(resources: list[dict[str, Any]]) -> JSONResponse:
    return document(
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": len(resources),
            "startIndex": 1,
            "itemsPerPage": len(resources),
            "Resources": resources,
        }
    )


def one_of(documents: list[dict[str, Any]], wanted: str, kind: str) -> JSONResponse:
    """The discovery document of that id (`User`, or a schema's URN)."""
    for body in documents:
        if body.get("id") == wanted:
            return document(body)
    raise ScimError(404, f"{kind} {wanted} not found")
