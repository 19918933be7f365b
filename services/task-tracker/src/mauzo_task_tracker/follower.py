"""Follows submitted tasks on the Overlord and publishes IngestionCompleted exactly once per task.

Once per task: the terminal state and the IngestionCompleted envelope (with an event id derived
from the task id) are written in one transaction that only the first follower wins (outbox); the
envelope is then published and marked published. A crash in between re-publishes the same event
id on the next start, which consumers drop as a duplicate. An unreachable Overlord is transient:
the task stays submitted and is polled again.

Other periodic work (the retractions a replace started, waiting to be submitted) is handed in
as `jobs`, run at the end of every round: what a completion just recorded may have started it.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import structlog
from faststream.kafka import KafkaBroker

from mauzo_common.druid.client import DruidClient
from mauzo_common.druid.errors import DruidError
from mauzo_common.events import Envelope, IngestionCompleted
from mauzo_common.logging import bind, unbind
from mauzo_common.messaging import publish
from mauzo_task_tracker.changes import TaskChanges
from mauzo_task_tracker.druid_report import Verdict, judge, not_found_verdict
from mauzo_task_tracker.lifecycle import PRODUCER
from mauzo_task_tracker.models import utcnow
from mauzo_task_tracker.nudges import Nudges
from mauzo_task_tracker.repository import Followed, TaskRepository
from mauzo_task_tracker.settings import TrackerSettings

log = structlog.get_logger(__name__)
RETRY_SUFFIX = re.compile(r"-retry\d+$")

PeriodicJob = Callable[[], Awaitable[None]]
COMPLETION_NAMESPACE = uuid.UUID("6f1c9d3e-2b1a-4c55-9a57-6d2f4a7e0c11")


def completion_event_id(task_id: str) -> uuid.UUID:
    """The same id however often (and by whichever replica) a task's completion is published."""
    return uuid.uuid5(COMPLETION_NAMESPACE, f"ingestion-completed:{task_id}")


@dataclass
class PollPauses:
    """The pause before the next poll: short just after a submission, then growing.

    A small task ends within a second or two, so polling often at first and less and less often
    later keeps the delay before its completion is seen to a fraction of its run time, without
    polling a long task many times a second.
    """

    first: float
    longest: float
    factor: float
    current: float = field(init=False)

    def __post_init__(self) -> None:
        self.current = self.longest

    def advance(self, *, nudged: bool) -> None:
        if nudged:
            self.current = self.first
        else:
            self.current = min(self.current * self.factor, self.longest)


class OverlordFollower:
    def __init__(
        self,
        repository: TaskRepository,
        broker: KafkaBroker,
        settings: TrackerSettings,
        druid: DruidClient,
        changes: TaskChanges | None = None,
        *,
        nudges: Nudges | None = None,
        jobs: Sequence[PeriodicJob] = (),
    ) -> None:
        self.repository = repository
        self.changes = changes or TaskChanges()
        self.broker = broker
        self.settings = settings
        self.druid = druid
        self.nudges = nudges or Nudges()
        self.jobs = tuple(jobs)

    async def run(self) -> None:
        pauses = PollPauses(
            self.settings.overlord_first_poll_seconds,
            self.settings.overlord_poll_seconds,
            self.settings.overlord_poll_backoff,
        )
        while True:
            try:
                await self.poll_once()
            except Exception as exc:  # the loop must outlive any one bad round
                log.exception("follower_round_failed", error=repr(exc))
            pauses.advance(nudged=await self.nudges.wait(pauses.current))

    async def poll_once(self) -> None:
        await self.publish_pending()
        for task in await asyncio.to_thread(self.repository.followed):
            bind(task_id=task.task_id)
            try:
                await self.follow(task)
            except DruidError as exc:  # unreachable or refusing: the task is polled again
                log.warning("overlord_unavailable", error=str(exc))
            finally:
                unbind("task_id")
        for job in self.jobs:
            await job()

    async def follow(self, task: Followed) -> None:
        status = await self.druid.task_status(task.druid_task_id)
        if status is None:
            if self._past_grace(task):
                await self.complete(task, not_found_verdict(task.druid_task_id))
            return
        if not status.finished:
            return  # still running: its report is only read once, at the end
        if status.code == "FAILED" and await self._try_again(task):
            return
        report = await self.druid.task_report(task.druid_task_id)
        verdict = judge(task.druid_task_id, status, report, task.expected_rows, task.kind)
        if report is None and status.code == "SUCCESS" and not self._past_grace(task):
            return  # reports can lag the status briefly; a missing one is decided after the grace
        await self.complete(task, verdict)

    async def _try_again(self, task: Followed) -> bool:
        """Submit a failed load's Druid task again under a new id, a bounded number of times.

        After the validator, a load's spec and input are known good, so a Druid task that fails
        is almost always the cluster's fault (olap-lite killed mid-task fails it on restart).
        A failed batch task published nothing, so another attempt cannot double its rows."""
        if task.kind != "load" or task.druid_attempts >= self.settings.druid_task_retries:
            return False
        spec = await self.druid.task_payload(task.druid_task_id)
        if spec is None:
            return False
        retry_id = f"{RETRY_SUFFIX.sub('', task.druid_task_id)}-retry{task.druid_attempts + 1}"
        spec = {k: v for k, v in spec.items() if k not in ("groupId", "resource")}
        await self.druid.submit_task({**spec, "id": retry_id})
        if await asyncio.to_thread(
            self.repository.resubmitted, task.task_id, task.druid_task_id, retry_id
        ):
            log.warning("druid_task_resubmitted", failed=task.druid_task_id, retry=retry_id)
            self.changes.notify()
        return True

    async def complete(self, task: Followed, verdict: Verdict) -> None:
        assert verdict.status != "running"
        payload = IngestionCompleted(
            datasource=task.datasource,
            druid_task_id=task.druid_task_id,
            status=verdict.status,
            rows_ingested=verdict.rows_ingested,
            row_stats=verdict.row_stats,
            error=verdict.error,
        )
        envelope = Envelope.wrap(payload, task_id=task.task_id, producer=PRODUCER).model_copy(
            update={"event_id": completion_event_id(task.task_id)}
        )
        if await asyncio.to_thread(self.repository.record_completion, envelope):
            self.changes.notify()
            log.info("ingestion_completed", status=verdict.status, rows=verdict.rows_ingested)
            await self._publish(envelope.model_dump(mode="json"))

    async def publish_pending(self) -> None:
        """Publish completions recorded but not yet published (a crash in between)."""
        for body in await asyncio.to_thread(self.repository.unpublished_completions):
            await self._publish(body)

    async def _publish(self, body: dict[str, Any]) -> None:
        envelope = Envelope[IngestionCompleted].model_validate(body)
        await asyncio.wait_for(
            publish(self.broker, envelope), self.settings.publish_timeout_seconds
        )
        await asyncio.to_thread(self.repository.mark_published, envelope.task_id)

    def _past_grace(self, task: Followed) -> bool:
        grace = timedelta(seconds=self.settings.overlord_missing_grace_seconds)
        return utcnow() - task.submitted_at > grace
