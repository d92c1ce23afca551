"""The GraphQL endpoint: Strawberry's FastAPI router with orjson on the wire."""

from __future__ import annotations

import orjson
from strawberry.fastapi import GraphQLRouter


class GatewayGraphQLRouter(GraphQLRouter[object, None]):
    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)
