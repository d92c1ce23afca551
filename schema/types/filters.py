"""Filter, order and group types generated from the resource descriptors.

Per kind, one operator input (`StringFilter`, `IDFilter`, `DateTimeFilter`, `BooleanFilter`,
`IntFilter`, and `<Enum>Filter` per enum); per resource, `<Type>Filter` (a field per
filterable column, `and`/`or`/`not`, and `some`/`none` over to-many relations through
`<Type>RelationFilter`) and the `<Type>OrderBy` enum (`<FIELD>_ASC` / `<FIELD>_DESC`); the
`<Type>GroupField` enum is in `schema.types.connections`. `plain()` turns an input back into
the plain values `resolvers.listing` compiles, spelled as in GraphQL.
"""

from __future__ import annotations

import functools
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import has_object_definition

from resolvers import resources
from resolvers.listing import Listing
from resolvers.listing.filters import filter_relations
from resolvers.listing.kinds import OPERATORS, Kind, camel, filterable
from resolvers.listing.kinds import field as described_field
from resolvers.listing.ordering import order_names
from resolvers.resources import Resource
from schema.types import enums as _registered_enums  # noqa: F401  (the db enums as GraphQL enums)


def _operators(name: str, value: Any, operators: tuple[str, ...], description: str) -> Any:
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {}
    for operator in operators:
        python = {"in": "in_", "notIn": "not_in", "isNull": "is_null"}.get(operator, operator)
        python = {"startsWith": "starts_with", "endsWith": "ends_with"}.get(python, python)
        if operator in ("in", "notIn"):
            annotations[python] = list[value] | None
        elif operator == "isNull":
            annotations[python] = bool | None
        else:
            annotations[python] = value | None
        namespace[python] = strawberry.field(default=strawberry.UNSET, name=operator)
    cls = type(name, (), {**namespace, "__annotations__": annotations})
    return strawberry.input(cls, name=name, description=description)


_KIND_TYPES: dict[Kind, Any] = {
    Kind.STRING: str,
    Kind.ID: strawberry.ID,
    Kind.DATETIME: datetime,
    Kind.BOOLEAN: bool,
    Kind.INT: int,
}
_KIND_FILTERS: dict[Kind, Any] = {
    kind: _operators(
        f"{kind.value}Filter",
        type_,
        OPERATORS[kind],
        "Conditions on one field, all of which must hold."
        + (" `contains`, `startsWith`, `endsWith` ignore case." if kind is Kind.STRING else "")
        + " `ne`/`notIn` keep rows whose value is null; the others never match a null.",
    )
    for kind, type_ in _KIND_TYPES.items()
}


@functools.cache
def _enum_filter(enum: type[Enum]) -> Any:
    definition = getattr(enum, "__strawberry_definition__", None)
    name = definition.name if definition is not None else enum.__name__
    return _operators(f"{name}Filter", enum, OPERATORS[Kind.ENUM], "Conditions on one field.")


@functools.cache
def _empty(name: str) -> type:
    return type(name, (), {})


def _filter_class(resource: Resource) -> type:
    return _empty(f"{resource.graphql_type}Filter")


def _relation_class(resource: Resource) -> type:
    return _empty(f"{resource.graphql_type}RelationFilter")


def filter_type(resource: Resource) -> Any:
    """`<Type>Filter` for `resource` (with every type it refers to)."""
    _build_all()
    return _filter_class(resource)


@functools.cache
def _build_all() -> None:
    # Filters refer to each other (users by their groups, groups by their members): every
    # class exists before any is decorated, so annotations can name them all.
    for resource in resources.RESOURCES:
        cls = _filter_class(resource)
        annotations: dict[str, Any] = {}
        for graphql_name, field in filterable(resource).items():
            operator_type = (
                _enum_filter(field.enum) if field.enum is not None else _KIND_FILTERS[field.kind]
            )
            annotations[field.name] = operator_type | None
            setattr(cls, field.name, strawberry.field(default=strawberry.UNSET, name=graphql_name))
        for graphql_name, relation in filter_relations(resource).items():
            target = resources.BY_NAME[relation.target]
            annotations[relation.name] = _relation_class(target) | None
            setattr(
                cls,
                relation.name,
                strawberry.field(
                    default=strawberry.UNSET,
                    name=graphql_name,
                    description=f"Rows with some (or none) of their {graphql_name} matching.",
                ),
            )
        for graphql_name, shorthand in resource.shorthands.items():
            shortened = described_field(resource, shorthand.field)
            annotations[graphql_name] = _KIND_TYPES[shortened.kind] | None
            setattr(
                cls,
                graphql_name,
                strawberry.field(
                    default=strawberry.UNSET, name=graphql_name, description=shorthand.description
                ),
            )
        annotations["and_"] = list[cls] | None  # type: ignore[valid-type]
        annotations["or_"] = list[cls] | None  # type: ignore[valid-type]
        annotations["not_"] = cls | None
        cls.and_ = strawberry.field(default=strawberry.UNSET, name="and")  # type: ignore[attr-defined]
        cls.or_ = strawberry.field(default=strawberry.UNSET, name="or")  # type: ignore[attr-defined]
        cls.not_ = strawberry.field(default=strawberry.UNSET, name="not")  # type: ignore[attr-defined]
        cls.__annotations__ = annotations
        strawberry.input(
            cls,
            name=cls.__name__,
            description=f"Which {resource.graphql_type} rows to keep; every field given must hold.",
        )
        relation_cls = _relation_class(resource)
        relation_cls.__annotations__ = {"some": cls | None, "none": cls | None}
        relation_cls.some = strawberry.UNSET  # type: ignore[attr-defined]
        relation_cls.none = strawberry.UNSET  # type: ignore[attr-defined]
        strawberry.input(
            relation_cls,
            name=relation_cls.__name__,
            description=f"A to-many relation to {resource.graphql_type}: `some` related row "
            "matches, or `none` does.",
        )


def order_type(resource: Resource) -> Any:
    """`<Type>OrderBy`: `<FIELD>_ASC` / `<FIELD>_DESC`; the id always breaks ties last."""
    return _order_type(resource.name)


@functools.cache
def _order_type(name: str) -> Any:
    resource = resources.BY_NAME[name]
    names = order_names(resource)
    enum = Enum(f"{resource.graphql_type}OrderBy", {name: name for name in names})  # type: ignore[misc]
    default = (
        f"{', '.join(resource.default_order)}, the default"
        if resource.default_order
        else "ID_ASC: creation order, the default"
    )
    return strawberry.enum(
        enum,
        description=f"NULLs sort last in both directions; the id breaks ties ({default}).",
    )


def plain(value: Any) -> Any:
    """A Strawberry input as plain values keyed by their GraphQL names (unset fields left
    out); enums stay members, which the compiler reads by value."""
    if isinstance(value, list):
        return [plain(item) for item in value]
    if has_object_definition(value):
        definition = value.__strawberry_definition__
        out = {}
        for field in definition.fields:
            item = getattr(value, field.python_name)
            if item is strawberry.UNSET:
                continue
            out[field.graphql_name or field.python_name] = plain(item)
        return out
    return value


def search_description(resource: Resource) -> str:
    fields = ", ".join(camel(name) for name in resource.searchable)
    return f"Rows where any of {fields} contains this text, ignoring case."


def listing(filter_: Any, order_by: Any, search: str | None) -> Listing:
    """A list field's `filter`, `orderBy` and `search` as `resolvers.listing` takes them."""
    return Listing(
        filter=plain(filter_) if filter_ is not None else None,
        search=search,
        order_by=list(order_by) if order_by is not None else None,
    )
