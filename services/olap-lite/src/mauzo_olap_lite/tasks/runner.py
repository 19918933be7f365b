"""Runs tasks in background threads and keeps the task table true to what happened.

A task is RUNNING (runner PENDING) as soon as it is accepted, RUNNING/RUNNING while it works, and
ends SUCCESS or FAILED; the SUCCESS update is part of the same transaction as its rows. A task
that was RUNNING when the process died is FAILED at the next start (`recover`).
"""

from __future__ import annotations

import contextvars
import random
import string
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import structlog

from mauzo_olap_lite.database import Database
from mauzo_olap_lite.errors import OverlordError, SpecError
from mauzo_olap_lite.ingest.publish import Segment
from mauzo_olap_lite.ingest.spec import TaskSpec, parse_task
from mauzo_olap_lite.inputs.base import InputError
from mauzo_olap_lite.settings import OlapLiteSettings
from mauzo_olap_lite.tasks import repository
from mauzo_olap_lite.tasks.ingestion import (
    ParseLimitExceeded,
    Progress,
    TaskCancelled,
    held_lock,
    run_ingestion,
)
from mauzo_olap_lite.tasks.precheck import precheck
from mauzo_olap_lite.tasks.shapes import report
from mauzo_olap_lite.timeutil.periods import format_instant

log = structlog.get_logger(__name__)
SHUTDOWN_MESSAGE = "Shutdown request from user"


class TaskRunner:
    def __init__(
        self, db: Database, settings: OlapLiteSettings, on_published: Callable[[], None]
    ) -> None:
        self._db = db
        self._on_published = on_published
        self._settings = settings
        self._pool = ThreadPoolExecutor(settings.olap_lite_task_workers, "olap-task")
        self._active: dict[str, tuple[Progress, list[duckdb.DuckDBPyConnection]]] = {}
        self._lock = threading.Lock()

    def recover(self) -> int:
        with self._db.write_lock:
            cur = self._db.cursor()
            try:
                return repository.fail_interrupted(cur)
            finally:
                cur.close()

    def submit(self, body: Any) -> str:
        task = parse_task(body)
        precheck(task, self._settings)
        now = datetime.now(UTC).replace(tzinfo=None)
        ds = task.spec.data_schema.data_source
        task_id = task.id or _generated_id(task.type, ds, now)
        payload = {
            **body,
            "id": task_id,
            "groupId": task_id,
            "dataSource": ds,
            "resource": {"availabilityGroup": task_id, "requiredCapacity": 1},
        }
        record = repository.TaskRecord(
            id=task_id,
            group_id=task_id,
            type=task.type,
            datasource=ds,
            created_time=now,
            status="RUNNING",
            runner_status="PENDING",
            duration=-1,
            error_msg=None,
            payload=payload,
            report=None,
            log="",
        )
        progress = Progress()
        with self._db.write_lock:
            cur = self._db.cursor()
            try:
                if repository.exists(cur, task_id):
                    raise OverlordError(400, f"Task[{task_id}] already exists!")
                repository.insert(cur, record)
            finally:
                cur.close()
        with self._lock:
            self._active[task_id] = (progress, [])
        # The task runs in the submitting request's context, so its log lines carry that
        # request's trace and request ids: one upload's trace reaches the OLAP publish.
        self._pool.submit(contextvars.copy_context().run, self._run, task, record, progress)
        return task_id

    def progress(self, task_id: str) -> Progress | None:
        with self._lock:
            entry = self._active.get(task_id)
        return entry[0] if entry else None

    def shutdown(self, task_id: str) -> None:
        with self._lock:
            entry = self._active.get(task_id)
        if entry is None:
            return
        entry[0].cancelled.set()
        for cur in entry[1]:
            if not entry[0].published:
                cur.interrupt()

    def close(self) -> None:
        with self._lock:
            ids = list(self._active)
        for task_id in ids:
            self.shutdown(task_id)
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, task: TaskSpec, record: repository.TaskRecord, progress: Progress) -> None:
        started = time.monotonic()
        bound = log.bind(task_id=record.id, datasource=record.datasource)

        def line(message: str) -> None:
            stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S,%f")[:-3]
            progress.lines.append(f"{stamp} INFO [task-runner] {message}")
            bound.info("task_log", message=message)

        def finish(cur: duckdb.DuckDBPyConnection, segments: list[Segment]) -> None:
            stats = progress.stats.as_dict() if progress.stats else None
            line(f"Task completed with status SUCCESS ({len(segments)} segments)")
            repository.finish(
                cur,
                record.id,
                status="SUCCESS",
                duration=_ms(started),
                error_msg=None,
                report=report(
                    record.id,
                    state="COMPLETED",
                    build_segments=stats,
                    unparseable_events=progress.events,
                    error_msg=None,
                ),
                log="\n".join(progress.lines) + "\n",
            )

        cur = self._db.cursor()
        with self._lock:
            self._active[record.id][1].append(cur)
        error: str | None = None
        try:
            progress.check()
            repository.set_runner_status(cur, record.id, "RUNNING")
            line(f"Running task [{record.id}] of type [{record.type}]")
            with (
                held_lock(task, self._db),
                tempfile.TemporaryDirectory(prefix="olap-lite-") as work,
            ):
                run_ingestion(
                    cur,
                    task,
                    record.id,
                    settings=self._settings,
                    workdir=Path(work),
                    progress=progress,
                    write_lock=self._db.publish_lock(task.spec.data_schema.data_source),
                    version=format_instant(record.created_time),
                    finish=finish,
                    log=line,
                )
        except (TaskCancelled, duckdb.InterruptException):
            error = SHUTDOWN_MESSAGE
        except (ParseLimitExceeded, InputError) as exc:
            error = str(exc)
        except (SpecError, OverlordError) as exc:
            error = exc.message
        except Exception as exc:
            bound.exception("task_failed")
            error = f"{type(exc).__name__}: {exc}"
        finally:
            if error is not None and progress.cancelled.is_set():
                error = SHUTDOWN_MESSAGE
            if progress.published:
                self._on_published()
            if error is not None and not progress.published:
                self._fail(cur, record.id, progress, error, started, line)
            with self._lock:
                self._active.pop(record.id, None)
            cur.close()

    def _fail(
        self,
        cur: duckdb.DuckDBPyConnection,
        task_id: str,
        progress: Progress,
        error: str,
        started: float,
        line: Any,
    ) -> None:
        line(f"Task failed: {error}")
        stats = progress.stats.as_dict() if progress.stats else None
        with self._db.write_lock:
            repository.finish(
                cur,
                task_id,
                status="FAILED",
                duration=_ms(started),
                error_msg=error,
                report=report(
                    task_id,
                    state=progress.state,
                    build_segments=stats,
                    unparseable_events=progress.events,
                    error_msg=error,
                ),
                log="\n".join(progress.lines) + "\n",
            )


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _generated_id(kind: str, datasource: str, now: datetime) -> str:
    suffix = "".join(random.choices(string.ascii_lowercase, k=8))  # noqa: S311 - an id, not a secret
    return f"{kind}_{datasource}_{suffix}_{format_instant(now)}"
