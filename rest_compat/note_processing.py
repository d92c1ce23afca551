"""`/v1/admin/note-processing`: the tenant's note-organisation AI settings.

`PUT` changes the fields given (`enabled`, `model`, `auto_tag`, `auto_summarize`,
`summary_length` as `SHORT`/`MEDIUM`/`LONG`, `languages`, `retention_days`) and answers the
whole settings object, as `GET` does.
"""

from __future__ import annotations

from rest_compat.documents import selection
from rest_compat.table import IN_TENANT, Route, body_input, no_variables

NOTE_PROCESSING = selection(
    "tenant_id enabled model auto_tag auto_summarize summary_length languages retention_days"
    " updated_at"
)

ROUTES = [
    Route(
        "GET",
        "/note-processing",
        f"""query ($tenantId: ID) {{
            noteProcessing(tenantId: $tenantId) {{ {NOTE_PROCESSING} }} }}""",
        "noteProcessing",
        no_variables,
        headers=IN_TENANT,
        summary="Note-organisation AI settings of the tenant (defaults when never set)",
    ),
    Route(
        "PUT",
        "/note-processing",
        f"""mutation ($tenantId: ID, $input: UpdateNoteProcessingInput!) {{
            updateNoteProcessing(tenantId: $tenantId, input: $input) {{ {NOTE_PROCESSING} }} }}""",
        "updateNoteProcessing",
        body_input(),
        body_input="UpdateNoteProcessingInput",
        headers=IN_TENANT,
        summary="Update the note-organisation AI settings (the fields given)",
    ),
]
