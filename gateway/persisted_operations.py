"""Persisted operations at the GraphQL endpoint: automatic persisted queries and an allow-list.

Documents are stored in the database (`persisted_operations`) under the SHA-256 of their
text, so every gateway process shares them. `SCAIGATE_PERSISTED_OPERATIONS` picks the mode:

- `apq` (default): any document runs, and clients may use Apollo's automatic persisted
  queries: `extensions.persistedQuery = {"version": 1, "sha256Hash": …}`. A hash alone runs
  the stored document (POST or GET), or answers `PersistedQueryNotFound`
  (`PERSISTED_QUERY_NOT_FOUND`); a hash with its query is checked against the query, runs,
  and the document is stored once it has validated (for an authenticated caller only, so
  that anonymous requests cannot fill the table).
- `allowlist`: only operations an operator registered (`scaigate operations register`) run,
  by hash or by a query whose hash is registered; a query is also matched by its canonical
  form (the operation printed alone with the fragments it uses, which is what the command
  registers), so formatting does not matter. Clients cannot register anything.
- `off`: `persistedQuery` is answered `PersistedQueryNotSupported`; any document runs.

Only the HTTP endpoint applies this: the REST routes run their own fixed documents.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    OperationDefinitionNode,
    Visitor,
    get_operation_ast,
    parse,
    print_ast,
    visit,
)
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from db.models import PersistedOperation
from gateway.graphql_http import GraphQLHTTPError
from resolvers.context import RequestContext

NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
NOT_ALLOWLISTED = "OPERATION_NOT_ALLOWLISTED"

_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")
_REGISTER_HINT = "an operator registers operations with `scaigate operations register FILE.graphql`"


class Mode(StrEnum):
    APQ = "apq"
    ALLOWLIST = "allowlist"
    OFF = "off"


class Refused(Exception):
    """A GraphQL request error: the operation does not run (answered without `data`)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.error = GraphQLError(message, extensions={"code": code})


def operation_hash(document: str) -> str:
    """The lowercase hex SHA-256 of a document's UTF-8 text (the APQ hash)."""
    return hashlib.sha256(document.encode()).hexdigest()


@dataclass(frozen=True)
class Operation:
    """What to run, and the hash to store the document under once it has validated."""

    query: str | None
    store_as: str | None = None


# ---------------------------------------------------------------------------------------------
# Canonical documents


def _used_fragments(
    operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> list[str]:
    used: list[str] = []

    class Spreads(Visitor):
        def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
            name = node.name.value
            if name not in used and name in fragments:
                used.append(name)
                visit(fragments[name], self)

    visit(operation, Spreads())
    return used


def standalone_documents(document: DocumentNode) -> list[tuple[str | None, str]]:
    """(name, text) of each operation of a document, printed alone with the fragments it
    uses (in name order): the canonical form that is registered and matched."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    operations = []
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        used = sorted(_used_fragments(definition, fragments))
        alone = DocumentNode(definitions=(definition, *(fragments[name] for name in used)))
        name = definition.name.value if definition.name else None
        operations.append((name, print_ast(alone)))
    return operations


def canonical_hash(query: str, operation_name: str | None, max_tokens: int) -> str | None:
    """The hash of the canonical form of the operation a request runs, None if it has none."""
    try:
        document = parse(query, no_location=True, max_tokens=max_tokens)
    except GraphQLError:
        return None
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None
    alone = standalone_documents(DocumentNode(definitions=(operation, *_fragments(document))))
    return operation_hash(alone[0][1])


def _fragments(document: DocumentNode) -> list[FragmentDefinitionNode]:
    return [d for d in document.definitions if isinstance(d, FragmentDefinitionNode)]


# ---------------------------------------------------------------------------------------------
# Storage


async def find(session: AsyncSession, sha256: str) -> tuple[str, bool] | None:
    """(document, allowlisted) stored under a hash."""
    statement = select(PersistedOperation.document, PersistedOperation.allowlisted).where(
        PersistedOperation.sha256 == sha256
    )
    row = (await session.execute(statement)).first()
    return (row.document, row.allowlisted) if row is not None else None


def _insert(dialect: str) -> Any:
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


async def store(
    connection: AsyncSession | AsyncConnection,
    sha256: str,
    document: str,
    *,
    operation_name: str | None = None,
    allowlisted: bool = False,
) -> None:
    """Stores a document once (racing writers do not conflict); `allowlisted` also marks
    one already stored by a client."""
    if isinstance(connection, AsyncConnection):
        dialect = connection.dialect.name
    else:
        dialect = connection.get_bind().dialect.name
    insert = _insert(dialect)
    statement = insert(PersistedOperation).values(
        sha256=sha256, document=document, operation_name=operation_name, allowlisted=allowlisted
    )
    if allowlisted:
        statement = statement.on_conflict_do_update(
            index_elements=["sha256"], set_={"allowlisted": True}
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=["sha256"])
    await connection.execute(statement)


async def register_operations(
    url: str, operations: list[tuple[str | None, str]]
) -> list[tuple[str | None, str]]:
    """Registers (name, canonical text) operations for the allow-list: (name, hash) of each."""
    from db.engine import create_engine

    engine = create_engine(url)
    registered = []
    try:
        async with engine.begin() as connection:
            for name, document in operations:
                sha256 = operation_hash(document)
                await store(connection, sha256, document, operation_name=name, allowlisted=True)
                registered.append((name, sha256))
    finally:
        await engine.dispose()
    return registered


# ---------------------------------------------------------------------------------------------
# The request side


def _persisted_query(extensions: dict[str, Any] | None) -> str | None:
    """The requested hash, None without `persistedQuery`; 400 when it is malformed."""
    if not extensions or extensions.get("persistedQuery") is None:
        return None
    persisted = extensions["persistedQuery"]
    if not isinstance(persisted, dict):
        raise GraphQLHTTPError(400, "extensions.persistedQuery must be an object")
    if persisted.get("version") != 1:
        raise GraphQLHTTPError(400, "Unsupported persisted query version: only 1 is supported")
    sha256 = persisted.get("sha256Hash")
    if not isinstance(sha256, str) or not _SHA256.match(sha256):
        raise GraphQLHTTPError(
            400, "extensions.persistedQuery.sha256Hash must be a hex SHA-256 digest"
        )
    return sha256.lower()


def _not_allowlisted(what: str) -> Refused:
    return Refused(
        f"{what}: only registered operations run on this gateway "
        f"(SCAIGATE_PERSISTED_OPERATIONS=allowlist); {_REGISTER_HINT}",
        NOT_ALLOWLISTED,
    )


async def resolve(
    mode: Mode,
    context: RequestContext,
    query: str | None,
    operation_name: str | None,
    extensions: dict[str, Any] | None,
) -> Operation:
    """The operation a request runs, given the mode; raises `Refused` (a request error) or
    `GraphQLHTTPError` (a malformed `persistedQuery`, or a hash that is not the query's)."""
    sha256 = _persisted_query(extensions)
    if sha256 is None:
        if (
            mode is Mode.ALLOWLIST
            and query is not None  # without one, the request is refused as malformed
            and not await _registered(context, query, operation_name)
        ):
            raise _not_allowlisted("This operation is not registered")
        return Operation(query)
    if mode is Mode.OFF:
        raise Refused("PersistedQueryNotSupported", NOT_SUPPORTED)

    if query is None:
        async with context.read() as session:
            stored = await find(session, sha256)
        if stored is None:
            raise Refused("PersistedQueryNotFound", NOT_FOUND)
        document, allowlisted = stored
        # One stored by a client earlier runs only if its operation has been registered.
        if (
            mode is Mode.ALLOWLIST
            and not allowlisted
            and not await _registered(context, document, operation_name)
        ):
            raise _not_allowlisted(f"Persisted query {sha256} is not registered")
        return Operation(document)

    if operation_hash(query) != sha256:
        raise GraphQLHTTPError(
            400,
            "provided sha does not match query: sha256Hash must be the query's SHA-256",
            code=HASH_MISMATCH,
        )
    if mode is Mode.ALLOWLIST:
        if not await _registered(context, query, operation_name):
            raise _not_allowlisted("Registering operations over HTTP is refused")
        return Operation(query)
    # Stored after validation, and only for an authenticated caller.
    return Operation(query, store_as=sha256 if context.principal is not None else None)


async def _registered(context: RequestContext, query: str, operation_name: str | None) -> bool:
    """Whether an operator registered this text, or the canonical form of its operation."""
    hashes = [operation_hash(query)]
    canonical = canonical_hash(query, operation_name, context.operation_limits.max_tokens)
    if canonical is not None and canonical not in hashes:
        hashes.append(canonical)
    async with context.read() as session:
        for sha256 in hashes:
            stored = await find(session, sha256)
            if stored is not None and stored[1]:
                return True
    return False


async def remember(context: RequestContext, sha256: str, query: str) -> None:
    """Stores a client's automatic persisted query after it has validated."""
    document = parse(query, no_location=True)
    operation = get_operation_ast(document)
    name = operation.name.value if operation is not None and operation.name else None
    async with context.transaction() as session:
        await store(session, sha256, query, operation_name=name)
