"""`GET /graphql?query=…` is GraphiQL with the operation loaded for a browser and a GraphQL
answer for an API client; nothing in such a link makes the page fail or the server echo it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import httpx
import pytest
from fastapi import FastAPI

from core.settings import Settings
from gateway.app import create_app
from gateway.explorer import install_vendor_files, prefers_html
from gateway.graphql_http import GRAPHQL_RESPONSE_JSON, JSON
from gateway.graphql_router import GatewayGraphQLRouter
from schema.schema import schema
from tests.tokens import Tokens, bearer

# What Chromium and Firefox send when the address bar opens a page.
CHROMIUM = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
VIEWER = "query Who { viewer { role } }"
SCRIPT = "</script><script>alert(1)</script>"
# A 32 KB query (40 KB in a URL, near what HTTP clients send): over the operation limits.
HUGE = "{ " + "viewer { role } " * 2000 + "}"


def link(**parameters: str) -> str:
    return "/graphql?" + urlencode(parameters)


def is_page(response: httpx.Response) -> bool:
    return response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (CHROMIUM, True),
        (FIREFOX, True),
        ("text/html", True),
        (f"{JSON};q=0.5, text/html", True),
        ("", False),
        ("*/*", False),
        ("text/*", False),  # HTML only through a wildcard
        (JSON, False),
        (GRAPHQL_RESPONSE_JSON, False),
        (f"text/html, {JSON}", False),  # both named at the same quality: the API answer
        (f"text/html;q=0.5, {GRAPHQL_RESPONSE_JSON}", False),
        ("text/html;q=0.5, */*", False),  # the wildcard's types have the higher quality
        ("text/html;q=0", False),
        ("text/html;q=nonsense", False),
    ],
)
def test_which_accept_headers_prefer_the_page(accept: str, expected: bool) -> None:
    assert prefers_html(accept) is expected


class TestALinkInABrowser:
    @pytest.mark.parametrize("accept", [CHROMIUM, FIREFOX])
    async def test_opens_graphiql(self, http: httpx.AsyncClient, accept: str) -> None:
        variables = json.dumps({"first": 2})
        url = link(query=VIEWER, variables=variables, operationName="Who")

        response = await http.get(url, headers={"Accept": accept})

        assert response.status_code == 200
        assert is_page(response)
        assert 'id="graphiql"' in response.text
        assert "Accept" in response.headers["vary"]
        # The page reads the link in the browser: the server does not echo it.
        assert response.text == (await http.get("/graphql", headers={"Accept": accept})).text

    async def test_offers_the_sign_in_and_sign_out_routes(self, http: httpx.AsyncClient) -> None:
        page = (await http.get(link(query=VIEWER), headers={"Accept": CHROMIUM})).text

        assert 'data-sign-in-url="/auth/sign-in"' in page
        assert 'data-sign-out-url="/auth/sign-out"' in page

    @pytest.mark.parametrize(
        "url",
        [
            link(query="{ viewer { role } }\x00\x1b[31m\u202e"),  # control characters
            link(query="{ viewer { role } }", variables='{"first": '),  # variables not JSON
            link(query=HUGE),
            link(query=SCRIPT, variables=SCRIPT, operationName=SCRIPT),
            "/graphql?query=%E0%A4%A&variables=%FF%FE",  # not UTF-8, a cut escape
            "/graphql?query=&variables=&operationName=",
            "/graphql?query=a&query=b",
        ],
        ids=["control", "variables", "huge", "script", "encoding", "empty", "repeated"],
    )
    async def test_with_bad_input_still_opens_and_echoes_nothing(
        self, http: httpx.AsyncClient, url: str
    ) -> None:
        response = await http.get(url, headers={"Accept": CHROMIUM})

        assert response.status_code == 200
        assert is_page(response)
        assert response.text == (await http.get("/graphql", headers={"Accept": CHROMIUM})).text

    async def test_is_executed_when_the_explorer_is_off(
        self, settings: Settings, tokens: Tokens
    ) -> None:
        app = create_app(settings.model_copy(update={"enable_explorer": False}))
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://scaigate.test") as http,
        ):
            response = await http.get(
                link(query=VIEWER),
                headers={"Accept": CHROMIUM, **bearer(tokens.super_admin())},
            )
            no_query = await http.get("/graphql", headers={"Accept": CHROMIUM})

        assert response.status_code == 200
        assert response.json() == {"data": {"viewer": {"role": "SUPER_ADMIN"}}}
        assert no_query.status_code == 404  # as before: no page, no operation


class TestTheSameURLForAnAPIClient:
    @pytest.mark.parametrize(
        "accept",
        [JSON, GRAPHQL_RESPONSE_JSON, "*/*", None, f"text/html, {JSON}"],
        ids=["json", "graphql-response", "any", "none", "html-and-json"],
    )
    async def test_is_executed(
        self, http: httpx.AsyncClient, tokens: Tokens, accept: str | None
    ) -> None:
        request = http.build_request(
            "GET", link(query=VIEWER, operationName="Who"), headers=bearer(tokens.super_admin())
        )
        if accept is None:
            del request.headers["accept"]
        else:
            request.headers["accept"] = accept

        response = await http.send(request)

        assert response.status_code == 200, response.text
        assert not is_page(response)
        assert response.json() == {"data": {"viewer": {"role": "SUPER_ADMIN"}}}

    async def test_a_post_from_a_browser_is_executed(
        self, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.post(
            "/graphql",
            json={"query": VIEWER},
            headers={"Accept": CHROMIUM, **bearer(tokens.super_admin())},
        )

        assert response.status_code == 200
        assert response.json() == {"data": {"viewer": {"role": "SUPER_ADMIN"}}}

    async def test_a_persisted_query_get_from_a_browser_is_an_operation(
        self, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # A hash that is not the query's: refused as an operation, not shown as a page.
        extensions = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}})
        response = await http.get(
            link(query=VIEWER, extensions=extensions),
            headers={"Accept": CHROMIUM, **bearer(tokens.super_admin())},
        )

        assert not is_page(response)
        codes = [error["extensions"]["code"] for error in response.json()["errors"]]
        assert codes == ["PERSISTED_QUERY_HASH_MISMATCH"]

    @pytest.mark.parametrize(
        ("url", "status", "message"),
        [
            (link(query="{ viewer { role } }\x01"), 200, "Syntax Error"),
            (link(query=VIEWER, variables='{"first": '), 400, "must be JSON"),
            (link(query=HUGE), 200, "tokens, the maximum"),
            ("/graphql?query=%E0%A4%A", 200, "Syntax Error"),
        ],
        ids=["control", "variables", "huge", "encoding"],
    )
    async def test_bad_input_gets_the_usual_refusal(
        self, http: httpx.AsyncClient, tokens: Tokens, url: str, status: int, message: str
    ) -> None:
        response = await http.get(url, headers={"Accept": JSON, **bearer(tokens.super_admin())})

        assert response.status_code == status, response.text
        assert message in response.json()["errors"][0]["message"]


@pytest.fixture
async def graphql_only() -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI(docs_url=None)
    app.include_router(GatewayGraphQLRouter(schema, graphql_ide="graphiql"), prefix="/graphql")
    install_vendor_files(app)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://scaigate.test") as http:
        yield http


async def test_without_a_sign_in_route_the_page_offers_none(
    graphql_only: httpx.AsyncClient,
) -> None:
    response = await graphql_only.get("/graphql", headers={"Accept": CHROMIUM})

    assert response.status_code == 200
    assert 'data-sign-in-url=""' in response.text
