"""`mauzo status`: what the running stack is doing, from the launcher's record and the services."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families
from rich.console import Group
from rich.table import Table

from mauzo_cli.credentials import NoCredentials
from mauzo_cli.launcher import healthy
from mauzo_cli.processes import broker_spec, service_specs
from mauzo_common.settings import MauzoSettings

RECENT_TASKS = 500
LAST_ERRORS = 5


@dataclass(frozen=True)
class ServiceLine:
    name: str
    port: int
    healthy: bool
    state: str
    restarts: int | None
    last_exit: str
    lag: int | None  # messages behind, summed over the partitions it reads; None: no consumer


@dataclass
class StatusReport:
    services: list[ServiceLine]
    tasks_by_state: Counter[str] = field(default_factory=Counter)
    last_errors: list[str] = field(default_factory=list)
    tracker_error: str = ""

    @property
    def all_healthy(self) -> bool:
        return all(s.healthy for s in self.services)


def collect(
    settings: MauzoSettings, stack_json: Path, auth: httpx.Auth | None = None
) -> StatusReport:
    supervised = _supervised(stack_json)
    specs = ([] if settings.kafka_bootstrap else [broker_spec(settings)]) + service_specs(settings)
    services = []
    for spec in specs:
        record = supervised.get(spec.name, {})
        exit_code, exit_at = record.get("last_exit_code"), record.get("last_exit_at")
        services.append(
            ServiceLine(
                name=spec.name,
                port=spec.port,
                healthy=healthy(spec),
                state=str(record.get("state", "not started by mauzo up")),
                restarts=record.get("restarts"),
                last_exit=f"code {exit_code} at {exit_at}" if exit_at else "",
                lag=consumer_lag(spec.url, auth) if spec.health_path else None,
            )
        )
    report = StatusReport(services)
    try:
        response = httpx.get(
            f"{settings.tracker_url}/api/ingest/tasks",
            params={"limit": RECENT_TASKS},
            timeout=5,
            auth=auth,
        )
        response.raise_for_status()
    except httpx.HTTPError as exc:
        report.tracker_error = f"task-tracker did not answer: {exc}"
        return report
    except NoCredentials as exc:
        report.tracker_error = f"cannot sign in to task-tracker: {exc}"
        return report
    tasks: list[dict[str, Any]] = response.json()["tasks"]
    report.tasks_by_state = Counter(str(t["state"]) for t in tasks)
    for task in tasks:
        error = task.get("error")
        if error and len(report.last_errors) < LAST_ERRORS:
            report.last_errors.append(
                f"{task['task_id']} ({task['state']}, {task.get('file_name') or task['kind']}): "
                f"{error.get('code')}: {error.get('message')}"
            )
    return report


def consumer_lag(service_url: str, auth: httpx.Auth | None = None) -> int | None:
    """The service's consumer lag from its own metrics (they need an admin's token); None when
    it consumes nothing or the metrics cannot be read."""
    try:
        response = httpx.get(f"{service_url}/metrics", timeout=2, auth=auth)
        response.raise_for_status()
    except (httpx.HTTPError, NoCredentials):
        return None
    lags = [
        sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
        if sample.name == "mauzo_consumer_lag_messages"
    ]
    return int(sum(lags)) if lags else None


def _supervised(stack_json: Path) -> dict[str, dict[str, Any]]:
    try:
        status = json.loads(stack_json.read_text())
    except (OSError, ValueError):
        return {}
    return {str(s["name"]): s for s in status.get("services", [])}


def render(report: StatusReport) -> Group:
    services = Table("service", "port", "health", "state", "restarts", "lag", "last exit")
    for line in report.services:
        health = "[green]ok[/]" if line.healthy else "[red]down[/]"
        restarts = "" if line.restarts is None else str(line.restarts)
        lag = "" if line.lag is None else str(line.lag)
        services.add_row(
            line.name, str(line.port), health, line.state, restarts, lag, line.last_exit
        )
    parts: list[Any] = [services]
    if report.tracker_error:
        parts.append(f"[red]{report.tracker_error}[/]")
    else:
        tasks = Table(f"task state (last {RECENT_TASKS} tasks)", "count")
        for state, count in sorted(report.tasks_by_state.items()):
            tasks.add_row(state, str(count))
        parts.append(tasks)
        parts.extend(["last errors:", *report.last_errors] if report.last_errors else [])
    return Group(*parts)
