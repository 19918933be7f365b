from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mauzo_common.testing.components import wait_until
from mauzo_common.testing.stack import RunningStack, ports_released, start_stack


@pytest.fixture(params=["embedded", "postgres+s3"])
def stack(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunningStack]:
    """The whole stack as `mauzo up` starts it: embedded defaults, then PostgreSQL + moto S3."""
    extra: dict[str, str] = {}
    if request.param == "postgres+s3":
        pg_url: str = request.getfixturevalue("postgres_url")
        s3_url: str = request.getfixturevalue("s3_endpoint")
        extra = {
            "MAUZO_DATABASE_URL": pg_url,
            "MAUZO_OBJECT_STORE": "s3",
            "MAUZO_S3_ENDPOINT_URL": s3_url,
            "MAUZO_S3_BUCKET": f"mauzo-{tmp_path.name[-8:].lower().replace('_', '-')}",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }
    running = start_stack(tmp_path, extra)
    yield running
    assert running.stop() == 0, "mauzo up did not exit cleanly on SIGTERM"
    wait_until(lambda: ports_released(running), 15, "every port released after stop")
