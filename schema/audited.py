"""The audit trail of refusals and failures, attached to every guarded root field.

A successful write records its own event inside its transaction (`resolvers.audit`). When
a field is refused or fails, that transaction has rolled back (or never began): this
extension, placed outside the permission check, records the attempt in a transaction of
its own, so a mutation always leaves exactly one event. On reads only refusals are
recorded (`access.denied`): reading is not an event, being turned away is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from strawberry.extensions import FieldExtension

from resolvers import audit
from resolvers.audit import AuditResult
from resolvers.errors import DomainError, ErrorCode
from schema.context import request_context

logger = structlog.get_logger("scaigate.audit")

ACCESS_DENIED = "access.denied"
_REFUSALS = (ErrorCode.FORBIDDEN, ErrorCode.UNAUTHENTICATED)
_TARGET_ARGUMENTS = ("id", "group_id", "slug", "plugin_id", "partner_id", "tenant_id")


class Audited(FieldExtension):
    def __init__(self, action: str | None = None) -> None:
        self.action = action  # None on reads

    def resolve(
        self, next_: Callable[..., Any], source: Any, info: Any, **kwargs: Any
    ) -> Any:  # pragma: no cover - every guarded field is async
        raise NotImplementedError("audited fields are async")

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Any, **kwargs: Any
    ) -> Any:
        try:
            return await next_(source, info, **kwargs)
        except DomainError as exc:
            await self._attempt(info, kwargs, exc.code, exc.message)
            raise
        except Exception:
            await self._attempt(info, kwargs, ErrorCode.INTERNAL, "unexpected error")
            raise

    async def _attempt(
        self, info: Any, arguments: dict[str, Any], code: ErrorCode, message: str
    ) -> None:
        refused = code in _REFUSALS
        if self.action is None and code is not ErrorCode.FORBIDDEN:
            return
        context = request_context(info)
        principal = context.principal
        target = next((str(arguments[k]) for k in _TARGET_ARGUMENTS if arguments.get(k)), None)
        try:
            await audit.record_alone(
                context,
                self.action or ACCESS_DENIED,
                resource_id=target,
                # A refused caller's event is filed under the caller's own scope: the
                # target's may be unknown, and must not leak into the event if invisible.
                tenant_id=principal.tenant_id if principal else None,
                partner_id=principal.partner_id if principal else None,
                result=AuditResult.DENIED if refused else AuditResult.FAILURE,
                metadata={"operation": info.field_name, "code": code.value, "message": message},
            )
        except Exception:
            logger.exception("audit_write_failed", action=self.action, operation=info.field_name)
