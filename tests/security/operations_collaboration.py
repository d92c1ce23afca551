"""Matrix operations: tenant AI settings, model catalog, plugins, participants (ScaiWave).

Every row acts on tenant T: GraphQL passes `tenantId`, REST the `X-Scai-Tenant` header, so
the callers that may not see T (partner admin Q, tenant admin S) get 404. The catalog's REST
items carry no `id`, so that list is checked by status; in GraphQL its `slug` is aliased `id`.
"""

from __future__ import annotations

from typing import Any

from tests.security.operations import GraphQLCall, Operation, RestCall, unique
from tests.security.policies import Policy
from tests.security.targets import Targets
from tests.security.targets_collaboration import (
    catalog_model,
    model_participant,
    plugin,
    tenant_in_context,
)

W = "/v1/admin"


def _in_tenant(targets: Targets) -> dict[str, str]:
    return {"X-Scai-Tenant": targets["tenant"]}


def _tenant(targets: Targets) -> dict[str, Any]:
    return {"t": targets["tenant"]}


def _list(field: str, node: str = "id", args: str = "") -> GraphQLCall:
    return GraphQLCall(
        f"query ($t: ID) {{ {field}(tenantId: $t, first: 100{args}) {{ nodes {{ {node} }} }} }}",
        field,
        _tenant,
        list_of=True,
    )


def _ai_config_body(_: Targets) -> dict[str, Any]:
    return {
        "default_model": None,
        "enabled_models": [],
        "system_prompt_templates": [{"name": f"Matrix {unique()}", "prompt": "Be brief."}],
        "scaigrid_auth_mode": "per_user_exchange",
    }


def _participant_body(targets: Targets) -> dict[str, Any]:
    return {"local_id": f"matrix-{unique()}", "display_name": "Matrix helper"}


def _camel(body: dict[str, Any]) -> dict[str, Any]:
    def camel(name: str) -> str:
        head, *rest = name.split("_")
        return head + "".join(part.title() for part in rest)

    return {camel(key): value for key, value in body.items()}


def _model_action(field: str, verb: str) -> Operation:
    return Operation(
        field,
        Policy.TENANT_WRITE,
        catalog_model,
        GraphQLCall(
            f"mutation ($t: ID, $s: String!) {{ {field}(tenantId: $t, slug: $s) {{ id: slug }} }}",
            field,
            lambda t: {"t": t["tenant"], "s": t["id"]},
        ),
        RestCall("POST", lambda t: f"{W}/models/{t['id']}/{verb}", headers=_in_tenant),
    )


def _plugin_action(field: str, verb: str) -> Operation:
    return Operation(
        field,
        Policy.TENANT_WRITE,
        plugin,
        GraphQLCall(
            f"mutation ($t: ID, $p: ID!) {{ {field}(tenantId: $t, pluginId: $p) {{ id }} }}",
            field,
            lambda t: {"t": t["tenant"], "p": t["id"]},
        ),
        RestCall("POST", lambda t: f"{W}/plugins/{t['id']}/{verb}", headers=_in_tenant),
    )


OPERATIONS: list[Operation] = [
    # --- AI configuration
    Operation(
        "aiConfig",
        Policy.READ_ONE,
        tenant_in_context,
        GraphQLCall(
            "query ($t: ID) { aiConfig(tenantId: $t) { id: tenantId } }", "aiConfig", _tenant
        ),
        RestCall("GET", lambda t: f"{W}/ai-config", headers=_in_tenant),
    ),
    Operation(
        "updateAiConfig",
        Policy.TENANT_WRITE,
        tenant_in_context,
        GraphQLCall(
            "mutation ($t: ID, $input: AiConfigInput!) { "
            "updateAiConfig(tenantId: $t, input: $input) { id: tenantId } }",
            "updateAiConfig",
            lambda t: {"t": t["tenant"], "input": _camel(_ai_config_body(t))},
        ),
        RestCall("PUT", lambda t: f"{W}/ai-config", _ai_config_body, headers=_in_tenant),
    ),
    # --- model catalog
    Operation(
        "modelCatalog",
        Policy.READ_ONE,
        catalog_model,
        _list("modelCatalog", "id: slug"),
        RestCall("GET", lambda t: f"{W}/models/catalog", headers=_in_tenant),
    ),
    _model_action("enableModel", "enable"),
    _model_action("disableModel", "disable"),
    Operation(
        "configureModelParticipant",
        Policy.TENANT_WRITE,
        catalog_model,
        GraphQLCall(
            "mutation ($t: ID, $s: String!, $input: ModelParticipantInput!) { "
            "configureModelParticipant(tenantId: $t, slug: $s, input: $input) { id } }",
            "configureModelParticipant",
            lambda t: {"t": t["tenant"], "s": t["id"], "input": _camel(_participant_body(t))},
        ),
        RestCall(
            "PUT",
            lambda t: f"{W}/models/{t['id']}/participant",
            _participant_body,
            headers=_in_tenant,
        ),
    ),
    # --- plugins
    Operation(
        "plugins",
        Policy.READ_ONE,
        plugin,
        _list("plugins"),
        RestCall("GET", lambda t: f"{W}/plugins", list_of=True, headers=_in_tenant),
    ),
    _plugin_action("enablePlugin", "enable"),
    _plugin_action("disablePlugin", "disable"),
    # --- participants
    Operation(
        "participants",
        Policy.READ_ONE,
        model_participant,
        # People come first, and tenant T has gathered many users by now: models only.
        _list("participants", args=", kind: model"),
        RestCall("GET", lambda t: f"{W}/participants", list_of=True, headers=_in_tenant),
    ),
    Operation(
        "createModelParticipant",
        Policy.TENANT_WRITE,
        catalog_model,
        GraphQLCall(
            "mutation ($t: ID, $input: CreateModelParticipantInput!) { "
            "createModelParticipant(tenantId: $t, input: $input) { id } }",
            "createModelParticipant",
            lambda t: {
                "t": t["tenant"],
                "input": _camel({**_participant_body(t), "model_slug": t["id"]}),
            },
        ),
        RestCall(
            "POST",
            lambda t: f"{W}/participants/model",
            lambda t: {**_participant_body(t), "model_slug": t["id"]},
            headers=_in_tenant,
        ),
    ),
]
