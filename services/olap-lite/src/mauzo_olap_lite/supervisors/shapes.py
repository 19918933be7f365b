"""Druid's supervisor answers (docs/druid.md#supervisor-api; the Kafka report payload)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mauzo_olap_lite.supervisors import store
from mauzo_olap_lite.supervisors.runner import SupervisorRunner

UNHEALTHY = ("UNHEALTHY_SUPERVISOR", "UNHEALTHY_TASKS")


def state_of(runner: SupervisorRunner) -> tuple[str, str]:
    if runner.spec.suspended:
        return "SUSPENDED", "SUSPENDED"
    return runner.live.state, runner.live.detailed


def healthy(runner: SupervisorRunner) -> bool:
    return state_of(runner)[0] not in UNHEALTHY


def state_rows(runners: list[SupervisorRunner]) -> list[tuple[Any, ...]]:
    """The rows of olap_meta.supervisor_states behind sys.supervisors."""
    return [
        (r.spec.id, *state_of(r), healthy(r), str(r.spec.body.get("type", "kafka")), r.spec.topic)
        for r in runners
    ]


def full_entry(runner: SupervisorRunner) -> dict[str, Any]:
    state, detailed = state_of(runner)
    return {
        "id": runner.spec.id,
        "state": state,
        "detailedState": detailed,
        "healthy": healthy(runner),
        "spec": runner.spec.body,
        "suspended": runner.spec.suspended,
    }


def _keyed(offsets: dict[int, int]) -> dict[str, int]:
    return {str(p): o for p, o in sorted(offsets.items())}


def status(runner: SupervisorRunner) -> dict[str, Any]:
    live, spec = runner.live, runner.spec
    state, detailed = state_of(runner)
    lag = {p: max(live.latest[p] - live.current.get(p, 0), 0) for p in live.latest}
    active: list[dict[str, Any]] = []
    if runner.running and not spec.suspended and live.state == "RUNNING":
        started = datetime.strptime(live.start_time, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        elapsed = (datetime.now(UTC) - started).total_seconds()
        active.append(
            {
                "id": live.task_id,
                "startingOffsets": _keyed(live.starting),
                "startTime": live.start_time,
                "remainingSeconds": max(int(spec.task_duration_seconds - elapsed), 0),
                "type": "ACTIVE",
                "currentOffsets": _keyed(live.current),
                "lag": _keyed(lag),
            }
        )
    payload: dict[str, Any] = {
        "dataSource": spec.datasource,
        "stream": spec.topic,
        "partitions": len(live.partitions),
        "replicas": int(spec.body["ioConfig"].get("replicas", 1)),
        "durationSeconds": spec.task_duration_seconds,
        "activeTasks": active,
        "publishingTasks": [],
        "latestOffsets": _keyed(live.latest) if live.latest else None,
        "currentOffsets": _keyed(live.current) if live.current else None,
        "minimumLag": _keyed(lag) if lag else None,
        "aggregateLag": sum(lag.values()) if lag else None,
        "offsetsLastUpdated": live.offsets_updated,
        "suspended": spec.suspended,
        "healthy": healthy(runner),
        "state": state,
        "detailedState": detailed,
        "recentErrors": list(live.errors),
    }
    return {"id": spec.id, "generationTime": store.now_iso(), "payload": payload}


def stats(runner: SupervisorRunner) -> dict[str, Any]:
    """GET /supervisor/{id}/stats: totals per task group, in the rowStats names."""
    totals = runner.live.totals
    build = {
        "processed": totals.get("processed", 0),
        "processedBytes": 0,
        "processedWithError": totals.get("processed_with_error", 0),
        "thrownAway": totals.get("thrown_away", 0),
        "unparseable": totals.get("unparseable", 0),
    }
    task = {"movingAverages": {}, "totals": {"buildSegments": build}}
    return {"0": {runner.live.task_id: task}} if runner.live.task_id else {}
