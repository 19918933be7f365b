from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from mauzo_common.testing.components import fresh_postgres_database, port_open, wait_until
from mauzo_common.testing.plugin import PG_ADMIN_URL
from mauzo_common.testing.stack import (
    RunningStack,
    leftover_processes,
    ports_released,
    start_stack,
)

# Low enough that a test can stream past it in seconds; the largest e2e file (one 50 MB line)
# still fits.
MAX_UPLOAD_BYTES = 64 * 1024 * 1024


@pytest.fixture(scope="session", params=["embedded", "postgres+s3"])
def stack(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningStack]:
    """The whole stack as `mauzo up` starts it: embedded defaults, then PostgreSQL + moto S3.

    One stack per variant for the session: starting seven processes costs far more than a test."""
    with ExitStack() as resources:
        extra = {"MAUZO_MAX_UPLOAD_BYTES": str(MAX_UPLOAD_BYTES)}
        if request.param == "postgres+s3":
            if not port_open(5432):
                pytest.skip("PostgreSQL is not listening on 127.0.0.1:5432")
            s3_url: str = request.getfixturevalue("s3_endpoint")
            extra |= {
                "MAUZO_DATABASE_URL": resources.enter_context(
                    fresh_postgres_database(PG_ADMIN_URL)
                ),
                "MAUZO_OBJECT_STORE": "s3",
                "MAUZO_S3_ENDPOINT_URL": s3_url,
                "MAUZO_S3_BUCKET": "mauzo-e2e",
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
            }
        running = start_stack(tmp_path_factory.mktemp(request.param.replace("+", "-")), extra)
        yield running
        assert running.stop() == 0, "mauzo up did not exit cleanly on SIGTERM"
        wait_until(lambda: ports_released(running), 15, "every port released after stop")
        assert leftover_processes(running) == [], "mauzo up left processes behind"
