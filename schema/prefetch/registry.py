"""Which fields of the graph are relations: (type name, field name) → the Relation behind it.

Built once per schema from the types themselves: a relation field carries its relation in
its metadata (see `schema.types.relation.relation_field`). Fields with extensions (such as a
permission) are never listed, so loading ahead of the executor cannot skip a rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary

from graphql import GraphQLField, GraphQLObjectType, GraphQLSchema, get_named_type

from resolvers.loaders.relations import Relation
from resolvers.relations_sql import DescribedRelation
from schema.strawberry_private import strawberry_field_of

RELATION = "scaigate.relation"
"""The metadata key under which a Strawberry field declares its Relation."""


@dataclass(frozen=True, slots=True)
class RelationField:
    relation: DescribedRelation | Relation
    field: GraphQLField
    connection_type: GraphQLObjectType


RelationFields = dict[tuple[str, str], RelationField]

_BY_SCHEMA: WeakKeyDictionary[GraphQLSchema, RelationFields] = WeakKeyDictionary()


def relation_fields(schema: GraphQLSchema) -> RelationFields:
    found = _BY_SCHEMA.get(schema)
    if found is None:
        found = _BY_SCHEMA[schema] = dict(_scan(schema))
    return found


def _scan(schema: GraphQLSchema) -> list[tuple[tuple[str, str], RelationField]]:
    found = []
    for type_ in schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType):
            continue
        for name, field in type_.fields.items():
            definition = strawberry_field_of(field)
            if definition is None or not definition.metadata:
                continue
            relation = definition.metadata.get(RELATION)
            connection_type = get_named_type(field.type)
            if not isinstance(relation, DescribedRelation | Relation) or not isinstance(
                connection_type, GraphQLObjectType
            ):
                continue
            if definition.extensions:
                continue
            found.append(((type_.name, name), RelationField(relation, field, connection_type)))
    return found
