"""JSON columns are read as the standard library reads JSON, faster."""

from __future__ import annotations

import json
from typing import Any

import httpx
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.json_text import loads
from tests.factories import create_partner, create_tenant, create_user
from tests.tokens import Tokens, bearer

# Values the standard library writes, the edges included: integers past 64 bits, floats
# that are not finite, text with lone surrogates and control characters.
VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats()
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def typed(value: Any) -> Any:
    """The value with each scalar's type beside it (1, 1.0 and True compare equal)."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    return (type(value).__name__, repr(value))


@given(VALUES, st.booleans())
def test_reads_what_the_standard_library_reads(value: Any, ascii_only: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)

    assert typed(loads(text)) == typed(json.loads(text))
    assert typed(loads(text.encode())) == typed(json.loads(text))


def test_refuses_what_the_standard_library_refuses() -> None:
    for text in ("", "{", "[1,]", '{"a" 1}'):
        try:
            loads(text)
        except json.JSONDecodeError:
            continue
        raise AssertionError(f"{text!r} was read")


async def test_a_stored_document_reads_back_exactly(
    db: None,
    sessions: async_sessionmaker[AsyncSession],
    http: httpx.AsyncClient,
    tokens: Tokens,
) -> None:
    # given: a user whose custom attributes hold integers past 64 bits and exact floats
    attributes = {
        "big": 2**70,
        "negative": -(2**64),
        "edge": 2**63 - 1,
        "float": 0.1,
        "digits": "12345678901234567890",
        "nested": [{"n": 18446744073709551616}, 1.5e-7, None, True],
    }
    tenant = await create_tenant(sessions, partner=await create_partner(sessions))
    await create_user(sessions, tenant=tenant, custom_attributes=attributes)
    headers = bearer(tokens.super_admin())

    # when: it is read over REST (the planned page) and over GraphQL
    page = await http.get(f"/api/v1/admin/users?tenant_id={tenant.id}", headers=headers)
    query = f'{{ users(tenantId: "{tenant.id}") {{ nodes {{ customAttributes }} }} }}'
    graph = await http.post("/graphql", json={"query": query}, headers=headers)

    # then: both give back the document as stored, every number of its own type
    assert page.status_code == 200, page.text
    assert typed(page.json()["data"][0]["custom_attributes"]) == typed(attributes)
    assert graph.status_code == 200, graph.text
    nodes = graph.json()["data"]["users"]["nodes"]
    assert typed(nodes[0]["customAttributes"]) == typed(attributes)
