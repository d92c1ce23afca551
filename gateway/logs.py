"""Structured logs: one configuration for structlog, the standard library and uvicorn.

Every line carries `timestamp` (ISO 8601, UTC), `level`, `logger` and `event`, plus the
`request_id` of the request it belongs to (bound by `gateway/middleware.py` through
structlog's context variables). Production writes one JSON object per line; development
writes the same fields as readable key=value text (`SCAIGATE_LOG_FORMAT` overrides either).

In both formats an exception is rendered as Python's plain traceback (no local variables, no
rich rendering: those took seconds per error on the event loop and printed passwords held
in locals), and every line passes `gateway.log_redaction` last, so no password, client
secret, API key or bearer token reaches the output.
"""

from __future__ import annotations

import logging
import sys
from typing import IO, Any

import orjson
import structlog
from structlog.typing import EventDict, Processor

from core.settings import Settings
from gateway.log_redaction import redact_secrets

# The standard library loggers that uvicorn writes to; `uvicorn.access` is silenced because
# the gateway writes its own access line (with route, statements and GraphQL operation).
_UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.asgi")
_UVICORN_ACCESS = "uvicorn.access"

_handler: logging.Handler | None = None


class _StandardError(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is at the time (it may be replaced after start-up)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def _json_dumps(value: Any, **_: Any) -> str:
    return orjson.dumps(value, default=str).decode()


def _drop_copies(_logger: Any, _method: str, event: EventDict) -> EventDict:
    """Copies of `event` that `ExtraAdder` would add: uvicorn's coloured message (an extra),
    and `message`, which a record carries once another handler has formatted it."""
    event.pop("color_message", None)
    event.pop("message", None)
    return event


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def _formatter(json_lines: bool) -> structlog.stdlib.ProcessorFormatter:
    renderer: Processor = (
        structlog.processors.JSONRenderer(serializer=_json_dumps)
        if json_lines
        else structlog.dev.ConsoleRenderer(
            colors=False, exception_formatter=structlog.dev.plain_traceback
        )
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*_shared_processors(), structlog.stdlib.ExtraAdder(), _drop_copies],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            # The traceback becomes text here, so that the redaction below sees it.
            structlog.processors.format_exc_info,
            redact_secrets,
            renderer,
        ],
    )


def configure_logging(settings: Settings, *, stream: IO[str] | None = None) -> None:
    """Route structlog, the standard library's `logging` and uvicorn through one handler.

    Called by the app factory and by `scaigate serve`; calling it again replaces the
    handler it installed before (and nothing else on the root logger).
    """
    global _handler
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_shared_processors(),
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        # Not cached: a logger used before this ran must not keep structlog's defaults.
        cache_logger_on_first_use=False,
    )
    handler: logging.Handler = (
        logging.StreamHandler(stream) if stream is not None else _StandardError()
    )
    handler.setFormatter(_formatter(settings.log_json))
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    _handler = handler
    for name in _UVICORN_LOGGERS:
        # uvicorn's own configuration gives these handlers and levels of their own.
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.setLevel(logging.NOTSET)
        logger.propagate = True
    access = logging.getLogger(_UVICORN_ACCESS)
    access.handlers.clear()
    access.propagate = False
