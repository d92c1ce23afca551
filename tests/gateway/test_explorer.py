"""GraphiQL at /graphql and Swagger UI at /docs load only files the gateway serves itself."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from core.settings import Settings
from gateway.app import create_app
from gateway.explorer import Vendor, add_swagger_ui, install_vendor_files
from gateway.graphql_router import GatewayGraphQLRouter
from schema.schema import schema

HTML = {"Accept": "text/html"}
CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
ASSET_URL = re.compile(r"""<(?:script|link)\b[^>]*?\b(?:src|href)=["']([^"']+)["']""")


def asset_urls(page: str) -> list[str]:
    return [url for url in ASSET_URL.findall(page) if not url.startswith("data:")]


async def assert_same_origin_assets(http: httpx.AsyncClient, page: str, expected: int) -> None:
    assert "https://" not in page
    urls = asset_urls(page)
    assert len(urls) == expected, urls
    for url in urls:
        assert url.startswith("/static/vendor/") and not url.startswith("//"), url
        response = await http.get(url)
        assert response.status_code == 200, url
        suffix = Path(url.split("?")[0]).suffix
        assert response.headers["content-type"].startswith(CONTENT_TYPES[suffix]), url


async def test_graphiql_page_loads_only_same_origin_assets(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", headers=HTML)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "unpkg" not in response.text
    # react, react-dom, graphiql (js + css), the explorer plugin (js + css)
    await assert_same_origin_assets(http, response.text, expected=6)


async def test_graphiql_opens_with_the_authorization_header_to_fill_in(
    http: httpx.AsyncClient,
) -> None:
    page = (await http.get("/graphql", headers=HTML)).text

    assert '"Authorization": "Bearer "' in page
    assert 'defaultEditorToolsVisibility: "headers"' in page
    assert "shouldPersistHeaders: false" in page


async def test_swagger_ui_loads_only_same_origin_assets(http: httpx.AsyncClient) -> None:
    response = await http.get("/docs")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "cdn.jsdelivr" not in response.text
    assert "'/openapi.json'" in response.text
    # swagger-ui-bundle.js, swagger-ui.css, the favicon
    await assert_same_origin_assets(http, response.text, expected=3)


@pytest.mark.parametrize(
    "path",
    [
        "/static/vendor/graphiql/package.json",
        "/static/vendor/graphiql/graphiql.min.js.map",
        "/static/vendor/react/umd/react.development.js",
        "/static/vendor/swagger-ui-dist/index.html",
        "/static/vendor/.package-lock.json",
    ],
)
async def test_only_the_pages_files_are_served(http: httpx.AsyncClient, path: str) -> None:
    assert (await http.get(path)).status_code == 404


async def test_no_swagger_ui_without_the_openapi_document(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"enable_openapi": False}))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://scaigate.test") as http:
        assert (await http.get("/docs")).status_code == 404
        assert (await http.get("/openapi.json")).status_code == 404


async def test_without_the_installed_files_the_pages_say_what_to_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = FastAPI(docs_url=None)
    app.include_router(GatewayGraphQLRouter(schema), prefix="/graphql")
    with caplog.at_level(logging.WARNING, logger="gateway.explorer"):
        install_vendor_files(app, Vendor(tmp_path / "node_modules"))
    add_swagger_ui(app)
    assert "npm ci --prefix frontend" in caplog.text

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://scaigate.test") as http:
        for page in ("/graphql", "/docs"):
            response = await http.get(page, headers=HTML)
            assert response.status_code == 503, page
            assert "make serve" in response.text
            assert "npm ci --prefix frontend" in response.text
            assert "graphiql" in response.text
        asset = "/static/vendor/graphiql/graphiql.min.js"
        assert (await http.get(asset)).status_code == 404


class TestOpenAPIDocument:
    async def test_declares_the_bearer_scheme_on_every_admin_route(
        self, http: httpx.AsyncClient
    ) -> None:
        document = (await http.get("/openapi.json")).json()

        assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
        admin = {p: ops for p, ops in document["paths"].items() if p.startswith("/api/v1/admin")}
        # the spec's 47 endpoints and the SCIM tokens' three (docs/scim.md)
        assert len([op for ops in admin.values() for op in ops]) == 47 + 3
        for operations in admin.values():
            for operation in operations.values():
                assert operation["security"] == [{"HTTPBearer": []}]
