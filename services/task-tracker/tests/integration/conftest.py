"""Real components for task-tracker tests: SQLite and PostgreSQL databases, an in-process server."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from mauzo_common.db import make_engine
from mauzo_common.testing.components import fresh_postgres_database, port_open
from mauzo_common.testing.plugin import PG_ADMIN_URL
from mauzo_common.testing.services import Served, olap_lite_process
from mauzo_task_tracker.migrate import upgrade_database
from mauzo_task_tracker.repository import TaskRepository

# Test helper modules next to this file (processed_uploads.py) import by name.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One database per test module: a SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'tasks.db'}"
        return
    if not port_open(5432):
        pytest.skip("PostgreSQL is not listening on 127.0.0.1:5432")
    with fresh_postgres_database(PG_ADMIN_URL) as url:
        yield url


@pytest.fixture(scope="session")
def serve() -> type[Served]:
    """`with serve(app) as served:` runs the app on a free port until the block ends."""
    return Served


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mauzo")


@pytest.fixture(scope="module")
def olap_lite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """olap-lite as its own process, fresh for each module."""
    with olap_lite_process(tmp_path_factory.mktemp("olap-lite")) as url:
        yield url


@pytest.fixture(scope="module")
def engine(database_url: str) -> Iterator[Engine]:
    """The module's database, migrated to the latest schema."""
    engine = make_engine(database_url)
    upgrade_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def repo(engine: Engine) -> TaskRepository:
    return TaskRepository(engine)
