"""Recovery on a real broker and database: a registered load whose FileUploaded never arrived
(the broker restarted, upload died after registering) is published again from the task table,
with backoff, and failed with a reason once the attempts are spent; a user's re-drop restarts it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from stalled_loads import register, state_of, tracker_with, uploaded_events

from mauzo_common.auth.principal import Role
from mauzo_common.events import Envelope, FileUploaded, ValidationStarted
from mauzo_common.file_kinds import FileKind
from mauzo_common.testing.auth import auth
from mauzo_common.testing.components import wait_until
from mauzo_common.testing.events import publish_events

ADMIN = auth(Role.ADMIN)  # re-mints: a module's tests outlive one access token
pytestmark = pytest.mark.kafka


@pytest.fixture(scope="module")
def impatient(serve: Any, kafka_bootstrap: str, database_url: str, data_dir: Path) -> Iterator[str]:
    """A tracker that replays a quiet load after 0.5 s, twice at most."""
    with tracker_with(
        serve,
        kafka_bootstrap,
        database_url,
        data_dir,
        reconcile_stale_seconds=0.5,
        reconcile_max_attempts=2,
    ) as served:
        yield served.url


async def test_a_load_whose_event_was_lost_is_published_again_then_failed_with_a_reason(
    impatient: str, kafka_bootstrap: str
) -> None:
    task_id = uuid.uuid4().hex
    register(impatient, task_id)

    await asyncio.to_thread(
        wait_until, lambda: state_of(impatient, task_id)["state"] == "failed", 30, "gave up"
    )
    replays = await uploaded_events(kafka_bootstrap, task_id, 3)

    assert len(replays) == 2, "one replay per attempt, no more"
    replay = Envelope[FileUploaded].model_validate(replays[0])
    assert replay.producer == "task-tracker"
    assert replay.payload.file_kind is FileKind.XLSX
    assert replay.payload.object_key == f"uploads/recovered/{task_id}/sales.xlsx"
    assert replay.payload.mapping == {"amount": "Total"}
    assert replay.payload.options == {"day_first": "true"}
    failed = state_of(impatient, task_id)
    assert failed["error"]["code"] == "stalled"
    assert "after 2 restarts" in failed["error"]["message"]
    assert failed["error"]["hint"].startswith("Drop the file again")


def replays_counted(tracker: str) -> float:
    for line in httpx.get(f"{tracker}/metrics", auth=ADMIN).text.splitlines():
        if line.startswith("mauzo_tasks_replayed_total "):
            return float(line.split()[1])
    return 0.0


async def test_a_load_that_keeps_moving_is_left_alone(impatient: str, kafka_bootstrap: str) -> None:
    """Each event changes its row, so it is never quiet for the 0.5 s that would replay it."""
    task_id = uuid.uuid4().hex
    register(impatient, task_id)
    before = replays_counted(impatient)
    for _ in range(12):  # 2.4 s of events, about five quiet periods
        started = Envelope.wrap(
            ValidationStarted(datasource="recovered"), task_id=task_id, producer="validator"
        )
        await asyncio.to_thread(publish_events, kafka_bootstrap, started)
        await asyncio.sleep(0.2)
    assert replays_counted(impatient) == before
    assert state_of(impatient, task_id)["state"] == "validating"
