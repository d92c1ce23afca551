"""The private Strawberry behaviour `schema.strawberry_private` relies on, on a tiny schema.

Each test fails when a Strawberry upgrade changes what the adapter reaches: then the adapter
(and the version pin in pyproject.toml) are what to revisit.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import orjson
import pytest
import strawberry
from fastapi import FastAPI
from graphql import (
    GraphQLError,
    GraphQLField,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLString,
    OperationType,
)
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from strawberry.exceptions import ConnectionRejectionError
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.schema_directive import Location

from schema.strawberry_private import (
    GraphQLEndpoint,
    OperationNotFound,
    OperationTypeNotAllowed,
    QueryMissing,
    execute_over_http,
    graphql_core_schema,
    never_ran,
    print_directive_with,
    request_error,
    resolve_info,
    strawberry_field_of,
)

GREETING = 'query Greeting { greeting(name: "Ada") }'
SEEN_INFO = "query Seen { seen { path } }"

_seen: list[GraphQLResolveInfo] = []  # what `seen` read, for the test to look at


@strawberry.schema_directive(locations=[Location.FIELD_DEFINITION], name="tagged")
class Tagged:
    label: str


class TaggedPermission(BasePermission):
    def __init__(self, label: str) -> None:
        print_directive_with(self, Tagged(label=label))

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return True


class SilentPermission(BasePermission):
    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return True


@strawberry.type
class Seen:
    path: str


@strawberry.type
class Query:
    @strawberry.field
    def greeting(self, name: str) -> str:
        return f"Hello, {name}"

    @strawberry.field
    def seen(self, info: strawberry.Info) -> Seen:
        raw = resolve_info(info)
        _seen.append(raw)
        return Seen(path=".".join(str(key) for key in raw.path.as_list()))

    @strawberry.field(extensions=[PermissionExtension(permissions=[TaggedPermission("audited")])])
    def guarded(self) -> str:
        return "guarded"

    @strawberry.field(extensions=[PermissionExtension(permissions=[SilentPermission()])])
    def unmarked(self) -> str:
        return "unmarked"

    @strawberry.field(metadata={"scaigate.test": "declared"})
    def described(self) -> str:
        return "described"


tiny = strawberry.Schema(query=Query)


class TestGraphqlCoreSchema:
    def test_is_the_schema_strawberry_executes_on(self) -> None:
        # given the tiny schema
        # when its graphql-core schema is read
        built = graphql_core_schema(tiny)

        # then it is graphql-core's, with the Strawberry fields, and executing it answers
        assert isinstance(built, GraphQLSchema)
        assert built.query_type is not None
        assert "greeting" in built.query_type.fields
        result = tiny.execute_sync(GREETING)
        assert result.errors is None
        assert result.data == {"greeting": "Hello, Ada"}

    def test_is_the_same_object_each_time(self) -> None:
        assert graphql_core_schema(tiny) is graphql_core_schema(tiny)


class TestResolveInfo:
    def test_is_graphql_cores_info_of_the_running_field(self) -> None:
        # given a resolver that reads its graphql-core info
        _seen.clear()

        # when the field is queried
        result = tiny.execute_sync(SEEN_INFO)

        # then it is graphql-core's info of that field, in that operation, with what
        # prefetching reads: field nodes, return type, schema, fragments and variables
        assert result.errors is None
        assert result.data == {"seen": {"path": "seen"}}
        (raw,) = _seen
        assert raw.field_name == "seen"
        assert [node.name.value for node in raw.field_nodes] == ["seen"]
        assert str(raw.return_type) == "Seen!"
        assert raw.operation.name is not None and raw.operation.name.value == "Seen"
        assert raw.schema is graphql_core_schema(tiny)
        assert raw.fragments == {}
        assert raw.variable_values == {}


class TestPrintDirectiveWith:
    def test_the_permissions_directive_is_printed_on_its_field(self) -> None:
        # when the schema is printed
        sdl = tiny.as_str()

        # then the field guarded by the permission carries the directive given, in place of
        # the one Strawberry names after a permission class
        lines = {line.strip().split(":")[0]: line.strip() for line in sdl.splitlines()}
        assert lines["guarded"] == 'guarded: String! @tagged(label: "audited")'
        assert lines["unmarked"] == "unmarked: String! @silentPermission"
        assert "directive @tagged(label: String!) on FIELD_DEFINITION" in sdl
        assert "taggedPermission" not in sdl


class TestStrawberryFieldOf:
    def test_a_converted_field_leads_back_to_its_declaration(self) -> None:
        # given the graphql-core field Strawberry built
        query_type = graphql_core_schema(tiny).query_type
        assert query_type is not None

        # when its Strawberry field is looked up
        definition = strawberry_field_of(query_type.fields["described"])

        # then it is the declared field, with its metadata
        assert definition is not None
        assert definition.python_name == "described"
        assert definition.metadata == {"scaigate.test": "declared"}

    def test_a_field_strawberry_did_not_build_has_none(self) -> None:
        assert strawberry_field_of(GraphQLField(GraphQLString)) is None


# -- the transport side: a small endpoint over a schema with all three operation types --------


@strawberry.type
class ServedQuery:
    @strawberry.field
    def hello(self) -> str:
        return "hello"


@strawberry.type
class ServedMutation:
    @strawberry.mutation
    def touch(self) -> bool:
        return True


@strawberry.type
class ServedSubscription:
    @strawberry.subscription
    async def ticks(self) -> AsyncGenerator[int, None]:
        for tick in (1, 2):
            yield tick


served = strawberry.Schema(
    query=ServedQuery, mutation=ServedMutation, subscription=ServedSubscription
)
QUERIES = frozenset({OperationType.QUERY})


async def run_over_http(query: str | None, operation_name: str | None = None) -> Any:
    return await execute_over_http(
        served,
        query,
        variables=None,
        operation_name=operation_name,
        extensions=None,
        context=None,
        allowed=QUERIES,
    )


class TestExecuteOverHttp:
    async def test_an_allowed_operation_runs(self) -> None:
        result = await run_over_http("{ hello }")

        assert result.errors is None
        assert result.data == {"hello": "hello"}
        assert not never_ran(result)

    async def test_an_operation_of_a_type_not_allowed_is_refused_by_its_type(self) -> None:
        for document, refused in (
            ("mutation { touch }", OperationType.MUTATION),
            ("subscription { ticks }", OperationType.SUBSCRIPTION),
        ):
            with pytest.raises(OperationTypeNotAllowed) as raised:
                await run_over_http(document)
            assert raised.value.operation_type is refused

    async def test_an_unknown_operation_name_is_named(self) -> None:
        with pytest.raises(OperationNotFound, match='Unknown operation named "Other"'):
            await run_over_http("query One { hello }", "Other")

    async def test_no_query_is_missing(self) -> None:
        with pytest.raises(QueryMissing):
            await run_over_http(None)

    async def test_a_document_that_does_not_validate_never_ran(self) -> None:
        result = await run_over_http("{ nothing }")

        assert never_ran(result)
        assert result.data is None
        assert result.errors and "nothing" in result.errors[0].message

    def test_a_request_error_never_ran(self) -> None:
        result = request_error([GraphQLError("refused")])

        assert never_ran(result)
        assert result.data is None
        assert [error.message for error in result.errors or ()] == ["refused"]


class Endpoint(GraphQLEndpoint):
    """Answers HTTP operations itself, accepts the WebSocket token `ok`, refuses
    operations named `Refused`."""

    async def connect_websocket(self, context: Any) -> None:
        if context["connection_params"] != {"token": "ok"}:
            raise ConnectionRejectionError()

    async def refuse_subscription(
        self, context: Any, query: object, operation_name: object, extensions: object
    ) -> GraphQLError | None:
        return GraphQLError("refused here") if operation_name == "Refused" else None

    def serves_explorer(self, request: Request) -> bool:
        return super().serves_explorer(request) and request.query_params.get("extensions") is None

    async def serve_http(self, request: Request, context: object, response: Response) -> Response:
        assert isinstance(context, dict)
        same = context["response"] is response
        return PlainTextResponse(f"{request.method} served, same response: {same}")


def client() -> TestClient:
    app = FastAPI()
    app.include_router(Endpoint(served, graphql_ide="graphiql"), prefix="/graphql")
    return TestClient(app)


class TestGraphQLEndpointOverHttp:
    def test_an_operation_is_served_with_the_requests_own_response(self) -> None:
        answer = client().post("/graphql", json={"query": "{ hello }"})

        assert answer.status_code == 200
        assert answer.text == "POST served, same response: True"

    def test_a_browsers_get_without_a_query_is_the_explorer(self) -> None:
        answer = client().get("/graphql", headers={"accept": "text/html"})

        assert answer.status_code == 200
        assert "graphiql" in answer.text.lower()

    def test_a_get_the_endpoint_does_not_serve_as_explorer_is_an_operation(self) -> None:
        answer = client().get(
            "/graphql", params={"extensions": "{}"}, headers={"accept": "text/html"}
        )

        assert answer.text == "GET served, same response: True"


TRANSPORT_WS = ["graphql-transport-ws"]


class TestGraphQLEndpointOverWebSocket:
    def test_a_refused_connection_is_closed_with_4403(self) -> None:
        with client().websocket_connect("/graphql", subprotocols=TRANSPORT_WS) as socket:
            socket.send_text(orjson.dumps({"type": "connection_init", "payload": {}}).decode())
            with pytest.raises(WebSocketDisconnect) as closed:
                socket.receive_text()
        assert closed.value.code == 4403

    def test_a_refused_operation_answers_an_error_and_the_connection_goes_on(self) -> None:
        def send(message: dict[str, Any]) -> None:
            socket.send_text(orjson.dumps(message).decode())

        def subscribe(id_: str, name: str) -> None:
            query = f"subscription {name} {{ ticks }}"
            send({"id": id_, "type": "subscribe", "payload": {"query": query}})

        with client().websocket_connect("/graphql", subprotocols=TRANSPORT_WS) as socket:
            # given an accepted connection (messages arrive as JSON text frames)
            send({"type": "connection_init", "payload": {"token": "ok"}})
            assert orjson.loads(socket.receive_text()) == {"type": "connection_ack"}

            # when an operation the endpoint refuses is sent, then one it lets run
            payload = {"query": "subscription Refused { ticks }", "operationName": "Refused"}
            send({"id": "1", "type": "subscribe", "payload": payload})
            refused = orjson.loads(socket.receive_text())
            subscribe("2", "Allowed")
            delivered = [orjson.loads(socket.receive_text()) for _ in range(3)]

        # then the first is answered by an error, and the second runs to completion
        assert refused == {"id": "1", "type": "error", "payload": [{"message": "refused here"}]}
        assert delivered == [
            {"id": "2", "type": "next", "payload": {"data": {"ticks": 1}}},
            {"id": "2", "type": "next", "payload": {"data": {"ticks": 2}}},
            {"id": "2", "type": "complete"},
        ]
