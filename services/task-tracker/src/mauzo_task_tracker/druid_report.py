"""Reads the Overlord's task status and completion report into a verdict.

See docs/druid.md#task-status and docs/druid.md#completion-report.

A Druid task can report SUCCESS having loaded nothing (every row unparseable or thrown away), so
success here needs statusCode SUCCESS *and* a row count that adds up: processed > 0, no
unparseable rows, no rows processed with errors, nothing thrown away, and (when known) exactly the
rows the validator handed over.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from mauzo_common.druid.answers import TaskReport, TaskStatus
from mauzo_common.events import ErrorInfo


@dataclass(frozen=True)
class Verdict:
    status: Literal["running", "succeeded", "failed"]
    rows_ingested: int = 0
    row_stats: dict[str, int] = field(default_factory=dict)
    error: ErrorInfo | None = None


def judge(
    druid_task_id: str,
    status: TaskStatus,
    report: TaskReport | None,
    expected_rows: int | None,
    kind: str = "load",
) -> Verdict:
    """A load must have loaded rows; a retraction re-writes what is left, which may be nothing
    (its filtered-out rows are counted as thrownAway), so only bad rows fail it."""
    if not status.finished:
        return Verdict("running")
    stats = report.row_stats if report is not None else None
    if status.code == "FAILED":
        message = status.error_message or "no error message"
        return Verdict(
            "failed",
            row_stats=stats or {},
            error=ErrorInfo(
                code="druid_task_failed",
                message=f"Druid task {druid_task_id} failed: {message}",
                hint=f"Read the task log: GET /druid/indexer/v1/task/{druid_task_id}/log",
            ),
        )
    if stats is None:
        return Verdict(
            "failed",
            error=ErrorInfo(
                code="druid_report_missing",
                message=f"Druid task {druid_task_id} succeeded but its report has no row counts.",
                hint="Check the datasource before trusting this upload; then upload it again.",
            ),
        )
    if kind == "retraction":
        return _judge_retraction(druid_task_id, stats)
    return _judge_rows(druid_task_id, stats, expected_rows)


def _judge_retraction(druid_task_id: str, stats: dict[str, int]) -> Verdict:
    bad = stats["unparseable"] + stats["processedWithError"]
    if not bad:
        return Verdict("succeeded", rows_ingested=stats["processed"], row_stats=stats)
    return Verdict(
        "failed",
        rows_ingested=stats["processed"],
        row_stats=stats,
        error=ErrorInfo(
            code="retraction_rows_lost",
            message=f"Druid retraction task {druid_task_id} met {bad} row(s) it could not keep.",
            hint=f"Details: GET /druid/indexer/v1/task/{druid_task_id}/reports",
        ),
    )


def _judge_rows(druid_task_id: str, stats: dict[str, int], expected: int | None) -> Verdict:
    processed = stats["processed"]
    problem: tuple[str, str] | None = None
    if stats["unparseable"]:
        problem = ("rows_unparseable", f"{stats['unparseable']} row(s) could not be parsed")
    elif stats["processedWithError"]:
        problem = ("rows_with_errors", f"{stats['processedWithError']} row(s) had errors")
    elif stats["thrownAway"]:
        problem = ("rows_thrown_away", f"{stats['thrownAway']} row(s) were thrown away")
    elif processed <= 0:
        problem = ("no_rows_ingested", "no rows were ingested")
    elif expected is not None and processed != expected:
        problem = ("row_count_mismatch", f"{processed} row(s) ingested, {expected} expected")
    if problem is None:
        return Verdict("succeeded", rows_ingested=processed, row_stats=stats)
    code, what = problem
    return Verdict(
        "failed",
        rows_ingested=processed,
        row_stats=stats,
        error=ErrorInfo(
            code=code,
            message=f"Druid task {druid_task_id} reported SUCCESS but {what}.",
            hint=(
                f"{processed} row(s) may be loaded; retract this upload before loading it again. "
                f"Details: GET /druid/indexer/v1/task/{druid_task_id}/reports"
            ),
        ),
    )


def not_found_verdict(druid_task_id: str) -> Verdict:
    return Verdict(
        "failed",
        error=ErrorInfo(
            code="druid_task_not_found",
            message=f"The Overlord does not know Druid task {druid_task_id}.",
            hint="The OLAP store may have lost the task; upload the file again.",
        ),
    )
