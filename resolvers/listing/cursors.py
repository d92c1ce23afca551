"""Opaque keyset cursors: a row's position in an order, bound to that order.

A cursor is URL-safe base64 of `{"o": "<order key>", "p": [<value of each term>]}`; the
last value is the row's id. It stays valid while rows are inserted and deleted: paging
resumes after (or before) the position, not after a count of rows. A cursor made for one
order is refused by another (`after: was made for orderBy EMAIL_ASC,ID_ASC, not ID_ASC`).
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from resolvers.errors import BadInput
from resolvers.listing.kinds import Kind
from resolvers.listing.ordering import Order, Term

_MAX_CURSOR_LENGTH = 2_000


def encode(order: Order, row: Any) -> str:
    """The cursor of `row` in `order`."""
    values = [_encode_value(value) for value in order.position(row)]
    text = json.dumps({"o": order.key, "p": values}, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode()


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "value") and isinstance(value.value, str):  # an enum member
        return value.value
    return value


def decode(order: Order, cursor: str, argument: str = "after") -> tuple[Any, ...]:
    """The position `cursor` names in `order`; a refusal naming `argument` otherwise."""
    not_a_cursor = BadInput(argument, "is not a cursor returned by this API")
    if not isinstance(cursor, str) or len(cursor) > _MAX_CURSOR_LENGTH:
        raise not_a_cursor
    try:
        content = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise not_a_cursor from exc
    if not isinstance(content, dict) or not isinstance(content.get("o"), str):
        raise not_a_cursor
    if content["o"] != order.key:
        raise BadInput(argument, f"was made for orderBy {content['o']}, not {order.key}")
    values = content.get("p")
    if not isinstance(values, list) or len(values) != len(order.terms):
        raise not_a_cursor
    try:
        return tuple(
            _decode_value(term, value) for term, value in zip(order.terms, values, strict=True)
        )
    except (TypeError, ValueError) as exc:
        raise not_a_cursor from exc


def _decode_value(term: Term, value: Any) -> Any:
    if value is None:
        if not term.field.nullable:
            raise ValueError("null for a column that holds none")
        return None
    kind = term.field.kind
    if kind is Kind.DATETIME:
        if not isinstance(value, str):
            raise TypeError("not a timestamp")
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError("a timestamp without a time zone")
        return moment
    expected = bool if kind is Kind.BOOLEAN else int if kind is Kind.INT else str
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise TypeError(f"not a {kind.value}")
    return value
