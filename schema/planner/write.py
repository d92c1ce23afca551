"""Writing a node of a plan: one function per `NodesPlan`, generated once per plan.

A node writes its fields in selection order. Doing that with a loop over the fields costs a
type test and a call per field and row, which for a response of ten thousand fields was
most of the time spent writing it. Instead, each `NodesPlan` gets a function written for
it, built once and kept with the plan, that reads each column of a tuple row by index,
converts its value by the field's type with the step its serializer would take for the
values a column holds, calls the leaf's coercion only for any other value (null included,
which it refuses or writes), and calls the relation writers for relations:

    def write(row, fetched):
        v0 = row[0]
        if type(v0) is not str: v0 = leaf0(v0)
        v1 = row[3]
        v1 = iso_utc(v1) if type(v1) is datetime and v1.tzinfo is UTC else leaf1(v1)
        return {k0: v0, k1: v1, k2: relation2(row, fetched)}

The steps (`_converted`), each what the type's serializer returns for such a value:
String and ID pass a `str` through; Boolean a `bool`; Int an `int` within 32 bits; a
scalar serialized by `isoformat` (Strawberry's DateTime) writes a UTC `datetime` (what
`db.base.UTCDateTime` reads) as `isoformat` does, or, for a caller that writes the response
with `core.json_bytes` (which writes it so), leaves it as it is; an enum looks the text up
in the names its coercion gave for that text before (the coercion is a pure lookup, so it
is asked once per value).

Only names bound in the function's namespace appear in its text (`k0` is the response key,
never the key itself), so nothing of a document is ever compiled as code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from operator import itemgetter, methodcaller
from typing import Any
from weakref import WeakKeyDictionary

import orjson
from graphql import GraphQLBoolean, GraphQLEnumType, GraphQLInt, Undefined

from schema.planner.plans import Leaf, NodesPlan, RelationPlan, ToOnePlan, Unplannable

NodeWriter = Callable[[Any, Any], dict[str, Any]]
# The writer of a relation or to-one field of a node: (plan, row, fetched) -> its value.
FieldWriter = Callable[[Any, Any, Any], Any]

# Writers by plan: those writing datetimes as text, and those leaving them as they are.
_WRITERS: tuple[WeakKeyDictionary[NodesPlan, NodeWriter], ...] = (
    WeakKeyDictionary(),
    WeakKeyDictionary(),
)


def node_writer(
    nodes: NodesPlan, relation: FieldWriter, to_one: FieldWriter, *, datetimes: bool = False
) -> NodeWriter:
    """The writer of `nodes`, generated on first use; `relation` and `to_one` write the
    relation connections and to-one relations of a node. With `datetimes`, a UTC datetime
    is left as it is, for a caller that writes the response with `core.json_bytes`, which
    writes it as `isoformat` does, in a tenth of the time its conversion to text takes."""
    writers = _WRITERS[datetimes]
    writer = writers.get(nodes)
    if writer is None:
        writer = writers[nodes] = _generate(nodes, relation, to_one, datetimes)
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


def _enum_of(coerce: Callable[[Any], Any]) -> GraphQLEnumType | None:
    """The enum type whose coercion `coerce` is, or None."""
    owner = getattr(coerce, "__self__", None)
    return owner if isinstance(owner, GraphQLEnumType) else None


def _isoformat(coerce: Callable[[Any], Any]) -> bool:
    """Whether `coerce` is a call of the value's `isoformat()` (Strawberry's date scalars)."""
    return type(coerce) is methodcaller and coerce.__reduce__() == (methodcaller, ("isoformat",))


def _names(leaf: Callable[[Any], Any], size: int) -> tuple[dict[str, Any], Callable[[Any], Any]]:
    """An enum's names by the text they were coerced from, and the function that coerces a
    value and remembers the name of a text (at most `size`, the enum's values)."""
    names: dict[str, Any] = {}

    def coerced(value: Any) -> Any:
        name = leaf(value)
        if type(value) is str and len(names) < size:
            names[value] = name
        return name

    return names, coerced


def _converted(
    position: int, value: str, read: str, field: Leaf, namespace: dict[str, Any], datetimes: bool
) -> list[str]:
    """The lines setting `value` to the field's output from the column value `read`. A null
    of a nullable field is written as it is (what `finish` returns for it) without a call."""
    step = _step(position, value, field, namespace, datetimes)
    lines = [f"    {value} = {read}"]
    if not step:
        if not field.nullable:
            lines.append(f"    if {value} is None: {value} = leaf{position}({value})")
        return lines
    if field.nullable:
        return [*lines, f"    if {value} is not None:", *(f"    {line}" for line in step)]
    return lines + step


def _step(
    position: int, value: str, field: Leaf, namespace: dict[str, Any], datetimes: bool
) -> list[str]:
    """The lines converting `value` (the column's value) to the field's output; none where
    the type's coercion returns any value but null as it is (the JSON scalar)."""
    leaf = f"leaf{position}"
    coerce = field.coerce
    if field.text:
        return [f"    if type({value}) is not str: {value} = {leaf}({value})"]
    if coerce is GraphQLBoolean.coerce_output_value:
        return [f"    if type({value}) is not bool: {value} = {leaf}({value})"]
    if coerce is GraphQLInt.coerce_output_value:
        return [
            f"    if type({value}) is not int or not {_INT_MIN} <= {value} <= {_INT_MAX}:"
            f" {value} = {leaf}({value})",
        ]
    if _isoformat(coerce):
        namespace.update(datetime=datetime, UTC=UTC, iso_utc=_iso_utc)
        if datetimes:
            return [
                f"    if type({value}) is not datetime or {value}.tzinfo is not UTC:"
                f" {value} = {leaf}({value})",
            ]
        return [
            f"    {value} = iso_utc({value}) if type({value}) is datetime and {value}.tzinfo is UTC"
            f" else {leaf}({value})",
        ]
    enum = _enum_of(coerce)
    if enum is not None:
        names, namespace[leaf] = _names(namespace[leaf], len(enum.values))
        namespace[f"names{position}"] = names
        return [
            f"    {value} = names{position}.get({value}) or {leaf}({value})"
            f" if type({value}) is str else {leaf}({value})",
        ]
    if _identity(coerce):
        return []
    return [f"    {value} = {leaf}({value})"]


def _identity(coerce: Callable[[Any], Any]) -> bool:
    """Whether `coerce` returns what it is given (Strawberry's JSON scalar), asked once with
    a value no other coercion returns as it is."""
    probe = object()
    try:
        return coerce(probe) is probe
    except Exception:
        return False


_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


def _iso_utc(value: datetime) -> str:
    """`value.isoformat()` of a UTC datetime, written by orjson in half the time: the same
    text (`+00:00`, microseconds only when not zero)."""
    return orjson.dumps(value)[1:-1].decode()


def _index(read: Callable[[Any], Any]) -> int | None:
    """The index an `itemgetter` of one item reads, or None."""
    if type(read) is not itemgetter:
        return None
    items = read.__reduce__()[1]
    return items[0] if len(items) == 1 and type(items[0]) is int else None


def _generate(
    nodes: NodesPlan, relation: FieldWriter, to_one: FieldWriter, datetimes: bool
) -> NodeWriter:
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
            lines.extend(_converted(position, value, read, field, namespace, datetimes))
        entries.append(f"{key}: {value}")
    if len(lines) == 1:
        lines.append("    pass")
    lines.append("    return {" + ", ".join(entries) + "}")
    exec(compile("\n".join(lines), f"<node writer of {id(nodes):x}>", "exec"), namespace)
    writer: NodeWriter = namespace["write"]
    return writer
