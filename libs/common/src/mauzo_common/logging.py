"""structlog configured for one JSON object per line, with context bound per task/event/request.

Standard-library loggers (uvicorn, aiokafka, FastStream) go through the same JSON renderer, so a
service's stderr is one machine-readable stream. Run uvicorn with `log_config=None` so that it
keeps these handlers instead of installing its own.
"""

from __future__ import annotations

import logging
import sys

import structlog
from structlog.typing import Processor

from mauzo_common.observability.tracing import add_trace_ids


def configure_logging(service: str, level: str = "INFO") -> None:
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        add_trace_ids,
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    structlog.contextvars.bind_contextvars(service=service)


def bind(**ids: str | None) -> None:
    """Bind task_id / event_id / request_id (or any id) to every later log line of this context."""
    structlog.contextvars.bind_contextvars(**{k: v for k, v in ids.items() if v is not None})


def unbind(*keys: str) -> None:
    structlog.contextvars.unbind_contextvars(*keys)
