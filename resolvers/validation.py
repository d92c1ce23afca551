"""Field validators shared by the resources; each names the field it refuses."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, TypeVar
from urllib.parse import urlsplit

from resolvers.errors import BadInput

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
_SCOPE = re.compile(r"^[A-Za-z0-9_.:\-/]{1,100}$")


def text(field: str, value: Any, *, max_length: int, required: bool = True) -> str | None:
    if value is None:
        if required:
            raise BadInput(field, "is required")
        return None
    if not isinstance(value, str):
        raise BadInput(field, "must be a string")
    value = value.strip()
    if required and not value:
        raise BadInput(field, "must not be empty")
    if len(value) > max_length:
        raise BadInput(field, f"must be at most {max_length} characters")
    return value or None


def required_text(field: str, value: Any, *, max_length: int) -> str:
    result = text(field, value, max_length=max_length)
    assert result is not None
    return result


def slug(field: str, value: Any) -> str:
    result = required_text(field, value, max_length=63)
    if not _SLUG.match(result):
        raise BadInput(
            field, "must be lowercase letters, digits and hyphens, not starting or ending with '-'"
        )
    return result


def email(field: str, value: Any, *, required: bool = True) -> str | None:
    result = text(field, value, max_length=320, required=required)
    if result is None:
        return None
    if not _EMAIL.match(result):
        raise BadInput(field, "is not a valid email address")
    return result.lower()


def positive_int(field: str, value: Any, *, maximum: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadInput(field, "must be an integer")
    if not 0 <= value <= maximum:
        raise BadInput(field, f"must be between 0 and {maximum}")
    return value


def json_object(field: str, value: Any, *, max_keys: int = 200) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadInput(field, "must be a JSON object")
    if len(value) > max_keys:
        raise BadInput(field, f"must have at most {max_keys} keys")
    return value


def string_list(field: str, value: Any, *, max_items: int = 100) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise BadInput(field, "must be a list of strings")
    if len(value) > max_items:
        raise BadInput(field, f"must have at most {max_items} items")
    return list(dict.fromkeys(item.strip() for item in value))


def scopes(field: str, value: Any) -> list[str]:
    result = string_list(field, value)
    for item in result:
        if not _SCOPE.match(item):
            raise BadInput(field, f"'{item}' is not a valid scope")
    return result


def uris(field: str, value: Any) -> list[str]:
    result = string_list(field, value)
    for item in result:
        parts = urlsplit(item)
        if not parts.scheme or not (parts.netloc or parts.scheme not in ("http", "https")):
            raise BadInput(field, f"'{item}' is not an absolute URI")
        if parts.fragment:
            raise BadInput(field, f"'{item}' must not contain a fragment")
    return result


def origins(field: str, value: Any) -> list[str]:
    result = string_list(field, value)
    for item in result:
        parts = urlsplit(item)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path or parts.query:
            raise BadInput(field, f"'{item}' is not an origin (scheme://host[:port])")
    return result


def password(field: str, value: Any) -> str:
    if not isinstance(value, str):
        raise BadInput(field, "must be a string")
    if len(value) < 12:
        raise BadInput(field, "must be at least 12 characters")
    if len(value) > 256:
        raise BadInput(field, "must be at most 256 characters")
    return value


E = TypeVar("E", bound=StrEnum)


def choice(field: str, value: Any, allowed: type[E]) -> str:
    """One of an enumeration's stored values; `null` is refused by name."""
    if value is None:
        raise BadInput(field, "must not be null")
    try:
        return allowed(value).value
    except ValueError as exc:
        names = ", ".join(member.name for member in allowed)
        raise BadInput(field, f"must be one of {names}") from exc


def flag(field: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise BadInput(field, "must be true or false")
    return value
