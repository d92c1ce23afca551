"""The one media type REST bodies are read in: JSON, said so by the request's Content-Type."""

from __future__ import annotations

from email.message import Message


def json_body_refusal(header: str | None) -> str | None:
    """Why a body with this Content-Type is not read (the detail of a 415), or None for
    `application/json` or an `application/…+json` type, in UTF-8 (the default).

    A body is never parsed as JSON on a guess: `text/plain` is refused however JSON-like
    its content, as `/graphql` refuses it.
    """
    if not header:
        return "A request body needs Content-Type: application/json"
    message = Message()
    message["content-type"] = header
    kind, subtype = message.get_content_maintype(), message.get_content_subtype()
    if kind != "application" or not (subtype == "json" or subtype.endswith("+json")):
        return f"Unsupported Content-Type {header!r}: send the body as application/json"
    charset = str(message.get_param("charset", "utf-8")).lower()
    if charset != "utf-8":
        return f"Unsupported charset {charset!r}: send application/json in UTF-8"
    return None
