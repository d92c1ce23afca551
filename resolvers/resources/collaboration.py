"""The collaboration side's resources: AI model participants of a tenant."""

from __future__ import annotations

from db.ids import IdPrefix
from db.models import ModelParticipant
from resolvers.resources.resource import Owner, OwnerKind, Resource, columns

MODEL_PARTICIPANT = Resource(
    name="model_participant",
    model=ModelParticipant,
    prefix=IdPrefix.MODEL_PARTICIPANT,
    graphql_type="ModelParticipant",
    fields=columns(
        "id",
        "display_name",
        "local_id",
        "model_slug",
        "origin",
        "system_prompt",
        "default_response_mode",
        "enabled",
        "created_at",
        "updated_at",
    ),
    owner=Owner(OwnerKind.TENANT, "tenant_id"),
    soft_delete=True,
    # `kind` answers per type of participant (people are the tenant's users, not rows here).
    computed=frozenset({"kind"}),
    filterable=frozenset({"model_slug", "origin", "enabled", "local_id"}),
    sortable=frozenset({"id", "local_id", "display_name", "created_at"}),
    # Participants are reached through their tenant's ScaiWave paths, not as Relay nodes.
    node=False,
)
