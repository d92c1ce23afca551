"""A group's PATCH (RFC 7644 §3.5.2) read into one write: the fields it sets and what happens
to the members, so that a request naming 1,000 members is one transaction of a few statements
instead of the whole member list loaded, patched and written back.

Operations apply in order (`add` then `remove` of one member leaves nothing to do). Accepted:

- no `path`: `value` is an object of `displayName`, `externalId`, `members` (`add` adds the
  members, `replace` makes them the only ones); `id` may be repeated (Okta sends it) but not
  changed; `schemas` and `meta` are ignored.
- `path` `displayName` / `externalId` (also qualified with the Group schema's URN).
- `path` `members`: `add` / `replace` with a list of `{"value": id}`; `remove` without a value
  removes every member, with one (Entra ID's habit) removes those listed.
- `path` `members[value eq "…"]`, several joined by `or`: `remove` only.

Op names are matched without regard to case (Entra ID writes `Add`, `Replace`, `Remove`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scim2_models import ScimFilter
from scim2_models.path import AttrPath, Comparison, FilterNode, LogicalExpr

from resolvers.group_members import MemberChanges
from scim.errors import ScimError
from scim.groups import GROUP_SCHEMA, MAX_MEMBERS, member_ids

PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
MAX_OPERATIONS = 1000
_OPS = ("add", "replace", "remove")
_FIELDS = {"displayname": "name", "externalid": "external_id"}
_READ_ONLY = {"id", "meta", "schemas"}


@dataclass
class GroupPatch:
    fields: dict[str, Any] = field(default_factory=dict)
    replace_members: bool = False
    added: dict[str, None] = field(default_factory=dict)
    removed: dict[str, None] = field(default_factory=dict)
    touches_members: bool = False

    def members(self) -> MemberChanges | None:
        if not self.touches_members:
            return None
        return MemberChanges(
            add=list(self.added), remove=list(self.removed), replace=self.replace_members
        )

    def add(self, ids: list[str]) -> None:
        self.touches_members = True
        for member in ids:
            self.removed.pop(member, None)
            self.added[member] = None
        self._count()

    def remove(self, ids: list[str]) -> None:
        self.touches_members = True
        for member in ids:
            self.added.pop(member, None)
            if not self.replace_members:
                self.removed[member] = None
        self._count()

    def replace(self, ids: list[str]) -> None:
        self.touches_members = True
        self.replace_members = True
        self.removed.clear()
        self.added = dict.fromkeys(ids)
        self._count()

    def _count(self) -> None:
        if len(self.added) + len(self.removed) > MAX_MEMBERS:
            raise ScimError(400, f"More than {MAX_MEMBERS} members in one request", "tooMany")


def read_patch(body: Any, group_id: str) -> GroupPatch:
    if not isinstance(body, dict) or PATCH_SCHEMA not in (body.get("schemas") or ()):
        raise ScimError(400, f"A PATCH body is a {PATCH_SCHEMA} message", "invalidSyntax")
    operations = body.get("Operations", body.get("operations"))
    if not isinstance(operations, list) or not operations:
        raise ScimError(400, "Operations: a list of at least one operation", "invalidSyntax")
    if len(operations) > MAX_OPERATIONS:
        raise ScimError(400, f"More than {MAX_OPERATIONS} operations", "tooMany")
    patch = GroupPatch()
    for index, operation in enumerate(operations):
        if not isinstance(operation, dict):
            raise ScimError(400, f"Operations[{index}] is not an object", "invalidSyntax")
        op = str(operation.get("op", "")).lower()
        if op not in _OPS:
            raise ScimError(
                400, f"Operations[{index}].op must be add, replace or remove", "invalidSyntax"
            )
        path = operation.get("path")
        value = operation.get("value")
        if path is None:
            _without_path(patch, op, value, group_id)
        elif isinstance(path, str):
            _with_path(patch, op, path.strip(), value, "value" in operation)
        else:
            raise ScimError(400, f"Operations[{index}].path must be a string", "invalidPath")
    return patch


def _unqualified(name: str) -> str:
    lowered = name.lower()
    prefix = GROUP_SCHEMA.lower() + ":"
    return lowered[len(prefix) :] if lowered.startswith(prefix) else lowered


def _without_path(patch: GroupPatch, op: str, value: Any, group_id: str) -> None:
    if op == "remove":
        raise ScimError(400, "A remove operation needs a path", "noTarget")
    if not isinstance(value, dict):
        raise ScimError(400, "An operation without a path takes an object value", "invalidValue")
    for key, item in value.items():
        name = _unqualified(str(key))
        if name == "id":
            if item != group_id:
                raise ScimError(400, "id cannot be changed", "mutability")
        elif name in ("schemas", "meta"):
            continue
        else:
            _set(patch, op, name, item)


def _with_path(patch: GroupPatch, op: str, path: str, value: Any, has_value: bool) -> None:
    name = _unqualified(path)
    if "[" in name:
        _value_filter(patch, op, path, value)
    elif op == "remove":
        if name == "members":
            if has_value and value is not None:
                patch.remove(member_ids(_listed(value)))  # Entra ID: the members to remove
            else:
                patch.replace([])
        elif name == "displayname":
            raise ScimError(400, "displayName is required and cannot be removed", "mutability")
        elif name == "externalid":
            patch.fields["external_id"] = None
        else:
            _unknown(name)
    else:
        _set(patch, op, name, value)


def _set(patch: GroupPatch, op: str, name: str, value: Any) -> None:
    if name in _FIELDS:
        if value is not None and not isinstance(value, str):
            raise ScimError(400, f"{name} takes a string", "invalidValue")
        patch.fields[_FIELDS[name]] = value
    elif name == "members":
        ids = member_ids(_listed(value))
        if op == "add":
            patch.add(ids)
        else:
            patch.replace(ids)
    else:
        _unknown(name)


def _listed(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return value
    raise ScimError(400, "members takes a list of {value: id}", "invalidValue")


def _unknown(name: str) -> None:
    if name in _READ_ONLY or name.startswith("meta."):
        raise ScimError(400, f"{name} is read-only", "mutability")
    raise ScimError(400, f"No attribute '{name}' on a Group", "invalidPath")


def _value_filter(patch: GroupPatch, op: str, path: str, value: Any) -> None:
    """`members[value eq "a" or value eq "b"]`, removed; nothing else is written this way."""
    head, _, rest = path.partition("[")
    inner, _, tail = rest.rpartition("]")
    if _unqualified(head) != "members" or tail:
        raise ScimError(400, f"Unsupported path '{path}'", "invalidPath")
    if op != "remove":
        raise ScimError(
            400,
            f"'{op}' with a value filter in the path is not supported; use members",
            "invalidPath",
        )
    try:
        tree = ScimFilter(inner).ast
    except Exception as exc:
        raise ScimError(400, f"The filter cannot be parsed: {exc}", "invalidFilter") from None
    patch.remove(_values(tree, path))


def _values(node: FilterNode, path: str) -> list[str]:
    if isinstance(node, LogicalExpr) and node.op.value == "or":
        return [value for term in node.terms for value in _values(term, path)]
    if (
        isinstance(node, Comparison)
        and node.op.value == "eq"
        and isinstance(node.attr_path, AttrPath)
        and node.attr_path.attr.lower() == "value"
        and node.attr_path.sub_attr is None
        and isinstance(node.value, str)
    ):
        return [node.value]
    raise ScimError(
        400, f"In '{path}', only value eq \"…\" (joined by or) is supported", "invalidFilter"
    )
