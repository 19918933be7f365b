"""`mauzo-olap-lite`: settings -> logging -> uvicorn."""

from __future__ import annotations

import uvicorn

from mauzo_common import heap
from mauzo_common.logging import configure_logging
from mauzo_common.observability.setup import configure_observability
from mauzo_olap_lite import arrow_memory
from mauzo_olap_lite.app import create_app
from mauzo_olap_lite.settings import OlapLiteSettings


def main() -> None:
    settings = OlapLiteSettings()
    configure_logging("olap-lite", settings.log_level)
    configure_observability("olap-lite", settings)
    arrow_memory.use_jemalloc()
    app = create_app(settings)
    heap.settle()
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.olap_lite_port,
        log_level=settings.log_level.lower(),
        access_log=False,  # structlog carries what matters; per-request lines cost latency
    )


if __name__ == "__main__":
    main()
