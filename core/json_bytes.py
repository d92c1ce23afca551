"""Writing a response body's JSON: orjson, and the standard library for what orjson refuses.

orjson writes compact UTF-8 JSON about ten times faster than `json.dumps`, the same bytes
for what responses hold (strings, integers, booleans, null, UTC datetimes as `isoformat`
writes them), except that it refuses an integer outside 64 bits (a JSON document stored by a
client may hold one) and a dictionary key that is not a string. Such a body is written by the
standard library instead, compact and UTF-8 as Starlette's `JSONResponse` writes it.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import orjson


def json_bytes(value: Any) -> bytes:
    """`value` as compact UTF-8 JSON."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(
            value,
            ensure_ascii=False,
            allow_nan=False,
            indent=None,
            separators=(",", ":"),
            default=_isoformat,
        ).encode()


def _isoformat(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")
