"""`mauzo-validator`: settings -> logging -> serve."""

from __future__ import annotations

import uvicorn

from mauzo_common import heap
from mauzo_common.logging import configure_logging
from mauzo_common.observability.setup import configure_observability
from mauzo_validator.app import create_app
from mauzo_validator.settings import ValidatorSettings


def main() -> None:
    settings = ValidatorSettings()
    configure_logging("validator", settings.log_level)
    configure_observability("validator", settings)
    app = create_app(settings)
    heap.settle()
    uvicorn.run(app, host=settings.host, port=settings.validator_port, log_config=None)


if __name__ == "__main__":
    main()
