"""Applies the control-character rule (`resolvers.control_characters`) to every GraphQL
operation, after validation and before anything runs.

Every string the client sent is looked at once: the variables' values (input object keys,
list items, and JSON documents at any depth, keys and values) and the argument literals of
the document, fragments and directives included (each node once, so the cost follows the
document's size). The first refused string answers one BAD_USER_INPUT error that names it:

- in a variable, in graphql-core's wording for a value its type refuses:
  `Variable '$input' has invalid value at .name: must not contain control characters
  (U+0000 found)`, so REST names the body field, query parameter or header it came from;
- in a literal, by argument and input field: `input.name: must not contain …`.

Inside a JSON value the field named is the JSON one (`customAttributes`), with `in a key` or
`in a value` after the character found.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLSchema,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    StringValueNode,
    TypeInfo,
    TypeInfoVisitor,
    ValueNode,
    Visitor,
    get_operation_ast,
    type_from_ast,
    visit,
)
from strawberry.extensions import SchemaExtension

from resolvers.control_characters import FREE_TEXT_FIELDS, refusal
from resolvers.errors import BadInput, DomainError, ErrorCode
from schema.strawberry_private import graphql_core_schema

_JSON = "JSON"


class RefusedVariable(DomainError):
    """A variable's value holds a refused character; worded as graphql-core words a value
    that its type refuses."""

    code = ErrorCode.BAD_USER_INPUT

    def __init__(self, variable: str, path: str, reason: str) -> None:
        at = f" at {path}" if path else ""
        super().__init__(
            f"Variable '${variable}' has invalid value{at}: {reason}",
            field=f"{variable}{path}",
        )


def _unwrapped(type_: Any) -> Any:
    return type_.of_type if isinstance(type_, GraphQLNonNull) else type_


def _json_refusal(document: Any) -> str | None:
    """A refused character anywhere in a JSON document (keys strictly, string values as free
    text), walked without recursion: a client chooses how deep it nests."""
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            reason = refusal(value, free_text=True, where=" in a value")
            if reason is not None:
                return reason
        elif isinstance(value, Mapping):
            for key, item in value.items():
                reason = refusal(key, where=" in a key") if isinstance(key, str) else None
                if reason is not None:
                    return reason
                stack.append(item)
        elif isinstance(value, list):
            stack.extend(value)
    return None


def _value_refusal(value: Any, type_: Any, free_text: bool) -> tuple[str, str] | None:
    """(path, reason) of the first refused string in a variable's value of `type_` (None
    where the type is unknown: coercion refuses such a value, and every string is then
    held to the strict rule)."""
    stack: list[tuple[Any, Any, str, bool]] = [(value, type_, "", free_text)]
    while stack:
        item, item_type, path, free = stack.pop()
        item_type = _unwrapped(item_type)
        if isinstance(item_type, GraphQLScalarType) and item_type.name == _JSON:
            reason = _json_refusal(item)
            if reason is not None:
                return path, reason
        elif isinstance(item, str):
            reason = refusal(item, free_text=free)
            if reason is not None:
                return path, reason
        elif isinstance(item, Mapping):
            fields = item_type.fields if isinstance(item_type, GraphQLInputObjectType) else {}
            for key, field_value in item.items():
                reason = refusal(key, where=" in a key") if isinstance(key, str) else None
                if reason is not None:
                    return path, reason
                field = fields.get(key)
                stack.append(
                    (
                        field_value,
                        field.type if field else None,
                        f"{path}.{key}",
                        key in FREE_TEXT_FIELDS,
                    )
                )
        elif isinstance(item, list):
            of_type = item_type.of_type if isinstance(item_type, GraphQLList) else None
            stack.extend((entry, of_type, f"{path}[{i}]", free) for i, entry in enumerate(item))
    return None


def _literal_refusal(node: ValueNode, type_: Any, path: str, free_text: bool) -> BadInput | None:
    """The first refused string in an argument literal (variables in it are checked as
    variables)."""
    type_ = _unwrapped(type_)
    if isinstance(node, StringValueNode):
        reason = refusal(node.value, free_text=free_text or _is_json(type_))
        return BadInput(path, reason) if reason is not None else None
    if isinstance(node, ListValueNode):
        of_type = type_.of_type if isinstance(type_, GraphQLList) else type_
        for i, item in enumerate(node.values):
            error = _literal_refusal(item, of_type, f"{path}[{i}]", free_text)
            if error is not None:
                return error
    if isinstance(node, ObjectValueNode):
        fields = type_.fields if isinstance(type_, GraphQLInputObjectType) else {}
        for field_node in node.fields:
            name = field_node.name.value
            field = fields.get(name)
            error = _literal_refusal(
                field_node.value,
                field.type if field else type_,  # inside JSON, JSON all the way down
                f"{path}.{name}",
                name in FREE_TEXT_FIELDS or _is_json(type_),
            )
            if error is not None:
                return error
    return None


def _is_json(type_: Any) -> bool:
    return isinstance(type_, GraphQLScalarType) and type_.name == _JSON


class _ArgumentLiterals(Visitor):
    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.error: BadInput | None = None

    def enter_argument(self, node: ArgumentNode, *_: Any) -> Any:
        argument = self.type_info.get_argument()
        if argument is not None and self.error is None:
            self.error = _literal_refusal(node.value, argument.type, node.name.value, False)
        return self.BREAK if self.error is not None else self.SKIP


def refused_input(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode | None,
    variables: Mapping[str, Any] | None,
) -> DomainError | None:
    """The error for the first refused string of a validated operation, or None."""
    for definition in (operation.variable_definitions if operation else None) or ():
        name = definition.variable.name.value
        type_ = type_from_ast(schema, definition.type)
        if variables is not None and name in variables:
            found = _value_refusal(variables[name], type_, False)
            if found is not None:
                return RefusedVariable(name, *found)
        elif definition.default_value is not None:
            error = _literal_refusal(definition.default_value, type_, f"${name}", False)
            if error is not None:
                return error
    return _literal_error(schema, document)


# Documents come from the parser cache, so one document object is seen again and again: its
# literals are checked once. (Keyed by identity; the entry holds the document, so an id is
# never reused while it is cached.)
_CHECKED: dict[int, tuple[DocumentNode, BadInput | None]] = {}
_CHECKED_MAX = 1024


def _literal_error(schema: GraphQLSchema, document: DocumentNode) -> BadInput | None:
    cached = _CHECKED.get(id(document))
    if cached is not None and cached[0] is document:
        return cached[1]
    type_info = TypeInfo(schema)
    literals = _ArgumentLiterals(type_info)
    visit(document, TypeInfoVisitor(type_info, literals))
    if len(_CHECKED) >= _CHECKED_MAX:
        _CHECKED.clear()
    _CHECKED[id(document)] = (document, literals.error)
    return literals.error


class InputText(SchemaExtension):
    """Refuses an operation whose input holds a refused character, before it executes."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            operation = get_operation_ast(document, context.operation_name)
            error = refused_input(
                graphql_core_schema(context.schema), document, operation, context.variables
            )
            if error is not None:
                # As a GraphQLError, `DomainErrors` gives it its code on the way out.
                raise GraphQLError(error.message, original_error=error)
        yield
