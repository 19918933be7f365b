"""Drives on loads whose next step was lost, by publishing their FileUploaded again.

The embedded broker keeps events in memory, and a service can die between a database write and
the event that should follow it. The task table plus the stored file are enough to start the
step again, and every consumer is idempotent per task, so a load that has made no progress for
`reconcile_stale_seconds` is published again: at most `reconcile_max_attempts` times, each
attempt waiting twice as long as the one before (a long queue in front of the validator is not
mistaken for a loss more than a few times). Then it fails, saying why and what to do.

Only a replay the broker took counts: one it refused or never answered (a broker restarting, a
write the embedded broker rejected) is taken back, so an outage cannot use up a load's
attempts or double its wait while nothing was sent.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import structlog
from faststream.kafka import KafkaBroker

from mauzo_common.events import Envelope, ErrorInfo
from mauzo_common.messaging import publish
from mauzo_common.observability import metrics
from mauzo_task_tracker.changes import TaskChanges
from mauzo_task_tracker.lifecycle import PRODUCER
from mauzo_task_tracker.recovery.rows import Stalled
from mauzo_task_tracker.repository import TaskRepository
from mauzo_task_tracker.settings import TrackerSettings

log = structlog.get_logger(__name__)


class Reconciler:
    def __init__(
        self,
        repository: TaskRepository,
        broker: KafkaBroker,
        settings: TrackerSettings,
        changes: TaskChanges,
    ) -> None:
        self.repository = repository
        self.broker = broker
        self.settings = settings
        self.changes = changes
        self._next_scan = 0.0

    async def run_once(self) -> None:
        """A periodic job of the follower: scans at most every few seconds."""
        if time.monotonic() < self._next_scan:
            return
        stale = self.settings.reconcile_stale_seconds
        self._next_scan = time.monotonic() + min(5.0, stale / 4)
        now = datetime.now(UTC)
        for task in await asyncio.to_thread(
            self.repository.stalled, now - timedelta(seconds=stale)
        ):
            due = task.quiet_since + timedelta(seconds=stale * 2**task.attempts)
            if now >= due and not await self._drive_on(task):
                return  # the broker did not take one: the rest wait for the next scan

    async def restart(self, task_id: str) -> bool:
        """A user dropped the same bytes again: start the task's step again now, if it can be."""
        task = await asyncio.to_thread(self.repository.replayable, task_id)
        if task is None or task.replay is None:
            return False
        quiet = datetime.now(UTC) - task.quiet_since
        if quiet < timedelta(seconds=self.settings.restart_quiet_seconds):
            return False  # it is moving: a second run would only redo the same work
        counted_at = await asyncio.to_thread(self.repository.replayed, task_id, task.quiet_since)
        if counted_at is None:
            return False
        return await self._publish(task, counted_at, reason="dropped again")

    async def _drive_on(self, task: Stalled) -> bool:
        """False when the broker did not take the replay."""
        if task.replay is None or task.attempts >= self.settings.reconcile_max_attempts:
            error = ErrorInfo(
                code="stalled",
                message=(
                    f"The load made no progress after {task.attempts} restarts"
                    if task.replay is not None
                    else "The load stalled and its record lacks what is needed to restart it"
                ),
                hint="Drop the file again; if it stalls again, see `mauzo status` and the logs.",
            )
            if await asyncio.to_thread(
                self.repository.give_up, task.task_id, error, task.quiet_since
            ):
                self.changes.notify()
                log.error("task_stalled_failed", task_id=task.task_id, attempts=task.attempts)
            return True
        counted_at = await asyncio.to_thread(
            self.repository.replayed, task.task_id, task.quiet_since
        )
        if counted_at is None:
            return True  # it moved meanwhile
        return await self._publish(task, counted_at, reason="no progress")

    async def _publish(self, task: Stalled, counted_at: datetime, *, reason: str) -> bool:
        assert task.replay is not None
        envelope = Envelope.wrap(task.replay, task_id=task.task_id, producer=PRODUCER)
        try:
            await asyncio.wait_for(
                publish(self.broker, envelope), self.settings.publish_timeout_seconds
            )
        except Exception as exc:
            # Refused or unanswered: not counted. Were it sent after all, the consumers'
            # idempotence absorbs one replay more.
            await asyncio.to_thread(self.repository.replay_unsent, task.task_id, counted_at)
            log.warning("task_replay_unsent", task_id=task.task_id, error=repr(exc))
            return False
        metrics.tasks_replayed.inc()
        log.warning("task_replayed", task_id=task.task_id, attempt=task.attempts + 1, reason=reason)
        return True
