"""Keeps the stack's processes running: a child that exits unexpectedly is restarted with backoff.

A crash (the OOM killer taking the validator on a huge file, say) must not take the whole stack
down: the other services keep serving while the one that died comes back. A child that keeps
dying is a crash loop, and restarting it forever would hide the fault, so after `max_failures`
exits within `window_seconds` the supervisor gives up on that child only and says so.

The embedded broker is the one exception to "the rest keep running": it keeps its topics, groups
and offsets in memory, so once it is back every Kafka client is restarted too (OTP's
rest-for-one); a consumer left running would keep committing offsets of topics that no longer
exist. What their events carried is driven on from the task table (task-tracker's recovery).
"""

from __future__ import annotations

import subprocess
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from mauzo_cli.processes import ServiceSpec


@dataclass(frozen=True)
class RestartPolicy:
    backoff_seconds: float = 0.5
    backoff_max_seconds: float = 30.0
    max_failures: int = 5
    window_seconds: float = 120.0

    def delay(self, failures: int) -> float:
        """Exponential backoff: the n-th consecutive failure waits base × 2^(n-1), capped."""
        return float(min(self.backoff_max_seconds, self.backoff_seconds * 2 ** (failures - 1)))


class ChildState(StrEnum):
    STARTING = "starting"
    RUNNING = "running"
    BACKING_OFF = "backing_off"
    GAVE_UP = "gave_up"


@dataclass
class Child:
    spec: ServiceSpec
    proc: subprocess.Popen[bytes]
    state: ChildState = ChildState.STARTING
    restarts: int = 0
    failures: deque[float] = field(default_factory=deque)
    last_exit_code: int | None = None
    last_exit_at: str | None = None
    restart_at: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.spec.name,
            "port": self.spec.port,
            "pid": self.proc.pid if self.proc.poll() is None else None,
            "state": self.state.value,
            "restarts": self.restarts,
            "recent_failures": len(self.failures),
            "last_exit_code": self.last_exit_code,
            "last_exit_at": self.last_exit_at,
        }


@dataclass(frozen=True)
class SupervisionEvent:
    kind: str  # "exited", "restarted", "healthy", "gave_up", "restarted_with_broker"
    service: str
    message: str


# Called with the spec and which restart this is, so the child can report it in its metrics.
Spawn = Callable[[ServiceSpec, int], "subprocess.Popen[bytes]"]
HealthCheck = Callable[[ServiceSpec], bool]


class Supervisor:
    """Decides, on each `tick`, which dead child to restart, when, and when to stop trying."""

    def __init__(
        self,
        spawn: Spawn,
        healthy: HealthCheck,
        policy: RestartPolicy | None = None,
        *,
        broker: str = "broker",
    ) -> None:
        self.spawn = spawn
        self.healthy = healthy
        self.policy = policy or RestartPolicy()
        self.broker = broker
        self.children: list[Child] = []

    def adopt(self, spec: ServiceSpec, proc: subprocess.Popen[bytes], *, healthy: bool) -> None:
        state = ChildState.RUNNING if healthy else ChildState.STARTING
        self.children.append(Child(spec, proc, state))

    def tick(self, now: float) -> list[SupervisionEvent]:
        events: list[SupervisionEvent] = []
        for child in self.children:
            event = self._step(child, now)
            if event is not None:
                events.append(event)
                if event.kind == "healthy" and child.spec.name == self.broker and child.restarts:
                    events += self._restart_broker_clients()
        return events

    def _restart_broker_clients(self) -> list[SupervisionEvent]:
        clients = [
            c for c in self.children if c.spec.uses_broker and c.state is not ChildState.GAVE_UP
        ]
        for child in clients:
            if child.proc.poll() is None:
                child.proc.terminate()
        for child in clients:
            try:
                child.proc.wait(10)
            except subprocess.TimeoutExpired:
                child.proc.kill()
                child.proc.wait()
            child.restarts += 1
            child.proc = self.spawn(child.spec, child.restarts)
            child.state = ChildState.STARTING
        return [
            SupervisionEvent(
                "restarted_with_broker",
                c.spec.name,
                f"{c.spec.name} restarted with the broker, which keeps nothing across a restart",
            )
            for c in clients
        ]

    def _step(self, child: Child, now: float) -> SupervisionEvent | None:
        name = child.spec.name
        if child.state is ChildState.GAVE_UP:
            return None
        if child.state is ChildState.BACKING_OFF:
            if now < child.restart_at:
                return None
            child.restarts += 1
            child.proc = self.spawn(child.spec, child.restarts)
            child.state = ChildState.STARTING
            return SupervisionEvent(
                "restarted", name, f"{name} restarted (restart {child.restarts})"
            )
        code = child.proc.poll()
        if code is not None:
            return self._exited(child, code, now)
        if child.state is ChildState.STARTING and self.healthy(child.spec):
            child.state = ChildState.RUNNING
            return SupervisionEvent("healthy", name, f"{name} is healthy")
        return None

    def _exited(self, child: Child, code: int, now: float) -> SupervisionEvent:
        name = child.spec.name
        child.last_exit_code = code
        child.last_exit_at = datetime.now(UTC).isoformat(timespec="seconds")
        child.failures.append(now)
        while child.failures and now - child.failures[0] > self.policy.window_seconds:
            child.failures.popleft()
        failures = len(child.failures)
        if failures >= self.policy.max_failures:
            child.state = ChildState.GAVE_UP
            return SupervisionEvent(
                "gave_up",
                name,
                f"{name} exited {failures} times within {self.policy.window_seconds:.0f}s "
                f"(last exit code {code}): crash loop, not restarting it again. The other "
                f"services keep running; see its log, fix the cause and restart `mauzo up`.",
            )
        delay = self.policy.delay(failures)
        child.state = ChildState.BACKING_OFF
        child.restart_at = now + delay
        return SupervisionEvent(
            "exited", name, f"{name} exited with code {code}; restarting in {delay:.1f}s"
        )

    def snapshot(self) -> list[dict[str, object]]:
        return [child.as_dict() for child in self.children]

    def processes(self) -> list[subprocess.Popen[bytes]]:
        return [child.proc for child in self.children]
