"""`mauzo-query-api`: settings -> logging -> uvicorn."""

from __future__ import annotations

import uvicorn

from mauzo_common import heap
from mauzo_common.logging import configure_logging
from mauzo_common.observability.setup import configure_observability
from mauzo_query_api.app import create_app
from mauzo_query_api.settings import QueryApiSettings


def main() -> None:
    settings = QueryApiSettings()
    configure_logging("query-api", settings.log_level)
    configure_observability("query-api", settings)
    app = create_app(settings)
    heap.settle()
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.query_api_port,
        log_config=None,
        access_log=False,
    )


if __name__ == "__main__":
    main()
