"""Dropping the bytes of an unfinished load again restarts it once it has stalled, never while it
moves. Its own module: its database must hold no tracker that replays on its own."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_recovery import register, state_of, tracker_with, uploaded_events

from mauzo_common.auth.principal import Role
from mauzo_common.testing.auth import auth
from mauzo_common.testing.components import wait_until

ADMIN = auth(Role.ADMIN)  # re-mints: a module's tests outlive one access token
pytestmark = pytest.mark.kafka


def test_dropping_the_same_bytes_again_restarts_a_quiet_load_only(
    serve: Any, kafka_bootstrap: str, database_url: str, data_dir: Path
) -> None:
    with tracker_with(
        serve,
        kafka_bootstrap,
        database_url,
        data_dir,
        reconcile_stale_seconds=3600,
        restart_quiet_seconds=0.5,
    ) as served:
        task_id = uuid.uuid4().hex
        register(served.url, task_id)
        restart = f"{served.url}/api/ingest/tasks/{task_id}/restart"

        too_soon = httpx.post(restart, auth=ADMIN).json()
        assert too_soon["restarted"] is False, "it registered a moment ago: it may be moving"

        wait_until(
            lambda: httpx.post(restart, auth=ADMIN).json()["restarted"], 10, "a quiet load restarts"
        )
        replays = asyncio.run(uploaded_events(kafka_bootstrap, task_id, 3))
        assert len(replays) == 1
        assert state_of(served.url, task_id)["state"] == "received"

        unknown = httpx.post(
            f"{served.url}/api/ingest/tasks/{uuid.uuid4().hex}/restart", auth=ADMIN
        )
        assert unknown.status_code == 404
