"""DELETE /api/ingest/tasks/{id}/data: retract exactly one upload's rows, tracked as a task.

The retraction task is created (or the one in flight reused), the datasource's columns are read
from the Broker (its segment metadata for dimensions vs metrics, INFORMATION_SCHEMA for their
types), the reindex spec is submitted to the Overlord under a task id derived from the
retraction id, and the follower then follows it like any task. The retractions a replace=true
upload started are submitted the same way by `submit_waiting`, one of the follower's periodic
jobs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import structlog

from mauzo_common.druid.client import DruidClient, SqlParameter
from mauzo_common.druid.errors import DruidError
from mauzo_common.druid.specs import day_interval, reindex_spec, retraction_task_id
from mauzo_common.events import ErrorInfo
from mauzo_common.sales_model import UPLOAD_ID
from mauzo_common.tasks import TaskState
from mauzo_task_tracker.errors import RetractionFailed
from mauzo_task_tracker.nudges import Nudges
from mauzo_task_tracker.repository import TaskRepository
from mauzo_task_tracker.retraction.rows import RetractionPlan
from mauzo_task_tracker.schemas import TaskStatus

log = structlog.get_logger(__name__)
COLUMNS_SQL = (
    "SELECT COLUMN_NAME, DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS "
    "WHERE TABLE_SCHEMA = 'druid' AND TABLE_NAME = ?"
)
Columns = list[tuple[str, str]]
UNREACHABLE = "olap_unavailable"


class Retractor:
    def __init__(
        self,
        repository: TaskRepository,
        druid: DruidClient,
        nudges: Nudges,
    ) -> None:
        self.repository = repository
        self.druid = druid
        self.nudges = nudges

    async def retract(self, task_id: str) -> TaskStatus:
        plan = await asyncio.to_thread(self.repository.begin_retraction, task_id)
        if plan.retraction.state != TaskState.RECEIVED:
            return plan.retraction  # already submitted: the follower has it
        return await self._launch(plan)

    async def submit_waiting(self) -> None:
        """Submit the retractions a replace started (a periodic job of the follower).

        An unreachable OLAP store leaves them waiting for the next round: nobody is there to
        retry them as a user retries a DELETE. A refusal fails the retraction for good.
        """
        for plan in await asyncio.to_thread(self.repository.waiting_retractions):
            try:
                await self._launch(plan, give_up_when_unreachable=False)
            except RetractionFailed as exc:
                log.warning(
                    "replace_retraction_not_submitted",
                    retraction_id=plan.retraction.task_id,
                    code=exc.code,
                    error=exc.message,
                )

    async def _launch(
        self, plan: RetractionPlan, *, give_up_when_unreachable: bool = True
    ) -> TaskStatus:
        retraction_id = plan.retraction.task_id
        druid_task_id = retraction_task_id(plan.datasource, retraction_id)
        interval = day_interval(plan.interval_start, plan.interval_end)
        try:
            dimensions, metrics = await self._columns(retraction_id, plan.datasource, interval)
            spec = reindex_spec(
                druid_task_id=druid_task_id,
                datasource=plan.datasource,
                upload_id=plan.upload_id,
                interval=interval,
                dimensions=dimensions,
                metrics=metrics,
            )
            await self._submit(retraction_id, spec)
        except RetractionFailed as exc:
            if give_up_when_unreachable or exc.code != UNREACHABLE:
                error = ErrorInfo(code=exc.code, message=exc.message, hint=exc.hint)
                await asyncio.to_thread(self.repository.retraction_failed, retraction_id, error)
            raise
        status = await asyncio.to_thread(
            self.repository.retraction_submitted, retraction_id, druid_task_id
        )
        log.info("retraction_submitted", retracts=plan.upload_id, druid_task_id=druid_task_id)
        self.nudges.nudge()
        return status

    async def _columns(self, rid: str, datasource: str, interval: str) -> tuple[Columns, Columns]:
        with _as_retraction_failure(rid):
            roles = await self.druid.datasource_columns(datasource, interval)
            rows = await self.druid.sql(
                COLUMNS_SQL, [SqlParameter("VARCHAR", datasource)], result_format="array"
            )
        types = {str(r[0]): str(r[1]) for r in rows if isinstance(r, list) and len(r) == 2}
        dims = [(n, types.get(n, "VARCHAR")) for n in roles.dimensions]
        metrics = [(n, types.get(n, "DOUBLE")) for n in roles.metrics]
        if UPLOAD_ID not in dict(dims):
            raise RetractionFailed(
                rid,
                "upload_id_missing",
                f"Datasource {datasource!r} has no {UPLOAD_ID} dimension in {interval} "
                "(or no rows there any more), so the upload's rows cannot be told apart.",
                "Check the datasource in the OLAP store; it may have been dropped.",
            )
        return dims, metrics

    async def _submit(self, rid: str, spec: dict[str, object]) -> None:
        # Submitted before (a retried request) is answered "already submitted": the same task.
        with _as_retraction_failure(rid):
            await self.druid.submit_task(spec)


@contextmanager
def _as_retraction_failure(rid: str) -> Iterator[None]:
    """No answer at all leaves a replace's retraction waiting; any answered error fails it."""
    try:
        yield
    except DruidError as exc:
        if exc.answer.status == 0:
            raise RetractionFailed(
                rid,
                UNREACHABLE,
                str(exc),
                "The OLAP store is unreachable; retry the DELETE once it is up.",
            ) from exc
        raise RetractionFailed(
            rid,
            "olap_refused",
            str(exc),
            "Read the OLAP store's answer above; retry the DELETE once it is fixed.",
        ) from exc
