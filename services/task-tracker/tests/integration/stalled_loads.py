"""A tracker with recovery tuned to act at once, and how to register a load and see its replays
(shared by the recovery tests, each of which needs a database of its own)."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer

from mauzo_common.auth.principal import Role
from mauzo_common.events import FileUploaded
from mauzo_common.testing.auth import auth
from mauzo_common.testing.components import free_port
from mauzo_task_tracker.app import create_app
from mauzo_task_tracker.settings import TrackerSettings

ADMIN = auth(Role.ADMIN)  # re-mints: a module's tests outlive one access token


def tracker_with(
    serve: Any, kafka_bootstrap: str, database_url: str, data_dir: Path, **settings: Any
) -> Any:
    return serve(
        create_app(
            TrackerSettings(
                kafka_bootstrap=kafka_bootstrap,
                database_url=database_url,
                data_dir=data_dir,
                druid_overlord_url=f"http://127.0.0.1:{free_port()}",
                overlord_poll_seconds=0.2,
                **settings,
            )
        )
    )


def register(tracker: str, task_id: str) -> None:
    response = httpx.post(
        f"{tracker}/api/ingest/tasks",
        json={
            "task_id": task_id,
            "datasource": "recovered",
            "file_name": "sales.xlsx",
            "object_key": f"uploads/recovered/{task_id}/sales.xlsx",
            "size_bytes": 1234,
            "sha256": uuid.uuid4().hex * 2,
            "mapping": {"amount": "Total"},
            "options": {"day_first": "true"},
            "file_kind": "xlsx",
        },
        auth=ADMIN,
    )
    assert response.status_code == 201, response.text


def state_of(tracker: str, task_id: str) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{tracker}/api/ingest/status/{task_id}", auth=ADMIN).json()
    return body


async def uploaded_events(bootstrap: str, task_id: str, wait_s: float) -> list[dict[str, Any]]:
    consumer = AIOKafkaConsumer(
        FileUploaded.topic(),
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        group_id=f"reader-{uuid.uuid4().hex}",
    )
    await consumer.start()
    found: list[dict[str, Any]] = []
    try:
        deadline = asyncio.get_running_loop().time() + wait_s
        while asyncio.get_running_loop().time() < deadline:
            for records in (await consumer.getmany(timeout_ms=300)).values():
                found += [
                    body
                    for body in (json.loads(r.value) for r in records)
                    if body["task_id"] == task_id
                ]
    finally:
        await consumer.stop()
    return found
