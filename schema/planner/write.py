"""Writing a node of a plan: one function per `NodesPlan`, generated once per plan.

A node writes its fields in selection order. Doing that with a loop over the fields costs a
type test and a call per field and row, which for a response of ten thousand fields was
most of the time spent writing it. Instead, each `NodesPlan` gets a function written for
it, built once and kept with the plan, that reads each column of a tuple row by index,
passes a `str` of a String or ID field through as it is (as their serializers do), calls
the leaf's coercion only for other values, and calls the relation writers for relations:

    def write(row, fetched):
        v0 = row[0]
        if type(v0) is not str: v0 = leaf0(v0)
        v1 = leaf1(row[3])
        return {k0: v0, k1: v1, k2: relation2(row, fetched)}

Only names bound in the function's namespace appear in its text (`k0` is the response key,
never the key itself), so nothing of a document is ever compiled as code.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any
from weakref import WeakKeyDictionary

from graphql import Undefined

from schema.planner.plans import Leaf, NodesPlan, RelationPlan, ToOnePlan, Unplannable

NodeWriter = Callable[[Any, Any], dict[str, Any]]
# The writer of a relation or to-one field of a node: (plan, row, fetched) -> its value.
FieldWriter = Callable[[Any, Any, Any], Any]

_WRITERS: WeakKeyDictionary[NodesPlan, NodeWriter] = WeakKeyDictionary()


def node_writer(nodes: NodesPlan, relation: FieldWriter, to_one: FieldWriter) -> NodeWriter:
    """The writer of `nodes`, generated on first use; `relation` and `to_one` write the
    relation connections and to-one relations of a node."""
    writer = _WRITERS.get(nodes)
    if writer is None:
        writer = _WRITERS[nodes] = _generate(nodes, relation, to_one)
    return writer


def finish(leaf: Leaf) -> Callable[[Any], Any]:
    """A leaf's value from its column's value: null checked, then coerced by its type."""
    coerce, nullable = leaf.coerce, leaf.nullable

    def finished(value: Any) -> Any:
        if value is None:
            if not nullable:  # the executor's non-null error, with its path
                raise Unplannable
            return None
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise Unplannable
        return coerced

    return finished


def _index(read: Callable[[Any], Any]) -> int | None:
    """The index an `itemgetter` of one item reads, or None."""
    if type(read) is not itemgetter:
        return None
    items = read.__reduce__()[1]
    return items[0] if len(items) == 1 and type(items[0]) is int else None


def _generate(nodes: NodesPlan, relation: FieldWriter, to_one: FieldWriter) -> NodeWriter:
    namespace: dict[str, Any] = {}
    lines = ["def write(row, fetched):"]
    entries = []
    for position, field in enumerate(nodes.fields):
        key, value = f"k{position}", f"v{position}"
        namespace[key] = field.key
        if isinstance(field, RelationPlan | ToOnePlan):
            namespace[f"plan{position}"] = field
            namespace[f"write{position}"] = relation if isinstance(field, RelationPlan) else to_one
            lines.append(f"    {value} = write{position}(plan{position}, row, fetched)")
        elif field.typename is not None:
            namespace[value] = field.typename
        else:
            index = _index(field.read)
            if index is None:
                namespace[f"read{position}"] = field.read
                read = f"read{position}(row)"
            else:
                read = f"row[{index}]"
            namespace[f"leaf{position}"] = finish(field)
            if field.text:
                lines.append(f"    {value} = {read}")
                lines.append(f"    if type({value}) is not str: {value} = leaf{position}({value})")
            else:
                lines.append(f"    {value} = leaf{position}({read})")
        entries.append(f"{key}: {value}")
    if len(lines) == 1:
        lines.append("    pass")
    lines.append("    return {" + ", ".join(entries) + "}")
    exec(compile("\n".join(lines), f"<node writer of {id(nodes):x}>", "exec"), namespace)
    writer: NodeWriter = namespace["write"]
    return writer
