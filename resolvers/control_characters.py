"""Which characters a client's text may hold: the one rule every input boundary applies.

Refused everywhere: the C0 control characters (U+0000 to U+001F), DEL (U+007F) and unpaired
surrogates (U+D800 to U+DFFF, which no UTF-8 encoder accepts). PostgreSQL cannot store NUL in
text or JSON at all, so without this rule a NUL reaching SQL would be a server error there and
a stored value on SQLite.

Free text (descriptions, prompts, certificates, and the string values inside JSON documents)
may also hold tab, line feed and carriage return; identifiers, e-mails, names, slugs, secrets
and JSON keys may not.
"""

from __future__ import annotations

import re

from resolvers.errors import BadInput

# GraphQL input fields (camelCase) whose values are free text; JSON string values are too.
FREE_TEXT_FIELDS = frozenset({"description", "prompt", "systemPrompt", "x509Certificate"})

_REFUSED = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_REFUSED_IN_FREE_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def refusal(value: str, *, free_text: bool = False, where: str = "") -> str | None:
    """Why `value` is refused (`must not contain control characters (U+0000 found)`, with
    `where` after `found`), or None when it may pass."""
    found = (_REFUSED_IN_FREE_TEXT if free_text else _REFUSED).search(value)
    if found is None:
        return None
    point = ord(found.group())
    kind = "unpaired surrogates" if 0xD800 <= point <= 0xDFFF else "control characters"
    return f"must not contain {kind} (U+{point:04X} found{where})"


def check(field: str, value: str | None, *, free_text: bool = False) -> None:
    """Refuses `value` as BAD_USER_INPUT naming `field`, when the rule refuses it."""
    reason = refusal(value, free_text=free_text) if value is not None else None
    if reason is not None:
        raise BadInput(field, reason)
