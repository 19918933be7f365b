"""Druid's JSON shapes for tasks: TaskStatusPlus (docs/druid.md#task-status)
and the completion report (docs/druid.md#completion-report)."""

from __future__ import annotations

from typing import Any

from mauzo_olap_lite.tasks.repository import TaskRecord
from mauzo_olap_lite.timeutil.periods import format_instant

EPOCH = "1970-01-01T00:00:00.000Z"
EMPTY_STATS = {
    "processed": 0,
    "processedBytes": 0,
    "processedWithError": 0,
    "thrownAway": 0,
    "unparseable": 0,
}


def status_plus(record: TaskRecord, location: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": record.id,
        "groupId": record.group_id,
        "type": record.type,
        "createdTime": format_instant(record.created_time),
        "queueInsertionTime": EPOCH,
        "statusCode": record.status,
        "status": record.status,
        "runnerStatusCode": record.runner_status,
        "duration": record.duration if record.status != "RUNNING" else -1,
        "location": location,
        "dataSource": record.datasource,
        "errorMsg": record.error_msg,
    }


def report(
    task_id: str,
    *,
    state: str,
    build_segments: dict[str, int] | None,
    unparseable_events: list[dict[str, Any]],
    error_msg: str | None,
) -> dict[str, Any]:
    return {
        "ingestionStatsAndErrors": {
            "type": "ingestionStatsAndErrors",
            "taskId": task_id,
            "payload": {
                "ingestionState": state,
                "unparseableEvents": {"buildSegments": unparseable_events}
                if unparseable_events
                else {},
                "rowStats": {
                    "determinePartitions": dict(EMPTY_STATS),
                    "buildSegments": dict(build_segments or EMPTY_STATS),
                },
                "errorMsg": error_msg,
                "segmentAvailabilityConfirmed": False,
                "segmentAvailabilityWaitTimeMs": 0,
            },
        }
    }
