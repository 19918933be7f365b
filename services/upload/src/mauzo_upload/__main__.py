"""`mauzo-upload`: settings → logging → serve."""

from __future__ import annotations

import uvicorn

from mauzo_common import heap
from mauzo_common.logging import configure_logging
from mauzo_common.observability.setup import configure_observability
from mauzo_upload.app import create_app
from mauzo_upload.settings import UploadSettings


def main() -> None:
    settings = UploadSettings()
    configure_logging("upload", settings.log_level)
    configure_observability("upload", settings)
    app = create_app(settings)
    heap.settle()
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.upload_port,
        log_level=settings.log_level.lower(),
        access_log=False,
    )


if __name__ == "__main__":
    main()
