"""Property-based checks of a served gateway with schemathesis: over the REST OpenAPI document
and over `/graphql`, as a super admin, no input gives a server error, every answer fits its
declared schema, and every status is one the document declares for that route.

The examples are derandomized (the same requests on every run) and few per operation, so the
whole module stays within a few minutes on two cores.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from resolvers.errors import ErrorCode
from tests.gateway.test_served_process import Server, running_server, super_admin_token

EXAMPLES_PER_OPERATION = 8
FUZZING = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
REST_CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


@pytest.fixture(scope="module")
def served(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`scaigate serve` on the session's database, with the OpenAPI document and
    introspection on (development mode)."""
    workdir: Path = tmp_path_factory.mktemp("schemathesis")
    with running_server(workdir, database_url, env={"SCAIGATE_ENV": "development"}) as server:
        yield server


@pytest.fixture(scope="module")
def headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {super_admin_token()}"}


@pytest.fixture(scope="module")
def rest_schema(served: Server) -> Any:
    return schemathesis.openapi.from_url(f"{served.url}/openapi.json").include(
        path_regex="^/(api/)?v1/admin/"
    )


@pytest.fixture(scope="module")
def graphql_schema(served: Server, headers: dict[str, str]) -> Any:
    return schemathesis.graphql.from_url(f"{served.url}/graphql", headers=headers)


def no_internal_error(case: schemathesis.Case, headers: dict[str, str]) -> None:
    """GraphQL answers refusals (NOT_FOUND, BAD_USER_INPUT, …) as errors with a code, which
    schemathesis's own GraphQL check counts as server errors: here only a 5xx or an error
    coded INTERNAL_SERVER_ERROR is one."""
    response = case.call(headers=headers)
    assert response.status_code < 500, response.text
    errors = response.json().get("errors") or []
    internal = ErrorCode.INTERNAL.value  # "INTERNAL_SERVER_ERROR": a masked unexpected error
    assert not [e for e in errors if (e.get("extensions") or {}).get("code") == internal]


def _failures(schema: Any, headers: dict[str, str], checks: list[Any] | None) -> list[str]:
    """Runs each operation's examples; the failures, one line per operation."""
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @FUZZING
        @given(case=operation.as_strategy())
        def examples(case: schemathesis.Case) -> None:
            if checks is None:
                no_internal_error(case, headers)
            else:
                case.call_and_validate(headers=headers, checks=checks)

        try:
            examples()
        except Exception as exc:
            failures.append(f"{operation.label}: {exc}")
    return failures


def test_rest_routes(rest_schema: Any, headers: dict[str, str]) -> None:
    assert _failures(rest_schema, headers, REST_CHECKS) == []


def test_graphql(graphql_schema: Any, headers: dict[str, str]) -> None:
    assert _failures(graphql_schema, headers, None) == []
