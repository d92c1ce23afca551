"""Errors raised below the assembly and answered by it, the same way on every surface."""

from __future__ import annotations


class AuthenticationFailed(Exception):
    """A bearer token was sent and cannot be accepted: 401 on every surface."""

    def __init__(
        self,
        message: str,
        reason: str = "malformed",
        *,
        session_id: str | None = None,
        tenant_id: str | None = None,
        application_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason  # one word for the audit event
        self.session_id = session_id
        self.tenant_id = tenant_id
        self.application_id = application_id
