"""The task table (olap_meta.tasks): every submitted task, its spec, state, report and log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from mauzo_olap_lite.database import META

RESTART_ERROR = (
    "olap-lite stopped while this task was running; the task did not finish and none of its "
    "rows were published"
)
_FIELDS = (
    "id, group_id, type, datasource, created_time, status, runner_status, duration, error_msg, "
    "payload, report, log"
)


@dataclass(frozen=True)
class TaskRecord:
    id: str
    group_id: str
    type: str
    datasource: str
    created_time: datetime
    status: str  # RUNNING | SUCCESS | FAILED
    runner_status: str  # WAITING | PENDING | RUNNING | NONE
    duration: int
    error_msg: str | None
    payload: dict[str, Any]
    report: dict[str, Any] | None
    log: str

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> TaskRecord:
        return cls(
            id=row[0],
            group_id=row[1],
            type=row[2],
            datasource=row[3],
            created_time=row[4],
            status=row[5],
            runner_status=row[6],
            duration=int(row[7]),
            error_msg=row[8],
            payload=json.loads(row[9]),
            report=json.loads(row[10]) if row[10] else None,
            log=row[11] or "",
        )


def insert(cur: duckdb.DuckDBPyConnection, record: TaskRecord) -> None:
    cur.execute(
        f"INSERT INTO {META}.tasks ({_FIELDS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            record.id,
            record.group_id,
            record.type,
            record.datasource,
            record.created_time,
            record.status,
            record.runner_status,
            record.duration,
            record.error_msg,
            json.dumps(record.payload),
            json.dumps(record.report) if record.report else None,
            record.log,
        ],
    )


def exists(cur: duckdb.DuckDBPyConnection, task_id: str) -> bool:
    row = cur.execute(f"SELECT count(*) FROM {META}.tasks WHERE id = ?", [task_id]).fetchone()
    return bool(row and row[0])


def get(cur: duckdb.DuckDBPyConnection, task_id: str) -> TaskRecord | None:
    row = cur.execute(f"SELECT {_FIELDS} FROM {META}.tasks WHERE id = ?", [task_id]).fetchone()
    return TaskRecord.from_row(row) if row else None


def set_runner_status(cur: duckdb.DuckDBPyConnection, task_id: str, runner_status: str) -> None:
    cur.execute(f"UPDATE {META}.tasks SET runner_status = ? WHERE id = ?", [runner_status, task_id])


def finish(
    cur: duckdb.DuckDBPyConnection,
    task_id: str,
    *,
    status: str,
    duration: int,
    error_msg: str | None,
    report: dict[str, Any],
    log: str,
) -> None:
    cur.execute(
        f"UPDATE {META}.tasks SET status = ?, runner_status = 'NONE', duration = ?, "
        "error_msg = ?, report = ?, log = ? WHERE id = ?",
        [status, duration, error_msg, json.dumps(report), log, task_id],
    )


def listing(
    cur: duckdb.DuckDBPyConnection,
    *,
    state: str | None,
    datasource: str | None,
    max_complete: int | None,
    task_type: str | None,
) -> list[TaskRecord]:
    where, params = ["TRUE"], []
    if datasource:
        where.append("datasource = ?")
        params.append(datasource)
    if task_type:
        where.append("type = ?")
        params.append(task_type)
    if state in ("running", "pending", "waiting"):
        where.append("status = 'RUNNING' AND lower(runner_status) = ?")
        params.append(state)
    elif state == "complete":
        where.append("status <> 'RUNNING'")
    rows = cur.execute(
        f"SELECT {_FIELDS} FROM {META}.tasks WHERE {' AND '.join(where)} "
        "ORDER BY created_time DESC",
        params,
    ).fetchall()
    records = [TaskRecord.from_row(r) for r in rows]
    if max_complete is not None:
        active = [r for r in records if r.status == "RUNNING"]
        complete = [r for r in records if r.status != "RUNNING"][:max_complete]
        records = active + complete
    return records


def fail_interrupted(cur: duckdb.DuckDBPyConnection) -> int:
    """After a restart: every task still RUNNING failed, and says why."""
    rows = cur.execute(
        f"UPDATE {META}.tasks SET status = 'FAILED', runner_status = 'NONE', "
        "duration = CAST(epoch_ms(now()::TIMESTAMP) - epoch_ms(created_time) AS BIGINT), "
        "error_msg = ? WHERE status = 'RUNNING' RETURNING id",
        [RESTART_ERROR],
    ).fetchall()
    return len(rows)
