"""Prefixed, time-sortable identifiers (`usr_01J…`): a type prefix and a ULID."""

from __future__ import annotations

from enum import StrEnum

from ulid import ULID


class IdPrefix(StrEnum):
    PARTNER = "prt"
    TENANT = "tnt"
    USER = "usr"
    GROUP = "grp"
    APPLICATION = "app"
    IDENTITY_PROVIDER = "idp"
    AGENT = "agt"
    SESSION = "ses"
    AUDIT = "aud"
    MODEL_PARTICIPANT = "mpt"
    ROOM = "rom"
    AI_USAGE = "aiu"
    STORAGE_OBJECT = "sto"
    SCIM_TOKEN = "stk"


def new_id(prefix: IdPrefix) -> str:
    """A new ID; lexical order follows creation time (millisecond resolution)."""
    return f"{prefix.value}_{str(ULID()).lower()}"


def prefix_of(value: str) -> IdPrefix | None:
    head, sep, _ = value.partition("_")
    if not sep:
        return None
    try:
        return IdPrefix(head)
    except ValueError:
        return None
