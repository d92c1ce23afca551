"""Generated GraphQL documents over the described graph, for the planner's differential test.

hypothesis-graphql draws a selection over `tests.described_graph.DESCRIBED_GRAPH` (root
lists, relation connections, nodes, edges, page info, counts, and fields the planner does
not run), with page sizes, cursors and ids from this module. The selection is then
rewritten, each choice drawn so that it shrinks towards the plain document:

- arguments stay literals, are left out, or become variables: given, given `null`, left
  out of the variables, declared with a default, or given a value of the wrong type;
- fields get aliases, are selected a second time under another alias, or under the same
  response key; `__typename` is added;
- selections are wrapped in inline fragments or named fragments, a field gets `@include`
  or `@skip`;
- the operation gets a name, and sometimes a second operation beside it.

Ids of the world (`tests.planner_world`) are written as placeholders (`{T}` for the world's
tenant, …) and replaced per request by `GeneratedCase.payload`.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any, cast

import hypothesis_graphql
from graphql import (
    ArgumentNode,
    BooleanValueNode,
    ConstValueNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLObjectType,
    InlineFragmentNode,
    NamedTypeNode,
    NameNode,
    NullValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionNode,
    SelectionSetNode,
    ValueNode,
    VariableDefinitionNode,
    VariableNode,
    get_named_type,
    get_operation_ast,
    parse,
    parse_type,
    print_ast,
    value_from_ast_untyped,
)
from hypothesis import strategies as st
from hypothesis_graphql import nodes

from resolvers.pagination import MAX_OFFSET, MAX_PAGE_SIZE, encode_cursor
from tests.described_graph import GRAPH_WITH_FALLBACKS, PLANNED_GRAPH, REAL
from tests.security.principals import World


def _weighted(*choices: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """One of the strategies, each `weight` times as likely; shrinks towards the first."""
    return st.one_of(*(strategy for weight, strategy in choices for _ in range(weight)))


_PAGE_SIZES_IN_RANGE = st.sampled_from([2, 1, 3, 5, 0, MAX_PAGE_SIZE])
_PAGE_SIZES_OUT_OF_RANGE = st.sampled_from([MAX_PAGE_SIZE + 1, -1, 2**31 - 1])
_CURSORS_IN_RANGE = st.sampled_from(
    [encode_cursor(0), encode_cursor(1), encode_cursor(2), encode_cursor(500)]
)
_NOT_CURSORS = st.sampled_from(
    [
        "nonsense",
        "",
        encode_cursor(MAX_OFFSET),
        base64.urlsafe_b64encode(b"offset:-1").decode(),
        base64.urlsafe_b64encode(b"offset:1e3").decode(),
    ]
)
# Placeholders for the world's ids (see `World`); the others are ids of nothing.
_TENANT_IDS = {"{T}": "tenant", "{S}": "sibling", "{U}": "foreign"}
_PARTNER_IDS = {"{P}": "partner", "{Q}": "other_partner"}
_TENANT_REFS = _weighted(
    (4, st.sampled_from(sorted(_TENANT_IDS))), (1, st.sampled_from(["tnt_none", "{P}"]))
)
_PARTNER_REFS = _weighted(
    (4, st.sampled_from(sorted(_PARTNER_IDS))), (1, st.sampled_from(["prt_none", "{T}"]))
)
# Values a plan runs with, and values its checks refuse too.
PLANNABLE_SCALARS = {
    "PageSize": _PAGE_SIZES_IN_RANGE.map(nodes.Int),
    "Cursor": _CURSORS_IN_RANGE.map(nodes.String),
    "TenantRef": _TENANT_REFS.map(nodes.String),
    "PartnerRef": _PARTNER_REFS.map(nodes.String),
}
ANY_SCALARS = {
    "PageSize": _weighted((4, _PAGE_SIZES_IN_RANGE), (1, _PAGE_SIZES_OUT_OF_RANGE)).map(nodes.Int),
    "Cursor": _weighted((4, _CURSORS_IN_RANGE), (1, _NOT_CURSORS)).map(nodes.String),
    "TenantRef": _weighted((6, _TENANT_REFS), (1, st.just(""))).map(nodes.String),
    "PartnerRef": PLANNABLE_SCALARS["PartnerRef"],
}
# Per cent chances of each rewriting.
_DROP_ARGUMENT = 35
_VARIABLE = 30
_ALIAS = 15
_ALIASED_TWICE = 5
_SAME_KEY_TWICE = 2
_TYPENAME = 10
_INLINE_FRAGMENT = 4
_NAMED_FRAGMENT = 4
_DIRECTIVE = 3
_OPERATION_NAME = 30
_SECOND_OPERATION = 10
# A variable's value of the wrong type, by the argument's type name.
_WRONG_VALUES: dict[str, Any] = {"Int": "ten", "String": 7, "ID": 1.5}


@dataclass(frozen=True)
class GeneratedCase:
    document: str
    variables: dict[str, Any] = field(default_factory=dict)
    operation_name: str | None = None

    @property
    def several_roots(self) -> bool:
        """Whether the operation has root fields a caller may be refused concurrently."""
        document = parse(self.document)
        operation = get_operation_ast(document, self.operation_name)
        assert operation is not None
        fragments = [d for d in document.definitions if isinstance(d, FragmentDefinitionNode)]
        return _root_fields(operation.selection_set, fragments) > 1

    def payload(self, world: World) -> dict[str, Any]:
        """The request's JSON body, the world's ids in place of the placeholders."""
        payload: dict[str, Any] = {
            "query": _resolved(self.document, world),
            "variables": {
                name: _resolved(value, world) if isinstance(value, str) else value
                for name, value in self.variables.items()
            },
        }
        if self.operation_name is not None:
            payload["operationName"] = self.operation_name
        return payload


def _resolved(text: str, world: World) -> str:
    for placeholder, attribute in (_TENANT_IDS | _PARTNER_IDS).items():
        text = text.replace(placeholder, getattr(world, attribute).id)
    return text


def _name(value: str) -> NameNode:
    return NameNode(value=value)


@dataclass
class _Rewriter:
    draw: st.DrawFn
    plannable: bool  # only rewritings a plan runs
    variables: list[VariableDefinitionNode] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    fragments: list[FragmentDefinitionNode] = field(default_factory=list)
    names: int = 0

    def chance(self, per_cent: int) -> bool:
        return bool(self.draw(st.integers(1, 100)) > 100 - per_cent)

    def fresh(self, prefix: str) -> str:
        self.names += 1
        return f"{prefix}{self.names}"

    def selection_set(
        self, selection_set: SelectionSetNode, parent: GraphQLObjectType
    ) -> SelectionSetNode:
        selections: list[SelectionNode] = []
        for selection in selection_set.selections:
            assert isinstance(selection, FieldNode)
            definition = parent.fields[selection.name.value]
            rewritten = self.field(selection, definition)
            selections.append(rewritten)
            if self.chance(_ALIASED_TWICE):
                selections.append(self.field(selection, definition, alias=self.fresh("again")))
            if not self.plannable and self.chance(_SAME_KEY_TWICE):
                selections.append(rewritten)
        if self.chance(_TYPENAME):
            selections.append(FieldNode(name=_name("__typename")))
        return SelectionSetNode(selections=tuple(self.wrapped(selections, parent)))

    def wrapped(
        self, selections: list[SelectionNode], parent: GraphQLObjectType
    ) -> list[SelectionNode]:
        condition = NamedTypeNode(name=_name(parent.name))
        if self.plannable:
            return selections
        if self.chance(_INLINE_FRAGMENT):
            inline = InlineFragmentNode(
                type_condition=condition if self.draw(st.booleans()) else None,
                selection_set=SelectionSetNode(selections=tuple(selections)),
            )
            return [inline]
        if self.chance(_NAMED_FRAGMENT):
            name = self.fresh("Fragment")
            self.fragments.append(
                FragmentDefinitionNode(
                    name=_name(name),
                    type_condition=condition,
                    selection_set=SelectionSetNode(selections=tuple(selections)),
                )
            )
            return [FragmentSpreadNode(name=_name(name))]
        return selections

    def field(
        self, node: FieldNode, definition: GraphQLField, alias: str | None = None
    ) -> FieldNode:
        if alias is None and self.chance(_ALIAS):
            alias = self.fresh("alias")
        arguments = [
            rewritten
            for argument in node.arguments or ()
            if (rewritten := self.argument(argument, definition)) is not None
        ]
        selection_set = None
        if node.selection_set is not None:
            target = get_named_type(definition.type)
            assert isinstance(target, GraphQLObjectType)
            selection_set = self.selection_set(node.selection_set, target)
        return FieldNode(
            alias=_name(alias) if alias else None,
            name=node.name,
            arguments=tuple(arguments),
            directives=tuple(self.directives()),
            selection_set=selection_set,
        )

    def argument(self, node: ArgumentNode, definition: GraphQLField) -> ArgumentNode | None:
        real = definition.args[node.name.value]
        if self.chance(_DROP_ARGUMENT) and not _required(real.type):
            return None
        if not self.chance(_VARIABLE):
            return node
        return ArgumentNode(name=node.name, value=self.variable(node.value, str(real.type)))

    def variable(self, value: ValueNode, type_name: str) -> VariableNode:
        name = self.fresh("v")
        given = value_from_ast_untyped(value)
        ways = ["given", "absent", "default"] + ([] if self.plannable else ["wrong type"])
        how = self.draw(st.sampled_from(ways))
        default: ConstValueNode | None = None
        if how == "given" or (how != "wrong type" and type_name.endswith("!")):
            self.values[name] = given
        elif how == "default" and not isinstance(value, NullValueNode):
            default = cast("ConstValueNode", value)  # generated literals hold no variables
        elif how == "wrong type":
            self.values[name] = _WRONG_VALUES.get(type_name.rstrip("!"), "WRONG")
        self.variables.append(
            VariableDefinitionNode(
                variable=VariableNode(name=_name(name)),
                type=parse_type(type_name),
                default_value=default,
                directives=(),
            )
        )
        return VariableNode(name=_name(name))

    def directives(self) -> list[DirectiveNode]:
        if self.plannable or not self.chance(_DIRECTIVE):
            return []
        name, keep = self.draw(
            st.sampled_from([("include", True), ("skip", False), ("skip", True)])
        )
        condition = ArgumentNode(name=_name("if"), value=BooleanValueNode(value=keep))
        return [DirectiveNode(name=_name(name), arguments=(condition,))]


def _required(type_: Any) -> bool:
    return str(type_).endswith("!")


def _root_fields(selection_set: SelectionSetNode, fragments: list[FragmentDefinitionNode]) -> int:
    by_name = {fragment.name.value: fragment for fragment in fragments}
    count = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            count += selection.name.value != "__typename"
        elif isinstance(selection, InlineFragmentNode):
            count += _root_fields(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode):
            count += _root_fields(by_name[selection.name.value].selection_set, fragments)
    return count


_PLANNABLE_SELECTIONS = hypothesis_graphql.queries(
    PLANNED_GRAPH, custom_scalars=PLANNABLE_SCALARS, print_ast=lambda document: document
)
_ANY_SELECTIONS = hypothesis_graphql.queries(
    GRAPH_WITH_FALLBACKS, custom_scalars=ANY_SCALARS, print_ast=lambda document: document
)


def generated_cases() -> st.SearchStrategy[GeneratedCase]:
    """Documents a plan runs (for a caller who may read them), and documents with anything
    else, half and half."""
    return _cases(plannable=True) | _cases(plannable=False)


@st.composite
def _cases(draw: st.DrawFn, plannable: bool) -> GeneratedCase:
    selection: DocumentNode = draw(_PLANNABLE_SELECTIONS if plannable else _ANY_SELECTIONS)
    (operation,) = selection.definitions
    assert isinstance(operation, OperationDefinitionNode)
    rewriter = _Rewriter(draw, plannable)
    query = REAL.query_type
    assert query is not None
    selection_set = rewriter.selection_set(operation.selection_set, query)
    name = "Generated" if rewriter.chance(_OPERATION_NAME) else None
    second = rewriter.chance(_SECOND_OPERATION)
    if second:
        name = name or "Generated"
    definitions: list[Any] = [
        OperationDefinitionNode(
            operation=OperationType.QUERY,
            name=_name(name) if name else None,
            variable_definitions=tuple(rewriter.variables),
            directives=(),
            selection_set=selection_set,
        ),
        *rewriter.fragments,
    ]
    if second:
        other = FieldNode(name=_name("__typename"))
        definitions.insert(
            0,
            OperationDefinitionNode(
                operation=OperationType.QUERY,
                name=_name("Other"),
                variable_definitions=(),
                directives=(),
                selection_set=SelectionSetNode(selections=(other,)),
            ),
        )
    return GeneratedCase(
        document=print_ast(DocumentNode(definitions=tuple(definitions))),
        variables=rewriter.values,
        operation_name=name if second or (name and rewriter.chance(50)) else None,
    )
