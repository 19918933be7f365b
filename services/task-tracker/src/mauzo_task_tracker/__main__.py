"""`mauzo-task-tracker`: settings → logging → serve."""

from __future__ import annotations

import uvicorn

from mauzo_common import heap
from mauzo_common.logging import configure_logging
from mauzo_common.observability.setup import configure_observability
from mauzo_task_tracker.app import create_app
from mauzo_task_tracker.settings import TrackerSettings


def main() -> None:
    settings = TrackerSettings()
    configure_logging("task-tracker", settings.log_level)
    configure_observability("task-tracker", settings)
    app = create_app(settings)
    heap.settle()
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.task_tracker_port,
        log_level=settings.log_level.lower(),
        access_log=False,
    )


if __name__ == "__main__":
    main()
