"""The first admin, created when task-tracker meets a database without users."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from pydantic import SecretStr
from sqlalchemy import Engine, text

from mauzo_common.auth.local_secrets import admin_password_path, take_admin_password
from mauzo_common.auth.principal import Role
from mauzo_common.db import make_engine
from mauzo_common.testing.components import free_port, fresh_postgres_database, port_open
from mauzo_common.testing.plugin import PG_ADMIN_URL
from mauzo_task_tracker.app import create_app
from mauzo_task_tracker.identity.accounts import Accounts
from mauzo_task_tracker.identity.audit import AuditLog
from mauzo_task_tracker.identity.bootstrap import bootstrap_admin
from mauzo_task_tracker.migrate import upgrade_database
from mauzo_task_tracker.settings import TrackerSettings


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A freshly migrated database without any user, per test."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'tasks.db'}")
        upgrade_database(engine)
        yield engine
        engine.dispose()
        return
    if not port_open(5432):
        pytest.skip("PostgreSQL is not listening on 127.0.0.1:5432")
    with fresh_postgres_database(PG_ADMIN_URL) as url:
        engine = make_engine(url)
        upgrade_database(engine)
        yield engine
        engine.dispose()


def test_admin_gets_the_configured_password_and_no_file_is_written(
    empty_engine: Engine, tmp_path: Path
) -> None:
    accounts, audit = Accounts(empty_engine), AuditLog(empty_engine)
    settings = TrackerSettings(data_dir=tmp_path, admin_password=SecretStr("configured-pw-123"))
    assert bootstrap_admin(accounts, audit, settings) is True
    principal = accounts.check_password("admin", "configured-pw-123")
    assert principal is not None
    assert principal.role == Role.ADMIN
    assert not admin_password_path(tmp_path).exists()
    # A second start (or a replica) finds the user and changes nothing.
    assert bootstrap_admin(accounts, audit, settings) is False
    assert [u.username for u in accounts.users()] == ["admin"]
    records = audit.search(action="user.create")
    assert records[0].target == "admin"
    assert "configured-pw-123" not in str([r.model_dump() for r in records])


def test_without_a_password_one_is_generated_into_a_private_file(
    empty_engine: Engine, tmp_path: Path
) -> None:
    accounts, audit = Accounts(empty_engine), AuditLog(empty_engine)
    assert bootstrap_admin(accounts, audit, TrackerSettings(data_dir=tmp_path)) is True
    path = admin_password_path(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    password = take_admin_password(tmp_path)
    assert password is not None
    assert len(password) >= 20
    assert accounts.check_password("admin", password) is not None
    assert not path.exists()  # shown once
    assert take_admin_password(tmp_path) is None
    assert password not in str([r.model_dump() for r in audit.search()])


def test_no_admin_is_made_when_users_exist(empty_engine: Engine, tmp_path: Path) -> None:
    accounts = Accounts(empty_engine)
    accounts.add_user("ops", "ops-password-1", Role.ADMIN, None)
    settings = TrackerSettings(data_dir=tmp_path)
    assert bootstrap_admin(accounts, AuditLog(empty_engine), settings) is False
    assert [u.username for u in accounts.users()] == ["ops"]
    assert not admin_password_path(tmp_path).exists()


@pytest.mark.kafka
def test_a_started_tracker_signs_in_its_generated_admin(
    kafka_bootstrap: str, tmp_path: Path, serve: Any
) -> None:
    settings = TrackerSettings(
        kafka_bootstrap=kafka_bootstrap,
        data_dir=tmp_path,
        druid_overlord_url=f"http://127.0.0.1:{free_port()}",
    )
    with serve(create_app(settings)) as served:
        password = take_admin_password(tmp_path)
        assert password is not None
        response = httpx.post(
            f"{served.url}/api/auth/token",
            data={"grant_type": "password", "username": "admin", "password": password},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        assert response.json()["role"] == "admin"


def test_a_hash_made_with_weaker_parameters_is_upgraded_at_sign_in(empty_engine: Engine) -> None:
    accounts = Accounts(empty_engine)
    accounts.add_user("old", "placeholder-pw", Role.VIEWER, None)
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash("old-password")
    with empty_engine.begin() as connection:
        connection.execute(
            text("UPDATE users SET password_hash = :h WHERE username = 'old'"), {"h": weak}
        )
    assert accounts.check_password("old", "old-password") is not None
    with empty_engine.connect() as connection:
        stored = connection.execute(
            text("SELECT password_hash FROM users WHERE username = 'old'")
        ).scalar_one()
    assert stored != weak
    assert not PasswordHasher().check_needs_rehash(stored)
    assert accounts.check_password("old", "old-password") is not None
