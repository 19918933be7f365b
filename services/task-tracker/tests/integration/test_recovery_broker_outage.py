"""Recovery while the broker is away: a replay it never took is not counted, so an outage does
not use up a stalled load's attempts. In a module of its own: another tracker on the same
database (test_recovery's) would replay the load through its own, healthy broker."""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from stalled_loads import register, state_of, tracker_with, uploaded_events

from mauzo_common.testing.components import free_port, port_open, tansu_command, wait_until

pytestmark = pytest.mark.kafka


def start_broker(port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(tansu_command(port), stdout=subprocess.DEVNULL)
    wait_until(lambda: port_open(port), 20, "Tansu up")
    return proc


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.kill()
    proc.wait()


async def test_a_broker_outage_does_not_use_up_a_stalled_loads_attempts(
    serve: Any, database_url: str, data_dir: Path
) -> None:
    """Replays the broker never took are not counted: a load is not failed as stalled while the
    broker is away for longer than its attempts last, and each of its attempts reaches the
    broker once it is back."""
    port = free_port()
    bootstrap = f"127.0.0.1:{port}"
    broker = start_broker(port)
    try:
        # 0.5 s then 1 s: were the refused replays counted, it would fail within ~2 s.
        with tracker_with(
            serve,
            bootstrap,
            database_url,
            data_dir,
            reconcile_stale_seconds=0.5,
            reconcile_max_attempts=2,
            publish_timeout_seconds=0.5,
        ) as served:
            task_id = uuid.uuid4().hex
            stop(broker)
            register(served.url, task_id)
            await asyncio.sleep(5)
            assert state_of(served.url, task_id)["state"] == "received"

            broker = start_broker(port)
            await asyncio.to_thread(
                wait_until,
                lambda: state_of(served.url, task_id)["state"] == "failed",
                30,
                "its two attempts spent",
            )
            replays = await uploaded_events(bootstrap, task_id, 3)
            assert len(replays) == 2, "every attempt it was given reached the broker"
            assert "after 2 restarts" in state_of(served.url, task_id)["error"]["message"]
    finally:
        stop(broker)
