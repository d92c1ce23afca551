"""Structured logs: JSON lines with timestamp, level, event and the request id, one access line
per request, and the standard library's and uvicorn's records through the same handler."""

from __future__ import annotations

import io
import json
import logging
import logging.config
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import structlog
import uvicorn.config
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.settings import Settings
from gateway.logs import configure_logging
from tests.factories import create_partner, create_tenant
from tests.tokens import Tokens, bearer

JSON_SETTINGS = Settings(log_format="json", _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def json_log(settings: Settings) -> Iterator[io.StringIO]:
    stream = io.StringIO()
    configure_logging(JSON_SETTINGS, stream=stream)
    try:
        yield stream
    finally:
        configure_logging(settings)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def access_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [line for line in lines(stream) if line["logger"] == "scaigate.access"]


class TestFormat:
    def test_structlog_lines_are_json_with_the_common_fields(self, json_log: io.StringIO) -> None:
        structlog.stdlib.get_logger("scaigate.test").info("something_happened", count=3)

        [line] = lines(json_log)
        assert line["event"] == "something_happened"
        assert line["count"] == 3
        assert line["level"] == "info"
        assert line["logger"] == "scaigate.test"
        assert line["timestamp"].endswith("Z") and "T" in line["timestamp"]

    def test_standard_library_and_uvicorn_records_go_through_it(
        self, json_log: io.StringIO
    ) -> None:
        logging.getLogger("some.library").warning("disk %s is %d%% full", "/var", 91)
        logging.getLogger("uvicorn.error").info("Started server process [%d]", 42)

        library, uvicorn = lines(json_log)
        assert library["event"] == "disk /var is 91% full"
        assert library["level"] == "warning"
        assert uvicorn == {
            "event": "Started server process [42]",
            "level": "info",
            "logger": "uvicorn.error",
            "timestamp": uvicorn["timestamp"],
        }

    def test_uvicorns_own_logging_configuration_is_replaced(self, settings: Settings) -> None:
        # given: what uvicorn configures when it starts (handlers, levels, no propagation)
        logging.config.dictConfig(uvicorn.config.LOGGING_CONFIG)
        logging.getLogger("uvicorn.error").setLevel(logging.WARNING)
        stream = io.StringIO()

        # when
        configure_logging(JSON_SETTINGS, stream=stream)
        try:
            logging.getLogger("uvicorn.error").info("Application startup complete.")
            logging.getLogger("uvicorn.access").info("127.0.0.1 - GET / 200")
        finally:
            configure_logging(settings)

        # then: one line, JSON, and no second access log
        [line] = lines(stream)
        assert line["event"] == "Application startup complete."
        assert line["logger"] == "uvicorn.error"

    def test_bound_request_id_is_on_every_line(self, json_log: io.StringIO) -> None:
        with structlog.contextvars.bound_contextvars(request_id="req-42"):
            structlog.stdlib.get_logger("a").info("one")
            logging.getLogger("b").info("two")
        structlog.stdlib.get_logger("a").info("three")

        one, two, three = lines(json_log)
        assert one["request_id"] == two["request_id"] == "req-42"
        assert "request_id" not in three

    def test_exceptions_are_rendered_into_the_line(self, json_log: io.StringIO) -> None:
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("c").exception("failed")

        [line] = lines(json_log)
        assert "ValueError: boom" in line["exception"]

    def test_development_is_readable_text_and_production_json(self) -> None:
        development = Settings(_env_file=None)  # type: ignore[call-arg]
        production = Settings(
            env="production",
            jwt_signing_key="k" * 40,
            _env_file=None,  # type: ignore[call-arg]
        )
        forced = Settings(log_format="console", env="production", jwt_signing_key="k" * 40)

        assert (development.log_json, production.log_json, forced.log_json) == (
            False,
            True,
            False,
        )

    def test_console_format_is_one_readable_line(self, settings: Settings) -> None:
        stream = io.StringIO()
        configure_logging(Settings(log_format="console", _env_file=None), stream=stream)  # type: ignore[call-arg]
        try:
            with structlog.contextvars.bound_contextvars(request_id="req-7"):
                structlog.stdlib.get_logger("scaigate.test").info("hello", n=1)
        finally:
            configure_logging(settings)

        text = stream.getvalue()
        assert "hello" in text and "request_id=req-7" in text and "n=1" in text
        assert not text.lstrip().startswith("{")

    def test_reconfiguring_replaces_only_its_own_handler(self, settings: Settings) -> None:
        root = logging.getLogger()
        foreign = logging.NullHandler()
        root.addHandler(foreign)
        try:
            configure_logging(settings)
            configure_logging(settings)

            ours = [
                h
                for h in root.handlers
                if isinstance(h.formatter, structlog.stdlib.ProcessorFormatter)
            ]
            assert len(ours) == 1
            assert foreign in root.handlers
        finally:
            root.removeHandler(foreign)


class TestAccessLog:
    async def test_one_line_per_graphql_request(
        self, http: httpx.AsyncClient, tokens: Tokens, json_log: io.StringIO
    ) -> None:
        response = await http.post(
            "/graphql",
            json={"query": "query WhoAmI { viewer { role } }"},
            headers={**bearer(tokens.super_admin()), "X-Request-ID": "req-access-1"},
        )

        assert response.headers["x-request-id"] == "req-access-1"
        [line] = access_lines(json_log)
        assert line["event"] == "request"
        assert line["request_id"] == "req-access-1"
        assert (line["method"], line["path"], line["route"], line["status"]) == (
            "POST",
            "/graphql",
            "/graphql",
            200,
        )
        assert (line["graphql_operation"], line["graphql_operation_type"]) == ("WhoAmI", "query")
        assert line["sql_statements"] == int(response.headers["x-sql-statements"])
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0

    async def test_rest_lines_name_the_route_template(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        tokens: Tokens,
        json_log: io.StringIO,
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))

        response = await http.get(
            f"/api/v1/admin/tenants/{tenant.id}", headers=bearer(tokens.super_admin())
        )

        [line] = access_lines(json_log)
        assert line["path"] == f"/api/v1/admin/tenants/{tenant.id}"
        assert line["route"] == "/api/v1/admin/tenants/{id}"
        assert line["status"] == 200
        assert line["sql_statements"] == int(response.headers["x-sql-statements"]) > 0
        assert line["request_id"] == response.headers["x-request-id"]

    async def test_generated_request_ids_are_returned_and_logged(
        self, http: httpx.AsyncClient, json_log: io.StringIO
    ) -> None:
        first = await http.get("/healthz")
        second = await http.get("/healthz", headers={"X-Request-ID": "not a sane id!"})

        ids = [line["request_id"] for line in access_lines(json_log)]
        assert ids == [first.headers["x-request-id"], second.headers["x-request-id"]]
        assert len(set(ids)) == 2 and "not a sane id!" not in ids

    async def test_unknown_paths_are_logged_as_unmatched(
        self, http: httpx.AsyncClient, json_log: io.StringIO
    ) -> None:
        await http.get("/no/such/path/123")

        [line] = access_lines(json_log)
        assert (line["route"], line["status"]) == ("unmatched", 404)
        assert "graphql_operation" not in line

    async def test_request_id_does_not_outlive_the_request(
        self, http: httpx.AsyncClient, json_log: io.StringIO
    ) -> None:
        await http.get("/healthz", headers={"X-Request-ID": "req-short-lived"})
        structlog.stdlib.get_logger("after").info("later")

        later = lines(json_log)[-1]
        assert later["event"] == "later" and "request_id" not in later

    async def test_can_be_turned_off(self, database_url: str, json_log: io.StringIO) -> None:
        from gateway.app import create_app

        settings = Settings(database_url=database_url, access_log=False, _env_file=None)  # type: ignore[call-arg]
        application = create_app(settings)
        configure_logging(JSON_SETTINGS, stream=json_log)  # create_app configured its own
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.get("/healthz")

        assert response.status_code == 200
        assert access_lines(json_log) == []
