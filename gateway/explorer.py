"""The in-browser explorers, served entirely by the gateway: GraphiQL at `/graphql` and the
REST paths' Swagger UI at `/docs`. Neither page makes a request to any other host.

Their JavaScript and CSS are the npm packages pinned in `frontend/package.json` and its
`package-lock.json`; `make serve` and `make test` install them with `npm ci --prefix frontend`
into `frontend/node_modules` (never committed, never downloaded at run time). Only the files
the two pages load (`VENDOR_FILES`) are served, under `/static/vendor/<package>/<file>`, with
the package's version as a `?v=` query so that an upgrade is not hidden by a browser cache.

The pages carry no `integrity` (SRI) attributes: the files are same-origin, and `npm ci` has
already checked each package against the lock file's hash, so SRI would only add hashes to
update by hand on every upgrade.

GraphiQL opens with its headers pane showing `{"Authorization": "Bearer "}` and a "Sign in"
panel (e-mail and password, posted to `POST /auth/sign-in`) that writes the token it gets into
that header. A token stays in the page: it is neither persisted by the browser nor put in the URL.

Shareable links: `GET /graphql?query=…&variables=…&operationName=…` from a browser (its `Accept`
prefers `text/html`) is the page with that operation loaded, and the page keeps its own URL in
step with the editors; an API client's GET with the same parameters is executed as a query
(`shows_explorer`). The page reads the parameters in the browser: the server never echoes them.

Without the installed files both pages answer 503 with a message naming `make serve` and
`npm ci --prefix frontend`, and start-up logs a warning; the API itself is unaffected.
"""

from __future__ import annotations

import html
import json
import logging
import os
from functools import cache
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.routing import NoMatchFound
from starlette.staticfiles import StaticFiles

from gateway.graphql_http import MEDIA_TYPES, accept_quality, accept_ranges

logger = logging.getLogger(__name__)

NODE_MODULES = Path(__file__).resolve().parent.parent / "frontend" / "node_modules"
VENDOR_PATH = "/static/vendor"
_VENDOR_ROUTE = "vendor"

# package -> the files of it that the pages load (paths inside the package).
VENDOR_FILES: dict[str, tuple[str, ...]] = {
    "react": ("umd/react.production.min.js",),
    "react-dom": ("umd/react-dom.production.min.js",),
    "graphiql": ("graphiql.min.js", "graphiql.min.css"),
    "@graphiql/plugin-explorer": ("dist/index.umd.js", "dist/style.css"),
    "swagger-ui-dist": ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"),
}

INSTALL_HINT = "run `make serve` (or `npm ci --prefix frontend`) in the ScaiGate checkout"


class Vendor:
    """The front-end packages installed in a `node_modules` folder."""

    def __init__(self, root: Path = NODE_MODULES) -> None:
        self.root = root
        self.files = frozenset(
            f"{package}/{file}" for package, files in VENDOR_FILES.items() for file in files
        )

    def missing_packages(self) -> list[str]:
        return [
            package
            for package, files in VENDOR_FILES.items()
            if not all((self.root / package / file).is_file() for file in files)
        ]

    def version(self, package: str) -> str:
        manifest = json.loads((self.root / package / "package.json").read_text(encoding="utf-8"))
        return str(manifest["version"])

    def url(self, request: Request, package: str, file: str) -> str:
        """The page-relative (same-origin) URL of one vendor file."""
        path = request.url_for(_VENDOR_ROUTE, path=f"{package}/{file}").path
        return f"{path}?v={self.version(package)}"


class VendorFiles(StaticFiles):
    """Starlette's StaticFiles over `node_modules`, answering only for `VENDOR_FILES`."""

    def __init__(self, vendor: Vendor) -> None:
        super().__init__(directory=vendor.root, check_dir=False)
        self.allowed = vendor.files

    async def check_config(self) -> None:
        """Without `node_modules` each file is a 404, not a 500: the pages say what to run."""

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        if Path(path).as_posix() not in self.allowed:
            return "", None
        return super().lookup_path(path)


def install_vendor_files(app: FastAPI, vendor: Vendor | None = None) -> None:
    """Mount the explorers' files at `/static/vendor` (the pages find them via app.state)."""
    vendor = vendor or Vendor()
    app.state.vendor = vendor
    app.mount(VENDOR_PATH, VendorFiles(vendor), name=_VENDOR_ROUTE)
    if missing := vendor.missing_packages():
        logger.warning(
            "GraphiQL (/graphql) and Swagger UI (/docs) are unavailable: the front-end "
            "packages %s are not installed in %s; %s",
            ", ".join(missing),
            vendor.root,
            INSTALL_HINT,
        )


def _not_installed(missing: list[str]) -> HTMLResponse:
    items = "".join(f"<li><code>{html.escape(package)}</code></li>" for package in missing)
    return HTMLResponse(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>ScaiGate: explorer files not installed</title></head><body>"
        "<h1>The explorer's front-end files are not installed</h1>"
        "<p>This gateway serves GraphiQL and Swagger UI from its own front-end packages, "
        "and these are missing:</p>"
        f"<ul>{items}</ul>"
        "<p>Run <code>make serve</code> (or <code>npm ci --prefix frontend</code>) in the "
        "ScaiGate checkout, then reload this page.</p>"
        "</body></html>",
        status_code=503,
    )


def shows_explorer(request: Request, *, enabled: bool) -> bool:
    """Whether a request to the GraphQL endpoint is for the GraphiQL page (a 404 when the
    explorer is off and there is no operation) rather than a GraphQL-over-HTTP operation.

    Only a GET without `extensions` (a GET by persisted-query hash is an operation). Without
    `query`, any `Accept` admitting HTML (`text/html` or `*/*`, as Strawberry decides). With
    `query` (a shared link), only while the explorer is on and the `Accept` prefers HTML.
    """
    if request.method != "GET" or request.query_params.get("extensions") is not None:
        return False
    accept = request.headers.get("accept") or ""
    if request.query_params.get("query") is None:
        return "text/html" in accept or "*/*" in accept
    return enabled and prefers_html(accept)


def _rank(ranges: list[tuple[str, float]], media_type: str) -> tuple[float, bool]:
    """(quality, named) of a media type: the most specific matching range decides."""
    kind = media_type.split("/")[0]
    for media_range, named in ((media_type, True), (f"{kind}/*", False), ("*/*", False)):
        if (quality := accept_quality(ranges, media_range)) is not None:
            return quality, named
    return 0.0, False


def prefers_html(accept: str) -> bool:
    """Whether `Accept` names `text/html` and ranks it above both GraphQL response types:
    a browser's navigation (`text/html,…,*/*;q=0.8`) does; `*/*`, `application/json` or
    `text/html, application/json` (named at the same quality) do not."""
    ranges = accept_ranges(accept)
    quality, named = _rank(ranges, "text/html")
    if not named or quality <= 0:
        return False
    return (quality, named) > max(_rank(ranges, media_type) for media_type in MEDIA_TYPES)


@cache
def _graphiql_template() -> str:
    return (Path(__file__).parent / "templates" / "graphiql.html").read_text(encoding="utf-8")


def render_graphiql(request: Request) -> HTMLResponse:
    """The GraphiQL page, loading only same-origin files."""
    vendor: Vendor = request.app.state.vendor
    if missing := vendor.missing_packages():
        return _not_installed(missing)
    urls = {
        "react_js": vendor.url(request, "react", "umd/react.production.min.js"),
        "react_dom_js": vendor.url(request, "react-dom", "umd/react-dom.production.min.js"),
        "graphiql_js": vendor.url(request, "graphiql", "graphiql.min.js"),
        "graphiql_css": vendor.url(request, "graphiql", "graphiql.min.css"),
        "explorer_js": vendor.url(request, "@graphiql/plugin-explorer", "dist/index.umd.js"),
        "explorer_css": vendor.url(request, "@graphiql/plugin-explorer", "dist/style.css"),
    }
    urls["sign_in_url"] = _route_path(request, "sign_in_endpoint")
    urls["sign_out_url"] = _route_path(request, "sign_out_endpoint")
    page = _graphiql_template()
    for name, url in urls.items():
        page = page.replace("{{" + name + "}}", html.escape(url))
    # The same URL answers a GraphQL GET to an API client: caches must tell the two apart.
    return HTMLResponse(page, headers={"Vary": "Accept"})


def _route_path(request: Request, name: str) -> str:
    """The path of a route of the app, or "" when it has none (the page then offers no
    sign-in)."""
    try:
        return request.url_for(name).path
    except NoMatchFound:
        return ""


class OfflineGraphiQL:
    """Mixin for Strawberry's GraphQLRouter: GraphiQL from the gateway's own files."""

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return render_graphiql(request)


def add_swagger_ui(app: FastAPI, path: str = "/docs") -> None:
    """FastAPI's Swagger UI page at `path`, loading only same-origin files."""
    openapi_url = app.openapi_url
    if openapi_url is None:
        raise ValueError("Swagger UI needs the OpenAPI document (openapi_url)")

    async def swagger_ui(request: Request) -> HTMLResponse:
        vendor: Vendor = request.app.state.vendor
        if missing := vendor.missing_packages():
            return _not_installed(missing)
        root_path = str(request.scope.get("root_path", "")).rstrip("/")
        return get_swagger_ui_html(
            openapi_url=root_path + openapi_url,
            title=f"{app.title} - Swagger UI",
            swagger_js_url=vendor.url(request, "swagger-ui-dist", "swagger-ui-bundle.js"),
            swagger_css_url=vendor.url(request, "swagger-ui-dist", "swagger-ui.css"),
            swagger_favicon_url=vendor.url(request, "swagger-ui-dist", "favicon-32x32.png"),
            # validatorUrl: no badge fetched from the public validator service.
            swagger_ui_parameters={**(app.swagger_ui_parameters or {}), "validatorUrl": None},
        )

    app.add_api_route(path, swagger_ui, methods=["GET"], include_in_schema=False)
