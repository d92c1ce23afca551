"""Strawberry's private API is reached only through `schema.strawberry_private`.

Outside that adapter, no module of the tree (tests included) imports a private name of
Strawberry or graphql-core (`strawberry.x._y`, `from graphql import _y`) or touches an
attribute the adapter reaches (`_raw_info`, `_schema`, ...); no module of the packages that
ship imports from a Strawberry module its documentation does not show; and no class of
theirs overrides a member of a Strawberry class other than the hooks Strawberry documents.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
ADAPTER = ROOT / "schema" / "strawberry_private.py"
PACKAGES = ("core", "db", "resolvers", "schema", "rest_compat", "gateway")
TREE = (*PACKAGES, "bench", "scripts", "tests")
THIS_TEST = Path(__file__).resolve()

# The private names the brief of the adapter names, besides those it reaches itself.
NAMED_PRIVATE = frozenset({"_raw_info", "_schema", "_schema_directive", "DEFINITION_BACKREF"})

# The Strawberry modules its documentation imports from.
DOCUMENTED_MODULES = frozenset(
    {
        "strawberry",
        "strawberry.exceptions",
        "strawberry.extensions",
        "strawberry.fastapi",
        "strawberry.http",  # GraphQLHTTPResponse, for process_result
        "strawberry.permission",
        "strawberry.scalars",
        "strawberry.schema.config",
        "strawberry.schema_directive",
        "strawberry.subscriptions",
        "strawberry.tools",
        "strawberry.types",
        # ScalarDefinition: what `strawberry.scalar(...)` returns, the value type of the
        # documented `StrawberryConfig.scalar_map`; imported for the annotation only.
        "strawberry.types.scalar",
    }
)

# Members a subclass may override, by the Strawberry (or graphql-core) class that documents
# them as hooks.
DOCUMENTED_HOOKS: dict[str, frozenset[str]] = {
    "strawberry.extensions.base_extension.SchemaExtension": frozenset(
        {"on_operation", "on_validate", "on_parse", "on_execute", "on_stream_result"}
        | {"resolve", "get_results"}
    ),
    "strawberry.extensions.field_extension.FieldExtension": frozenset(
        {"apply", "resolve", "resolve_async"}
    ),
    "strawberry.permission.BasePermission": frozenset(
        {"has_permission", "message", "error_extensions", "error_class", "on_unauthorized"}
    ),
    "strawberry.schema.schema.Schema": frozenset({"process_errors"}),
    "strawberry.fastapi.router.GraphQLRouter": frozenset(
        {"encode_json", "decode_json", "process_result", "render_graphql_ide"}
        | {"get_context", "get_root_value", "on_ws_connect"}
    ),
    "graphql.language.visitor.Visitor": frozenset(),  # enter_*/leave_* by kind of node
}


def adapter_private_names() -> frozenset[str]:
    """The private attributes the adapter reaches on objects other than its own."""
    tree = ast.parse(ADAPTER.read_text(encoding="utf-8"))
    return frozenset(
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
    )


def _private_module(module: str) -> bool:
    return any(part.startswith("_") for part in module.split("."))


def _library(module: str) -> str | None:
    root = module.split(".")[0]
    return root if root in ("strawberry", "graphql") else None


def _undocumented(module: str, shipped: bool) -> bool:
    return shipped and _library(module) == "strawberry" and module not in DOCUMENTED_MODULES


def violations(source: str, private: frozenset[str], shipped: bool) -> Iterator[str]:
    """What a module's source does that only the adapter may: `<line>: <what>`."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _library(alias.name) and _private_module(alias.name):
                    yield f"{node.lineno}: imports {alias.name}"
                elif _undocumented(alias.name, shipped):
                    yield f"{node.lineno}: imports undocumented {alias.name}"
        elif isinstance(node, ast.ImportFrom) and node.module and _library(node.module):
            if _private_module(node.module):
                yield f"{node.lineno}: imports from {node.module}"
            elif _undocumented(node.module, shipped):
                yield f"{node.lineno}: imports from undocumented {node.module}"
            for alias in node.names:
                if alias.name.startswith("_"):
                    yield f"{node.lineno}: imports {node.module}.{alias.name}"
        elif isinstance(node, ast.Attribute) and node.attr in private:
            yield f"{node.lineno}: reaches .{node.attr}"


def tree_modules() -> Iterator[Path]:
    for top in TREE:
        for path in sorted((ROOT / top).rglob("*.py")):
            if path not in (ADAPTER, THIS_TEST):
                yield path


def shipped_classes() -> Iterator[type]:
    """Every class defined in the packages that ship, outside the adapter."""
    for package in PACKAGES:
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            if ".migrations" in info.name or info.name == "schema.strawberry_private":
                continue
            module = importlib.import_module(info.name)
            for value in vars(module).values():
                if inspect.isclass(value) and value.__module__ == module.__name__:
                    yield value


def _qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def undocumented_overrides(cls: type) -> set[str]:
    """Members that `cls` (or a mixin of ours it has) defines over an undocumented member
    of a Strawberry or graphql-core class it extends."""
    theirs = [base for base in cls.__mro__ if _library(base.__module__)]
    ours = [
        base
        for base in cls.__mro__
        if not _library(base.__module__)
        and base.__module__ != "schema.strawberry_private"
        and base is not object
    ]
    allowed = set().union(*(DOCUMENTED_HOOKS.get(_qualified(base), ()) for base in theirs))
    found = set()
    for base in ours:
        for name in vars(base):
            if name.startswith("__") or name in ("_abc_impl", "_is_protocol"):
                continue
            if name.startswith(("enter_", "leave_")) and any(
                _qualified(b) == "graphql.language.visitor.Visitor" for b in theirs
            ):
                continue
            if any(name in vars(b) for b in theirs) and name not in allowed:
                found.add(f"{_qualified(base)}.{name}")
    return found


class TestTheTree:
    def test_no_module_but_the_adapter_reaches_a_private_name(self) -> None:
        # given what the adapter reaches, and the names the project knows to be private
        private = adapter_private_names() | NAMED_PRIVATE
        assert {"_raw_info", "_schema", "_schema_directive"} <= private

        # when every module of the tree but the adapter is read
        found = [
            f"{path.relative_to(ROOT)}:{violation}"
            for path in tree_modules()
            for violation in violations(
                path.read_text(encoding="utf-8"),
                private,
                shipped=path.relative_to(ROOT).parts[0] in PACKAGES,
            )
        ]

        # then none imports or reaches a private name, nor (in the packages that ship) an
        # undocumented Strawberry module
        assert found == []

    def test_no_class_overrides_an_undocumented_strawberry_member(self) -> None:
        found = sorted(name for cls in shipped_classes() for name in undocumented_overrides(cls))

        assert found == []

    def test_the_classes_that_extend_strawberry_are_found(self) -> None:
        # The check above sees the subclasses it is about (not an empty list by mistake).
        names = {_qualified(cls) for cls in shipped_classes()}

        assert "gateway.graphql_router.GatewayGraphQLRouter" in names
        assert "schema.directives.RequiresRole" in names


class TestTheChecksCatchAViolation:
    @pytest.mark.parametrize(
        ("source", "expected"),
        [
            ("from strawberry.types._internal import thing\n", "1: imports from strawberry"),
            ("import graphql._private\n", "1: imports graphql._private"),
            ("from graphql import _hidden\n", "1: imports graphql._hidden"),
            ("def f(info):\n    return info._raw_info\n", "2: reaches ._raw_info"),
            ("x = schema._schema\n", "1: reaches ._schema"),
            (
                "from strawberry.http.base import BaseRequestProtocol\n",
                "1: imports from undocumented strawberry.http.base",
            ),
        ],
    )
    def test_each_kind_is_named_with_its_line(self, source: str, expected: str) -> None:
        found = list(violations(source, NAMED_PRIVATE, shipped=True))

        assert any(violation.startswith(expected) for violation in found), found

    def test_an_undocumented_override_is_named(self) -> None:
        from starlette.responses import Response
        from strawberry.fastapi import GraphQLRouter

        class Router(GraphQLRouter[object, None]):
            def encode_json(self, data: object) -> bytes:
                return b""

            async def get_sub_response(self, request: object) -> Response:
                return Response()

        assert undocumented_overrides(Router) == {f"{_qualified(Router)}.get_sub_response"}
