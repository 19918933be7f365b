"""The Overlord's answers about a task, typed.

See docs/druid.md#task-status and docs/druid.md#completion-report. Read leniently: a field
the server leaves out (or an older alias) never breaks following a task.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ROW_STAT_KEYS = ("processed", "processedBytes", "processedWithError", "thrownAway", "unparseable")
FINISHED = frozenset({"SUCCESS", "FAILED"})


@dataclass(frozen=True)
class Submission:
    druid_task_id: str
    already_submitted: bool


@dataclass(frozen=True)
class TaskStatus:
    """GET /task/{id}/status: `code` is RUNNING | SUCCESS | FAILED, or UNKNOWN when unreadable."""

    code: str
    error_message: str | None = None
    body: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def read(cls, body: Any) -> TaskStatus:
        status = body.get("status") if isinstance(body, dict) else None
        if not isinstance(status, dict):
            return cls("UNKNOWN", body=body if isinstance(body, dict) else {})
        # `status` is the deprecated alias of `statusCode`.
        code = status.get("statusCode") or status.get("status")
        error = status.get("errorMsg")
        return cls(
            str(code).upper() if code else "UNKNOWN",
            str(error) if error else None,
            body,
        )

    @property
    def finished(self) -> bool:
        return self.code in FINISHED


@dataclass(frozen=True)
class TaskReport:
    """GET /task/{id}/reports: the row counts of the build-segments phase, when reported."""

    row_stats: dict[str, int] | None
    body: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def read(cls, body: Any) -> TaskReport:
        if not isinstance(body, dict):
            return cls(None)
        section = body.get("ingestionStatsAndErrors", body)
        payload = section.get("payload") if isinstance(section, dict) else None
        stats = payload.get("rowStats") if isinstance(payload, dict) else None
        build = stats.get("buildSegments") if isinstance(stats, dict) else None
        if not isinstance(build, dict):
            return cls(None, body)
        return cls({key: int(build.get(key) or 0) for key in ROW_STAT_KEYS}, body)


@dataclass(frozen=True)
class DatasourceColumns:
    """GET /druid/v2/datasources/{ds}: which columns are dimensions and which metrics."""

    dimensions: list[str]
    metrics: list[str]

    @classmethod
    def read(cls, body: Any) -> DatasourceColumns:
        if not isinstance(body, dict):
            return cls([], [])
        return cls(
            [str(d) for d in body.get("dimensions") or []],
            [str(m) for m in body.get("metrics") or []],
        )
