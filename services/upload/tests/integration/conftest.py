"""Real components for upload tests: task-tracker and upload served in-process on free ports."""

from __future__ import annotations

import pytest

from mauzo_common.testing.services import Served


@pytest.fixture(scope="session")
def serve() -> type[Served]:
    """`with serve(app) as served:` runs the app on a free port until the block ends."""
    return Served
