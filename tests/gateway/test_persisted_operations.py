"""Persisted operations: automatic persisted queries, the allow-list mode, the CLI."""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from db.models import PersistedOperation
from gateway.cli import app as cli
from gateway.persisted_operations import operation_hash, register_operations
from tests.app_settings import settings_changed
from tests.tokens import Tokens, bearer

GQL = "application/graphql-response+json"
JSON = "application/json"
VIEWER = "query Viewer { viewer { role } }"
CREATE_PARTNER = 'mutation { createPartner(input: {name: "APQ", slug: "apq"}) { id } }'


def persisted(sha256: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256}}


async def post(
    http: httpx.AsyncClient, body: dict[str, Any], token: str | None, accept: str = JSON
) -> httpx.Response:
    headers = {"accept": accept, **(bearer(token) if token else {})}
    return await http.post("/graphql", json=body, headers=headers)


async def get(
    http: httpx.AsyncClient, sha256: str, token: str, variables: dict[str, Any] | None = None
) -> httpx.Response:
    params = {"extensions": json.dumps(persisted(sha256))}
    if variables is not None:
        params["variables"] = json.dumps(variables)
    # `*/*` as many clients send: a GET without `query` is still an operation, not the IDE.
    return await http.get("/graphql", params=params, headers={"accept": "*/*", **bearer(token)})


async def stored(sessions: async_sessionmaker[AsyncSession]) -> dict[str, tuple[str, bool]]:
    async with sessions() as session:
        rows = await session.execute(
            select(
                PersistedOperation.sha256,
                PersistedOperation.document,
                PersistedOperation.allowlisted,
            )
        )
        return {row.sha256: (row.document, row.allowlisted) for row in rows}


def code(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


class TestAutomaticPersistedQueries:
    @pytest.mark.parametrize(("accept", "status"), [(JSON, 200), (GQL, 400)])
    async def test_an_unknown_hash_is_persisted_query_not_found(
        self, db: None, http: httpx.AsyncClient, tokens: Tokens, accept: str, status: int
    ) -> None:
        response = await post(
            http,
            {"extensions": persisted(operation_hash(VIEWER))},
            tokens.super_admin(),
            accept=accept,
        )

        assert response.status_code == status
        body = response.json()
        assert "data" not in body
        assert body["errors"][0]["message"] == "PersistedQueryNotFound"
        assert code(response) == "PERSISTED_QUERY_NOT_FOUND"

    async def test_the_apollo_flow_stores_the_query_once_and_runs_it_by_hash(
        self,
        db: None,
        http: httpx.AsyncClient,
        tokens: Tokens,
        sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        token = tokens.super_admin()
        sha256 = operation_hash(VIEWER)

        missing = await post(http, {"extensions": persisted(sha256)}, token)
        registered = await post(http, {"query": VIEWER, "extensions": persisted(sha256)}, token)
        again = await post(http, {"query": VIEWER, "extensions": persisted(sha256)}, token)
        by_hash = await post(http, {"extensions": persisted(sha256)}, token)

        assert code(missing) == "PERSISTED_QUERY_NOT_FOUND"
        expected = {"data": {"viewer": {"role": "SUPER_ADMIN"}}}
        assert registered.json() == again.json() == by_hash.json() == expected
        # Stored once, for every gateway process, and not allow-listed.
        assert await stored(sessions) == {sha256: (VIEWER, False)}

    async def test_a_hash_that_is_not_the_query_s_is_refused(
        self,
        db: None,
        http: httpx.AsyncClient,
        tokens: Tokens,
        sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        other = operation_hash("{ viewer { subject } }")

        response = await post(
            http, {"query": VIEWER, "extensions": persisted(other)}, tokens.super_admin()
        )

        assert response.status_code == 400
        assert code(response) == "PERSISTED_QUERY_HASH_MISMATCH"
        assert "data" not in response.json()
        assert await stored(sessions) == {}

    @pytest.mark.parametrize(
        "extension",
        [
            {"version": 2, "sha256Hash": "0" * 64},
            {"version": 1, "sha256Hash": "not-a-hash"},
            {"version": 1},
            "persisted",
        ],
    )
    async def test_a_malformed_persisted_query_is_400(
        self, http: httpx.AsyncClient, tokens: Tokens, extension: Any
    ) -> None:
        response = await post(
            http, {"query": VIEWER, "extensions": {"persistedQuery": extension}}, None
        )

        assert response.status_code == 400
        assert code(response) == "BAD_REQUEST"

    async def test_get_by_hash_runs_a_stored_query(
        self, db: None, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        token = tokens.super_admin()
        query = "query ($v: Boolean!) { viewer { role @include(if: $v) } }"
        sha256 = operation_hash(query)
        await post(http, {"query": query, "extensions": persisted(sha256)}, token)

        response = await get(http, sha256, token, {"v": True})

        assert response.status_code == 200
        assert response.json() == {"data": {"viewer": {"role": "SUPER_ADMIN"}}}

    async def test_get_by_hash_of_a_stored_mutation_is_405(
        self,
        db: None,
        http: httpx.AsyncClient,
        tokens: Tokens,
        sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        token = tokens.super_admin()
        sha256 = operation_hash(CREATE_PARTNER)
        created = await post(
            http, {"query": CREATE_PARTNER, "extensions": persisted(sha256)}, token
        )
        assert "errors" not in created.json()

        response = await get(http, sha256, token)

        assert response.status_code == 405
        assert response.headers["allow"] == "POST"
        assert sha256 in await stored(sessions)

    async def test_a_document_that_does_not_validate_is_not_stored(
        self,
        db: None,
        http: httpx.AsyncClient,
        tokens: Tokens,
        sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        query = "{ viewer { nope } }"

        response = await post(
            http,
            {"query": query, "extensions": persisted(operation_hash(query))},
            tokens.super_admin(),
        )

        assert code(response) == "GRAPHQL_VALIDATION_FAILED"
        assert await stored(sessions) == {}

    async def test_a_request_without_a_token_stores_nothing(
        self, db: None, http: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        query = "{ __typename }"

        response = await post(
            http, {"query": query, "extensions": persisted(operation_hash(query))}, None
        )

        assert response.json() == {"data": {"__typename": "Query"}}
        assert await stored(sessions) == {}

    async def test_off_answers_persisted_query_not_supported(
        self, http: httpx.AsyncClient, app: FastAPI, tokens: Tokens
    ) -> None:
        with settings_changed(app, persisted_operations="off"):
            refused = await post(
                http, {"extensions": persisted(operation_hash(VIEWER))}, tokens.super_admin()
            )
            plain = await post(http, {"query": VIEWER}, tokens.super_admin())

        assert refused.json()["errors"][0]["message"] == "PersistedQueryNotSupported"
        assert code(refused) == "PERSISTED_QUERY_NOT_SUPPORTED"
        assert plain.json() == {"data": {"viewer": {"role": "SUPER_ADMIN"}}}


DASHBOARD = """
query Dashboard($n: Int) { tenants(first: $n) { totalCount nodes { ...Bits } } }
fragment Bits on Tenant { id name }
"""


async def register(database_url: str, text: str) -> dict[str | None, str]:
    from graphql import parse

    from gateway.persisted_operations import standalone_documents

    operations = standalone_documents(parse(text))
    return dict(await register_operations(database_url, operations))


class TestAllowList:
    async def test_off_by_default_any_operation_runs(
        self, db: None, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await post(http, {"query": VIEWER}, tokens.super_admin())

        assert response.json() == {"data": {"viewer": {"role": "SUPER_ADMIN"}}}

    @pytest.mark.parametrize(("accept", "status"), [(JSON, 200), (GQL, 400)])
    async def test_on_an_unregistered_operation_is_refused_naming_the_mode(
        self,
        db: None,
        http: httpx.AsyncClient,
        app: FastAPI,
        tokens: Tokens,
        accept: str,
        status: int,
    ) -> None:
        with settings_changed(app, persisted_operations="allowlist"):
            response = await post(http, {"query": VIEWER}, tokens.super_admin(), accept=accept)

        assert response.status_code == status
        assert "data" not in response.json()
        assert code(response) == "OPERATION_NOT_ALLOWLISTED"
        message = response.json()["errors"][0]["message"]
        assert "SCAIGATE_PERSISTED_OPERATIONS=allowlist" in message
        assert "scaigate operations register" in message

    async def test_on_registered_operations_run_by_hash_or_by_text(
        self, db: None, http: httpx.AsyncClient, app: FastAPI, tokens: Tokens, database_url: str
    ) -> None:
        token = tokens.super_admin()
        hashes = await register(database_url, DASHBOARD)
        # Not the registered text: the same operation, formatted and ordered otherwise.
        reformatted = " ".join(DASHBOARD.split())
        reordered = "fragment Bits on Tenant { id name }\n" + DASHBOARD.split("fragment")[0]

        with settings_changed(app, persisted_operations="allowlist"):
            by_hash = await post(
                http, {"extensions": persisted(hashes["Dashboard"]), "variables": {"n": 5}}, token
            )
            by_get = await get(http, hashes["Dashboard"], token, {"n": 5})
            by_text = await post(http, {"query": reformatted, "variables": {"n": 5}}, token)
            by_other_order = await post(http, {"query": reordered, "variables": {"n": 5}}, token)

        expected = {"data": {"tenants": {"totalCount": 0, "nodes": []}}}
        assert by_hash.json() == by_get.json() == by_text.json() == expected
        assert by_other_order.json() == expected

    async def test_on_a_client_s_own_text_of_a_registered_operation_runs_with_its_hash(
        self, db: None, http: httpx.AsyncClient, app: FastAPI, tokens: Tokens, database_url: str
    ) -> None:
        await register(database_url, DASHBOARD)
        text = " ".join(DASHBOARD.split())  # what an Apollo client hashes: its own text
        body = {"query": text, "extensions": persisted(operation_hash(text)), "variables": {}}

        with settings_changed(app, persisted_operations="allowlist"):
            response = await post(http, body, tokens.super_admin())

        assert response.json()["data"]["tenants"]["totalCount"] == 0

    async def test_on_clients_cannot_register(
        self,
        db: None,
        http: httpx.AsyncClient,
        app: FastAPI,
        tokens: Tokens,
        sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        sha256 = operation_hash(VIEWER)
        with settings_changed(app, persisted_operations="allowlist"):
            response = await post(
                http, {"query": VIEWER, "extensions": persisted(sha256)}, tokens.super_admin()
            )

        assert code(response) == "OPERATION_NOT_ALLOWLISTED"
        assert (
            "Registering operations over HTTP is refused" in response.json()["errors"][0]["message"]
        )
        assert await stored(sessions) == {}

    async def test_on_a_query_a_client_stored_earlier_does_not_run(
        self, db: None, http: httpx.AsyncClient, app: FastAPI, tokens: Tokens
    ) -> None:
        token = tokens.super_admin()
        sha256 = operation_hash(VIEWER)
        await post(http, {"query": VIEWER, "extensions": persisted(sha256)}, token)  # APQ mode

        with settings_changed(app, persisted_operations="allowlist"):
            by_hash = await post(http, {"extensions": persisted(sha256)}, token)
            by_text = await post(http, {"query": VIEWER}, token)

        assert code(by_hash) == code(by_text) == "OPERATION_NOT_ALLOWLISTED"

    async def test_on_rest_routes_still_run_their_own_documents(
        self, db: None, http: httpx.AsyncClient, app: FastAPI, tokens: Tokens
    ) -> None:
        with settings_changed(app, persisted_operations="allowlist"):
            response = await http.get("/api/v1/admin/tenants", headers=bearer(tokens.super_admin()))

        assert response.status_code == 200
        assert response.json()["data"] == []


def scaigate(*args: str, database_url: str) -> Any:
    return CliRunner().invoke(cli, list(args), env={"SCAIGATE_DATABASE_URL": database_url})


class TestRegisterCommand:
    async def test_registers_every_operation_of_a_file_and_prints_names_and_hashes(
        self,
        db: None,
        http: httpx.AsyncClient,
        app: FastAPI,
        tokens: Tokens,
        database_url: str,
        sessions: async_sessionmaker[AsyncSession],
        tmp_path: Path,
    ) -> None:
        file = tmp_path / "dashboard.graphql"
        file.write_text(DASHBOARD + "\nquery Me { viewer { role } }\n", encoding="utf-8")

        result = await asyncio.to_thread(
            scaigate, "operations", "register", str(file), database_url=database_url
        )

        assert result.exit_code == 0, result.output
        printed = dict(line.split() for line in result.stdout.splitlines())
        assert set(printed) == {"Dashboard", "Me"}
        rows = await stored(sessions)
        assert set(rows) == set(printed.values())
        assert all(allowlisted for _, allowlisted in rows.values())
        me = rows[printed["Me"]][0]
        assert operation_hash(me) == printed["Me"]
        assert "fragment Bits" in rows[printed["Dashboard"]][0]
        assert "fragment" not in me  # each operation alone, with only the fragments it uses
        with settings_changed(app, persisted_operations="allowlist"):
            response = await get(http, printed["Me"], tokens.super_admin())
        assert response.json() == {"data": {"viewer": {"role": "SUPER_ADMIN"}}}

    async def test_registering_again_changes_nothing(
        self,
        db: None,
        database_url: str,
        sessions: async_sessionmaker[AsyncSession],
        tmp_path: Path,
    ) -> None:
        file = tmp_path / "me.graphql"
        file.write_text("query Me { viewer { role } }", encoding="utf-8")

        first = await asyncio.to_thread(
            scaigate, "operations", "register", str(file), database_url=database_url
        )
        again = await asyncio.to_thread(
            scaigate, "operations", "register", str(file), database_url=database_url
        )

        assert first.exit_code == again.exit_code == 0
        assert first.stdout == again.stdout
        assert len(await stored(sessions)) == 1

    async def test_an_operation_that_does_not_validate_registers_nothing(
        self,
        db: None,
        database_url: str,
        sessions: async_sessionmaker[AsyncSession],
        tmp_path: Path,
    ) -> None:
        file = tmp_path / "bad.graphql"
        file.write_text("query Me { viewer { role } }\nquery Bad { nope }", encoding="utf-8")

        result = await asyncio.to_thread(
            scaigate, "operations", "register", str(file), database_url=database_url
        )

        assert result.exit_code == 1
        # One line per error, whatever the length of the temporary directory's path.
        assert f"{file}: Cannot query field 'nope'" in result.stderr.splitlines()[0]
        assert await stored(sessions) == {}

    def test_a_file_that_does_not_parse_is_a_usage_error(self, tmp_path: Path) -> None:
        file = tmp_path / "broken.graphql"
        file.write_text("query {", encoding="utf-8")

        result = scaigate("operations", "register", str(file), database_url="sqlite+aiosqlite://")

        assert result.exit_code == 2
        assert "Syntax Error" in result.output


def test_the_hash_is_the_lowercase_hex_sha256_of_the_utf8_text() -> None:
    text = 'query { tenant(id: "tnt_é") { id } }'

    assert operation_hash(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()
