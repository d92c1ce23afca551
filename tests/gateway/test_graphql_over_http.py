"""`/graphql` follows the GraphQL-over-HTTP specification: one test per rule."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest
from fastapi import FastAPI

from tests.app_settings import settings_changed
from tests.tokens import Tokens, bearer

GQL = "application/graphql-response+json"
JSON = "application/json"
VIEWER = "{ viewer { role } }"


async def post(
    http: httpx.AsyncClient,
    body: Any,
    *,
    accept: str | None = GQL,
    token: str | None = None,
    content_type: str | None = JSON,
) -> httpx.Response:
    headers = {"accept": accept or "", "content-type": content_type or ""}
    headers = {name: value for name, value in headers.items() if value}
    if token:
        headers.update(bearer(token))
    content = body if isinstance(body, bytes) else orjson.dumps(body)
    return await http.post("/graphql", content=content, headers=headers)


def media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


class TestMediaTypes:
    async def test_graphql_response_json_when_asked_for(
        self, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await post(http, {"query": VIEWER}, accept=GQL, token=tokens.super_admin())

        assert response.status_code == 200
        assert response.headers["content-type"] == f"{GQL}; charset=utf-8"
        assert response.json() == {"data": {"viewer": {"role": "SUPER_ADMIN"}}}

    async def test_application_json_when_asked_for(
        self, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await post(http, {"query": VIEWER}, accept=JSON, token=tokens.super_admin())

        assert response.status_code == 200
        assert response.headers["content-type"] == f"{JSON}; charset=utf-8"

    @pytest.mark.parametrize(
        ("accept", "expected"),
        [
            (f"{GQL}, {JSON};q=0.9", GQL),
            (f"{JSON}, {GQL};q=0.9", JSON),
            (f"{JSON}, {GQL}", GQL),  # both named at the same quality: the newer type
            (f"{GQL};q=0.5, */*", JSON),  # the wildcard's type has the higher quality
            (f"*/*, {JSON};q=0", GQL),  # q=0 excludes
        ],
    )
    async def test_the_highest_quality_type_is_chosen(
        self, http: httpx.AsyncClient, tokens: Tokens, accept: str, expected: str
    ) -> None:
        response = await post(http, {"query": VIEWER}, accept=accept, token=tokens.super_admin())

        assert response.status_code == 200
        assert media_type(response) == expected

    @pytest.mark.parametrize("accept", ["*/*", "application/*", "text/html, */*;q=0.8"])
    async def test_a_wildcard_gets_application_json(
        self, http: httpx.AsyncClient, tokens: Tokens, accept: str
    ) -> None:
        response = await post(http, {"query": VIEWER}, accept=accept, token=tokens.super_admin())

        assert response.status_code == 200
        assert media_type(response) == JSON

    async def test_a_missing_accept_gets_application_json(
        self, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        request = http.build_request(
            "POST", "/graphql", json={"query": VIEWER}, headers=bearer(tokens.super_admin())
        )
        del request.headers["accept"]  # httpx sends */* unless told otherwise
        response = await http.send(request)

        assert "accept" not in response.request.headers
        assert response.status_code == 200
        assert media_type(response) == JSON

    @pytest.mark.parametrize(
        "accept", ["text/html", "application/xml", f"{JSON};q=0", f"{JSON}; charset=latin-1"]
    )
    async def test_an_accept_it_cannot_satisfy_is_406(
        self, http: httpx.AsyncClient, tokens: Tokens, accept: str
    ) -> None:
        response = await post(http, {"query": VIEWER}, accept=accept, token=tokens.super_admin())

        assert response.status_code == 406
        assert response.json()["errors"][0]["extensions"]["code"] == "NOT_ACCEPTABLE"
        assert GQL in response.json()["errors"][0]["message"]


# (media type, status of a request error under it)
REQUEST_ERROR_STATUS = [(GQL, 400), (JSON, 200)]


class TestStatusCodes:
    @pytest.mark.parametrize("accept", [GQL, JSON])
    @pytest.mark.parametrize("body", [b"NONSENSE", b'{"query":', b"\xff\xfe"])
    async def test_a_body_that_is_not_json_is_400(
        self, http: httpx.AsyncClient, accept: str, body: bytes
    ) -> None:
        response = await post(http, body, accept=accept)

        assert response.status_code == 400
        assert media_type(response) == accept
        assert response.json()["errors"][0]["message"] == "The request body is not valid JSON"

    @pytest.mark.parametrize("accept", [GQL, JSON])
    @pytest.mark.parametrize(
        "body",
        [
            {"qeury": "{ __typename }"},
            {"query": "query Q ($i: Int!) { __typename }", "variables": [7]},
            {"query": {"viewer": True}},
            {"query": VIEWER, "operationName": 3},
            {"query": VIEWER, "extensions": "persisted"},
            "{ __typename }",
        ],
    )
    async def test_invalid_parameters_are_400(
        self, http: httpx.AsyncClient, tokens: Tokens, accept: str, body: Any
    ) -> None:
        response = await post(http, body, accept=accept, token=tokens.super_admin())

        assert response.status_code == 400
        assert media_type(response) == accept
        assert "data" not in response.json()
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"

    @pytest.mark.parametrize(("accept", "status"), REQUEST_ERROR_STATUS)
    async def test_document_parse_failure(
        self, http: httpx.AsyncClient, tokens: Tokens, accept: str, status: int
    ) -> None:
        response = await post(http, {"query": "{"}, accept=accept, token=tokens.super_admin())

        assert response.status_code == status
        assert media_type(response) == accept
        body = response.json()
        assert "data" not in body
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"

    @pytest.mark.parametrize(("accept", "status"), REQUEST_ERROR_STATUS)
    async def test_document_validation_failure(
        self, http: httpx.AsyncClient, tokens: Tokens, accept: str, status: int
    ) -> None:
        response = await post(
            http, {"query": "{ viewer { nope } }"}, accept=accept, token=tokens.super_admin()
        )

        assert response.status_code == status
        body = response.json()
        assert "data" not in body
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

    @pytest.mark.parametrize(("accept", "status"), REQUEST_ERROR_STATUS)
    async def test_variable_coercion_failure(
        self, http: httpx.AsyncClient, tokens: Tokens, accept: str, status: int
    ) -> None:
        response = await post(
            http,
            {
                "query": "query ($n: Int) { tenants(first: $n) { totalCount } }",
                "variables": {"n": "many"},
            },
            accept=accept,
            token=tokens.super_admin(),
        )

        assert response.status_code == status
        body = response.json()
        assert "data" not in body
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert "$n" in body["errors"][0]["message"]

    @pytest.mark.parametrize(("accept", "status"), REQUEST_ERROR_STATUS)
    @pytest.mark.parametrize("operation_name", [None, "C"])
    async def test_an_operation_that_cannot_be_determined(
        self,
        http: httpx.AsyncClient,
        tokens: Tokens,
        accept: str,
        status: int,
        operation_name: str | None,
    ) -> None:
        document = "query A { viewer { role } } query B { viewer { subject } }"
        response = await post(
            http,
            {"query": document, "operationName": operation_name},
            accept=accept,
            token=tokens.super_admin(),
        )

        assert response.status_code == status
        body = response.json()
        assert "data" not in body
        assert body["errors"][0]["extensions"]["code"] == "OPERATION_RESOLUTION_FAILURE"

    @pytest.mark.parametrize("accept", [GQL, JSON])
    async def test_field_errors_are_200_with_data(
        self, http: httpx.AsyncClient, tokens: Tokens, accept: str
    ) -> None:
        response = await post(
            http,
            {"query": '{ viewer { role } partner(id: "prt_x") { id } }'},
            accept=accept,
            token=tokens.tenant_admin("tnt_x"),
        )

        assert response.status_code == 200
        body = response.json()
        assert body["data"] == {"viewer": {"role": "TENANT_ADMIN"}, "partner": None}
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert body["errors"][0]["path"] == ["partner"]

    async def test_a_field_error_that_nulls_data_is_still_200_with_data(
        self, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await post(
            http, {"query": "{ partners { totalCount } }"}, token=tokens.tenant_admin("tnt_x")
        )

        assert response.status_code == 200
        assert response.json()["data"] is None
        assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    async def test_a_missing_query_is_400(self, http: httpx.AsyncClient) -> None:
        response = await post(http, {"variables": {}}, accept=JSON)

        assert response.status_code == 400
        assert "No GraphQL query" in response.json()["errors"][0]["message"]


CREATE_PARTNER = 'mutation { createPartner(input: {name: "Over GET", slug: "over-get"}) { id } }'
PARTNER_COUNT = "{ partners { totalCount } }"


class TestGet:
    async def test_a_query_runs_over_get(self, http: httpx.AsyncClient, tokens: Tokens) -> None:
        response = await http.get(
            "/graphql",
            params={
                "query": "query ($v: Boolean!) { viewer { role @include(if: $v) } }",
                "variables": '{"v": true}',
            },
            headers={"accept": GQL, **bearer(tokens.super_admin())},
        )

        assert response.status_code == 200
        assert media_type(response) == GQL
        assert response.json() == {"data": {"viewer": {"role": "SUPER_ADMIN"}}}

    @pytest.mark.parametrize("accept", [GQL, JSON])
    async def test_a_mutation_over_get_is_405_allowing_post_and_does_not_run(
        self, db: None, http: httpx.AsyncClient, tokens: Tokens, accept: str
    ) -> None:
        token = tokens.super_admin()
        response = await http.get(
            "/graphql",
            params={"query": CREATE_PARTNER},
            headers={"accept": accept, **bearer(token)},
        )

        assert response.status_code == 405
        assert response.headers["allow"] == "POST"
        assert media_type(response) == accept
        assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
        count = await post(http, {"query": PARTNER_COUNT}, token=token)
        assert count.json()["data"]["partners"]["totalCount"] == 0

    async def test_the_same_mutation_runs_over_post(
        self, db: None, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await post(http, {"query": CREATE_PARTNER}, token=tokens.super_admin())

        assert response.status_code == 200
        assert response.json()["data"]["createPartner"]["id"].startswith("prt_")

    async def test_variables_that_are_not_json_are_400(self, http: httpx.AsyncClient) -> None:
        response = await http.get(
            "/graphql", params={"query": VIEWER, "variables": "{nope"}, headers={"accept": GQL}
        )

        assert response.status_code == 400


class TestRequestBodies:
    @pytest.mark.parametrize(
        "content_type",
        [
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/graphql",
            "application/json; charset=latin-1",
            None,
        ],
    )
    async def test_an_unsupported_content_type_is_415(
        self, http: httpx.AsyncClient, content_type: str | None
    ) -> None:
        response = await post(http, {"query": VIEWER}, content_type=content_type)

        assert response.status_code == 415
        assert media_type(response) == GQL
        assert response.json()["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"

    async def test_json_with_a_charset_is_accepted(
        self, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await post(
            http,
            {"query": VIEWER},
            content_type="application/json; charset=UTF-8",
            token=tokens.super_admin(),
        )

        assert response.status_code == 200

    async def test_a_body_over_the_bound_is_413_before_parsing(
        self, http: httpx.AsyncClient, app: FastAPI
    ) -> None:
        bound = app.state.settings.limit_max_body_bytes
        padding = " " * bound
        response = await post(http, {"query": VIEWER + padding})

        assert response.status_code == 413
        assert media_type(response) == GQL
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
        assert f"{bound:,} bytes" in error["message"]

    async def test_a_chunked_body_over_the_bound_is_413(
        self, http: httpx.AsyncClient, app: FastAPI
    ) -> None:
        chunk = b" " * 8192
        chunks = app.state.settings.limit_max_body_bytes // len(chunk) + 2

        async def body() -> AsyncIterator[bytes]:
            yield b'{"query": "{ viewer { role } }'
            for _ in range(chunks):
                yield chunk
            yield b'"}'

        response = await http.post(
            "/graphql", content=body(), headers={"content-type": JSON, "accept": JSON}
        )

        assert "content-length" not in response.request.headers
        assert response.status_code == 413

    async def test_a_body_just_under_the_bound_is_read(
        self, http: httpx.AsyncClient, app: FastAPI, tokens: Tokens
    ) -> None:
        bound = app.state.settings.limit_max_body_bytes
        body = {"query": VIEWER}
        body["query"] += " " * (bound - len(orjson.dumps(body)))

        response = await post(http, body, token=tokens.super_admin())

        assert len(response.request.content) == bound
        assert response.status_code == 200

    async def test_rest_bodies_are_bounded_too(self, http: httpx.AsyncClient, app: FastAPI) -> None:
        bound = app.state.settings.limit_max_body_bytes
        response = await http.post(
            "/api/v1/admin/partners",
            content=b"{" + b" " * bound + b"}",
            headers={"content-type": JSON},
        )

        assert response.status_code == 413
        assert response.json()["code"] == "PAYLOAD_TOO_LARGE"


class TestBatching:
    async def test_refused_with_a_clear_400_by_default(
        self, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await post(http, [{"query": VIEWER}], token=tokens.super_admin())

        assert response.status_code == 400
        assert "Batched requests" in response.json()["errors"][0]["message"]

    async def test_bounded_when_enabled(
        self, db: None, http: httpx.AsyncClient, app: FastAPI, tokens: Tokens
    ) -> None:
        token = tokens.super_admin()
        batch = [{"query": CREATE_PARTNER}, {"query": PARTNER_COUNT}]
        with settings_changed(app, limit_max_batch=2):
            response = await post(http, batch, token=token)
            too_many = await post(http, [*batch, {"query": VIEWER}], token=token)

        assert response.status_code == 200
        first, second = response.json()
        assert first["data"]["createPartner"]["id"].startswith("prt_")
        assert second["data"]["partners"]["totalCount"] == 1  # one after the other
        assert too_many.status_code == 400
        assert "1 to 2 operations" in too_many.json()["errors"][0]["message"]

    async def test_a_batch_entry_with_a_request_error_has_no_data(
        self, http: httpx.AsyncClient, app: FastAPI, tokens: Tokens
    ) -> None:
        with settings_changed(app, limit_max_batch=2):
            response = await post(
                http, [{"query": VIEWER}, {"query": "{"}], token=tokens.super_admin()
            )

        ok, failed = response.json()
        assert ok == {"data": {"viewer": {"role": "SUPER_ADMIN"}}}
        assert "data" not in failed


class TestAuthentication:
    @pytest.mark.parametrize("accept", [GQL, JSON])
    async def test_an_unacceptable_token_is_401_with_a_graphql_error_document(
        self, http: httpx.AsyncClient, tokens: Tokens, accept: str
    ) -> None:
        response = await post(http, {"query": VIEWER}, accept=accept, token=tokens.expired())

        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert media_type(response) == accept
        body = response.json()
        assert "data" not in body
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
