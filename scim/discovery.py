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
    ResourceType,
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


def schemas(base: str) -> list[dict[str, Any]]:
    found = []
    for schema in (User.to_schema(), EnterpriseUser.to_schema(), Group.to_schema()):
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
