"""Keeps secrets out of log lines: the last step before a line is rendered, in every format.

- A value whose key names a secret (`password`, `client_secret`, `token`, `api_key`,
  `authorization`, `cookie`, …) is replaced by `[REDACTED]`, at any depth of the line's
  dictionaries and lists.
- In every string of the line (the message, an exception's text, any field): bearer and
  basic credentials, JWTs, `password=…`-style pairs and the password of a URL are redacted.
"""

from __future__ import annotations

import re
from typing import Any

from structlog.typing import EventDict

REDACTED = "[REDACTED]"

_SECRET_NAME = (
    r"(?:password|passwd|passphrase|secret|token|api[_-]?key|authorization|cookie"
    r"|credential|private[_-]?key)"
)
_SECRET_KEY = re.compile(_SECRET_NAME, re.IGNORECASE)

_IN_TEXT = (
    # Authorization header values.
    (re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE), rf"\1 {REDACTED}"),
    # JWTs (three base64url parts, the first two JSON objects: `eyJ`).
    (re.compile(r"\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), REDACTED),
    # `password=…`, `"client_secret": "…"`, `api_key='…'` in messages and exception text.
    (
        re.compile(
            rf"""(\b\w*{_SECRET_NAME}\w*["']?\s*[:=]\s*["']?)[^\s"',;&)}}\]]+""", re.IGNORECASE
        ),
        rf"\1{REDACTED}",
    ),
    # The password of a URL (`postgresql://user:password@host`).
    (re.compile(r"(://[^/\s:@]+:)[^/\s@]+@"), rf"\1{REDACTED}@"),
)


def redact_text(text: str) -> str:
    for pattern, replacement in _IN_TEXT:
        text = pattern.sub(replacement, text)
    return text


def _redact(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {
            key: REDACTED if _is_secret_key(key) and item is not None else _redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(_redact(item) for item in value)
    return value


def _is_secret_key(key: object) -> bool:
    return isinstance(key, str) and _SECRET_KEY.search(key) is not None


def redact_secrets(_logger: Any, _method: str, event: EventDict) -> EventDict:
    """A structlog processor: the line with its secrets redacted (see the module's rules)."""
    redacted: EventDict = _redact(event)
    return redacted
