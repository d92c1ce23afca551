"""`/v1/admin/models/...`: the catalog with the tenant's state, and per-model actions.

Slugs contain slashes (`mistralai/voxtral-small-latest`), hence `{slug:path}`: each action
route ends in its own literal segment, so none of them can swallow another, and the
catalog's `GET /models/catalog` is the only GET.
"""

from __future__ import annotations

from rest_compat.documents import selection
from rest_compat.table import IN_TENANT, Route, Shape, body_input, no_variables, path_ids

MODEL_PARTICIPANT = selection(
    "id kind local_id display_name model_slug origin system_prompt default_response_mode"
    " enabled created_at updated_at"
)
MODEL = (
    selection("slug name provider context_window capabilities description enabled is_default")
    + f" participant {{ {MODEL_PARTICIPANT} }}"
)


def _model_action(field: str, summary: str) -> Route:
    verb = field.removesuffix("Model")
    return Route(
        "POST",
        f"/models/{{slug:path}}/{verb}",
        f"""mutation ($tenantId: ID, $slug: String!) {{
            {field}(tenantId: $tenantId, slug: $slug) {{ {MODEL} }} }}""",
        field,
        path_ids(slug="slug"),
        headers=IN_TENANT,
        summary=summary,
    )


ROUTES = [
    Route(
        "GET",
        "/models/catalog",
        f"""query ($tenantId: ID, $first: Int, $after: String) {{
            modelCatalog(tenantId: $tenantId, first: $first, after: $after) {{
                nodes {{ {MODEL} }} pageInfo {{ hasNextPage endCursor }} }} }}""",
        "modelCatalog",
        no_variables,
        shape=Shape.DATA,
        headers=IN_TENANT,
        summary="Every model of the catalog, with the tenant's enabled state",
    ),
    _model_action("enableModel", "Enable a model for the tenant (idempotent)"),
    _model_action("disableModel", "Disable a model for the tenant (idempotent)"),
    Route(
        "PUT",
        "/models/{slug:path}/participant",
        f"""mutation ($tenantId: ID, $slug: String!, $input: ModelParticipantInput!) {{
            configureModelParticipant(tenantId: $tenantId, slug: $slug, input: $input) {{
                {MODEL_PARTICIPANT} }} }}""",
        "configureModelParticipant",
        body_input(path={"slug": "slug"}),
        body_input="ModelParticipantInput",
        headers=IN_TENANT,
        summary="Configure (or re-configure) the model's AI participant",
    ),
]
