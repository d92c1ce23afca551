"""`/v1/admin/participants`: the tenant's people and model participants.

Items carry `kind` (`person` or `model`) and the fields of their kind: a person its
`email` and `status`, a model participant its `local_id`, `model_slug` and configuration.
`?kind=person|model` narrows the list.
"""

from __future__ import annotations

from rest_compat.documents import selection
from rest_compat.models_catalog import MODEL_PARTICIPANT
from rest_compat.table import IN_TENANT, Route, Shape, body_input, no_variables

PARTICIPANT = (
    f"{selection('id kind display_name')}"
    f" ... on PersonParticipant {{ {selection('email status created_at updated_at')} }}"
    f" ... on ModelParticipant {{ {MODEL_PARTICIPANT} }}"
)

ROUTES = [
    Route(
        "GET",
        "/participants",
        f"""query ($tenantId: ID, $kind: ParticipantKind, $first: Int, $after: String) {{
            participants(tenantId: $tenantId, kind: $kind, first: $first, after: $after) {{
                nodes {{ {PARTICIPANT} }} pageInfo {{ hasNextPage endCursor }} }} }}""",
        "participants",
        no_variables,
        shape=Shape.DATA,
        filters={"kind": "kind"},
        headers=IN_TENANT,
        summary="All participants of the tenant: its people, then its model participants",
    ),
    Route(
        "POST",
        "/participants/model",
        f"""mutation ($tenantId: ID, $input: CreateModelParticipantInput!) {{
            createModelParticipant(tenantId: $tenantId, input: $input) {{
                {MODEL_PARTICIPANT} }} }}""",
        "createModelParticipant",
        body_input(),
        status=201,
        body_input="CreateModelParticipantInput",
        headers=IN_TENANT,
        summary="Create a model participant",
    ),
]
