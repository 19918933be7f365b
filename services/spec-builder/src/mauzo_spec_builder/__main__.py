"""`mauzo-spec-builder`: settings → logging → serve."""

from __future__ import annotations

import uvicorn

from mauzo_common import heap
from mauzo_common.logging import configure_logging
from mauzo_common.observability.setup import configure_observability
from mauzo_spec_builder.app import create_app
from mauzo_spec_builder.settings import SpecBuilderSettings


def main() -> None:
    settings = SpecBuilderSettings()
    configure_logging("spec-builder", settings.log_level)
    configure_observability("spec-builder", settings)
    app = create_app(settings)
    heap.settle()
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.spec_builder_port,
        log_config=None,
        access_log=False,
    )


if __name__ == "__main__":
    main()
