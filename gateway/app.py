"""The app factory: one FastAPI app serving GraphQL, the REST paths and the explorer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from http import HTTPStatus
from pathlib import Path
from typing import cast

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.engine import make_url
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import HTTPConnection
from starlette.websockets import WebSocket
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from core.errors import AuthenticationFailed
from core.settings import Settings, get_settings
from db.engine import create_engine, create_sessionmaker, is_sqlite
from db.migrate import upgrade
from gateway.auth import (
    anonymous_context,
    authentication_failed_response,
    build_request_context,
    request_context_of,
)
from gateway.body_limit import BodySizeLimit
from gateway.explorer import add_swagger_ui, install_vendor_files
from gateway.graphql_router import GatewayGraphQLRouter
from gateway.graphql_ws import WebSocketContext
from gateway.health import health_router
from gateway.lean_graphql import LeanGraphQL
from gateway.lean_rest import LeanRest, lean_routes
from gateway.logs import configure_logging
from gateway.metrics import (
    AuditSpoolMetrics,
    metrics_router,
    subscription_opened,
    worker_stopped,
)
from gateway.middleware import RequestIdAndStatements
from gateway.oauth import oauth_router
from gateway.observability import AccessLogAndMetrics
from gateway.outages import answer_outages
from gateway.sign_in import sign_in_router, sign_in_throttle
from resolvers.audit import write_spooled
from resolvers.audit_feed import open_feed
from resolvers.audit_spool import AuditSpool, SpoolDrainer
from resolvers.notifications import asyncpg_dsn
from resolvers.platform_clients import PlatformClients
from rest_compat.router import SCAIKEY_PREFIX, SCAIKEY_ROUTES, scaikey_router
from rest_compat.scaiwave_router import SCAIWAVE_PREFIX, SCAIWAVE_ROUTES, scaiwave_router
from schema.context import GraphQLContext
from schema.schema import schema
from scim.router import scim_router


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own refusals (no such path, method not allowed) in the REST error shape,
    with a code named after the status, as every other refusal carries one."""
    assert isinstance(exc, StarletteHTTPException)
    body = {"detail": exc.detail, "code": HTTPStatus(exc.status_code).name}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


async def _graphql_context(connection: HTTPConnection) -> GraphQLContext:
    if isinstance(connection, WebSocket):
        return WebSocketContext(connection)  # authenticated at connection_init
    return GraphQLContext(await request_context_of(cast("Request", connection)))


async def prepare_database(settings: Settings) -> None:
    """The embedded database creates and migrates itself; others use `scaigate db upgrade`."""
    if not is_sqlite(settings.database_url):
        return
    database = make_url(settings.database_url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    await upgrade(settings.database_url)


GRAPHQL_PATH = "/graphql"
MAX_SUBSCRIPTIONS_PER_CONNECTION = 20


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await prepare_database(settings)
        engine = create_engine(
            settings.database_url,
            pool_size=settings.db_pool_size,
            pool_timeout=settings.db_pool_timeout_seconds,
            connect_timeout=settings.db_connect_timeout_seconds,
            pre_ping=settings.db_pool_pre_ping,
        )
        app.state.engine = engine
        app.state.sessions = create_sessionmaker(engine)
        write_engine = engine
        if is_sqlite(settings.database_url):
            write_engine = create_engine(settings.database_url, for_writes=True)
        app.state.write_sessions = create_sessionmaker(write_engine)
        # In the serving event loop: a Redis storage's connections belong to it.
        app.state.sign_in_throttle = sign_in_throttle(settings)
        app.state.audit_feed = open_feed(
            settings.database_url, (engine, write_engine), opened=subscription_opened
        )
        app.state.platform_clients = PlatformClients(
            app.state.sessions,
            ttl_seconds=settings.client_state_ttl_seconds,
            postgres_dsn=asyncpg_dsn(settings.database_url),
        )
        app.state.platform_clients.start((engine, write_engine))
        # Before serving: what processes that are gone left in the spool is written first.
        spool = AuditSpool(settings.audit_spool_dir, observer=AuditSpoolMetrics())
        spool_drainer = SpoolDrainer(spool, partial(write_spooled, app.state.write_sessions))
        await spool_drainer.start()
        app.state.audit_spool = spool
        try:
            yield
        finally:
            await spool_drainer.close()
            await app.state.platform_clients.close()
            await app.state.audit_feed.close()
            await engine.dispose()
            await write_engine.dispose()
            worker_stopped()

    openapi = settings.openapi_enabled
    app = FastAPI(
        title="ScaiGate",
        summary="GraphQL gateway over the Scai platform's admin data, with its REST paths.",
        version="0.1.0",
        lifespan=lifespan,
        openapi_url="/openapi.json" if openapi else None,
        docs_url=None,  # our own /docs below, on same-origin files
        redoc_url=None,
    )
    app.state.settings = settings
    app.add_exception_handler(AuthenticationFailed, authentication_failed_response)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    answer_outages(app)
    app.include_router(
        GatewayGraphQLRouter(
            schema,
            context_getter=_graphql_context,
            graphql_ide="graphiql" if settings.explorer_enabled else None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=MAX_SUBSCRIPTIONS_PER_CONNECTION,
            # A WebSocket is authenticated by the token in its connection_init, never by a
            # cookie, so a page on another origin gains nothing it could not do without one.
            allowed_origins=("*",),
        ),
        prefix=GRAPHQL_PATH,
    )
    app.include_router(scaikey_router(build_request_context))
    app.include_router(sign_in_router())
    app.include_router(oauth_router())
    app.include_router(scaiwave_router(build_request_context))
    app.include_router(scim_router(build_request_context, anonymous_context))
    install_vendor_files(app)
    if openapi:
        add_swagger_ui(app)
    app.include_router(health_router())
    if settings.enable_metrics:
        app.include_router(metrics_router())
    # Innermost: planned operations are answered before routing (`gateway.lean_graphql`,
    # `gateway.lean_rest`).
    rest_tables = [(SCAIKEY_PREFIX, SCAIKEY_ROUTES), (SCAIWAVE_PREFIX, SCAIWAVE_ROUTES)]
    app.add_middleware(LeanRest, routes=lean_routes(rest_tables))
    app.add_middleware(LeanGraphQL, graphql_path=GRAPHQL_PATH)
    app.add_middleware(
        BodySizeLimit, max_bytes=settings.limit_max_body_bytes, graphql_path=GRAPHQL_PATH
    )
    app.add_middleware(
        AccessLogAndMetrics, access_log=settings.access_log, graphql_path=GRAPHQL_PATH
    )
    app.add_middleware(RequestIdAndStatements, report_statements=settings.env != "production")
    return app
