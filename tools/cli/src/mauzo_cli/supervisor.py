"""Keeps the stack's processes running: a child that exits unexpectedly is restarted with backoff.

A crash (the OOM killer taking the validator on a huge file, say) must not take the whole stack
down: the other services keep serving while the one that died comes back. A child that keeps
dying is a crash loop, and restarting it forever would hide the fault, so after `max_failures`
exits within `window_seconds` the supervisor gives up on that child only and says so.

The embedded broker is the one exception to "the rest keep running": it keeps its topics, groups
and offsets in memory, so its clients go down with it and come back after it (OTP's
rest-for-one), in that order: every client is stopped before the broker starts again, and
started once it answers. A client that outlived the broker would carry the old broker's topics
into the new one: its producer still knows their partitions and writes to them before the new
broker created them, and Tansu keeps those batches but starts the topic's offsets at 0 when it
does create it, so the next writes there collide with them and fail (each failed replay of a
stalled load doubled its wait, past two minutes). Its consumers would also join the new
broker's groups and hold up the new members' joins. What the lost events carried is driven on
from the task table (task-tracker's recovery).
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
    # A broker client stopped with the broker gets this long to exit before it is killed.
    stop_grace_seconds: float = 10.0

    def delay(self, failures: int) -> float:
        """Exponential backoff: the n-th consecutive failure waits base × 2^(n-1), capped."""
        return float(min(self.backoff_max_seconds, self.backoff_seconds * 2 ** (failures - 1)))


class ChildState(StrEnum):
    STARTING = "starting"
    RUNNING = "running"
    BACKING_OFF = "backing_off"
    GAVE_UP = "gave_up"
    WAITING_FOR_BROKER = "waiting_for_broker"  # stopped with the broker, starts once it is back


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
    kill_at: float = 0.0  # waiting for the broker: when a client that ignored SIGTERM is killed

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
    # "exited", "restarted", "healthy", "gave_up", "stopped_with_broker", "killed",
    # "restarted_with_broker"
    kind: str
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
            if event is None:
                continue
            events.append(event)
            if child.spec.name != self.broker:
                continue
            if event.kind == "exited":
                events += self._stop_broker_clients(now)
            elif event.kind in ("healthy", "gave_up"):
                # Given up on, the broker is not coming back: the clients still serve what
                # needs no broker, as they would have if it had never run.
                events += self._start_broker_clients()
        return events

    def _stop_broker_clients(self, now: float) -> list[SupervisionEvent]:
        # Already waiting when the broker died again before it was back: nothing more to stop.
        done = (ChildState.GAVE_UP, ChildState.WAITING_FOR_BROKER)
        clients = [c for c in self.children if c.spec.uses_broker and c.state not in done]
        for child in clients:
            if child.proc.poll() is None:
                child.proc.terminate()
            child.state = ChildState.WAITING_FOR_BROKER
            child.kill_at = now + self.policy.stop_grace_seconds
        return [
            SupervisionEvent(
                "stopped_with_broker",
                c.spec.name,
                f"{c.spec.name} stopped until the broker is back (it keeps nothing across a "
                "restart)",
            )
            for c in clients
        ]

    def _start_broker_clients(self) -> list[SupervisionEvent]:
        waiting = [c for c in self.children if c.state is ChildState.WAITING_FOR_BROKER]
        for child in waiting:
            child.restarts += 1
            child.proc = self.spawn(child.spec, child.restarts)
            child.state = ChildState.STARTING
        return [
            SupervisionEvent(
                "restarted_with_broker",
                c.spec.name,
                f"{c.spec.name} restarted with the broker, which keeps nothing across a restart",
            )
            for c in waiting
        ]

    def _clients_still_running(self) -> bool:
        return any(
            c.proc.poll() is None for c in self.children if c.state is ChildState.WAITING_FOR_BROKER
        )

    def _step(self, child: Child, now: float) -> SupervisionEvent | None:
        name = child.spec.name
        if child.state is ChildState.GAVE_UP:
            return None
        if child.state is ChildState.WAITING_FOR_BROKER:
            if now >= child.kill_at and child.proc.poll() is None:
                child.proc.kill()
                return SupervisionEvent(
                    "killed",
                    name,
                    f"{name} did not stop within {self.policy.stop_grace_seconds:.0f}s of "
                    "SIGTERM; killed so that the broker can start again",
                )
            return None
        if child.state is ChildState.BACKING_OFF:
            if now < child.restart_at:
                return None
            if name == self.broker and self._clients_still_running():
                return None  # no client of the old broker may ever reach the new one
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
