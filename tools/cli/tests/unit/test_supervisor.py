"""The launcher's restart policy, on real child processes."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import pytest

from mauzo_cli.processes import ServiceSpec
from mauzo_cli.supervisor import ChildState, RestartPolicy, SupervisionEvent, Supervisor

FAST = RestartPolicy(backoff_seconds=0.05, backoff_max_seconds=0.2, max_failures=3)


def python_child(code: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", code])


def spec(name: str, code: str) -> ServiceSpec:
    return ServiceSpec(name, [sys.executable, "-c", code], 0, None)


def run_until(
    supervisor: Supervisor,
    done: Callable[[list[SupervisionEvent]], bool],
    timeout: float = 20,
) -> list[SupervisionEvent]:
    events: list[SupervisionEvent] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events += supervisor.tick(time.monotonic())
        if done(events):
            return events
        time.sleep(0.02)
    raise TimeoutError(f"supervisor never got there; events: {events}")


def spawn(service: ServiceSpec, _restarts: int = 0) -> subprocess.Popen[bytes]:
    return subprocess.Popen(service.command)


@pytest.fixture
def supervisor() -> Iterator[Supervisor]:
    made = Supervisor(spawn, lambda _spec: True, FAST)
    yield made
    for proc in made.processes():
        proc.kill()
        proc.wait()


def test_backoff_doubles_up_to_its_cap() -> None:
    policy = RestartPolicy(backoff_seconds=0.5, backoff_max_seconds=3, max_failures=9)
    assert [policy.delay(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_killed_service_is_restarted_and_becomes_healthy(supervisor: Supervisor) -> None:
    service = spec("validator", "import time; time.sleep(60)")
    first = spawn(service)
    supervisor.adopt(service, first, healthy=True)
    first.send_signal(signal.SIGKILL)

    events = run_until(supervisor, lambda evs: any(e.kind == "healthy" for e in evs))

    assert [e.kind for e in events] == ["exited", "restarted", "healthy"]
    assert "exited with code -9" in events[0].message
    (child,) = supervisor.children
    assert child.state is ChildState.RUNNING
    assert child.restarts == 1
    assert child.proc.pid != first.pid
    assert child.proc.poll() is None
    assert supervisor.snapshot()[0]["restarts"] == 1


def test_crash_loop_is_given_up_on_and_the_others_keep_running() -> None:
    # The looping child dies while starting, before it ever answers its health check.
    supervisor = Supervisor(spawn, lambda service: service.name != "validator", FAST)
    steady = spec("query-api", "import time; time.sleep(60)")
    looping = spec("validator", "raise SystemExit(3)")
    supervisor.adopt(steady, spawn(steady), healthy=True)
    supervisor.adopt(looping, spawn(looping), healthy=False)

    events = run_until(supervisor, lambda evs: any(e.kind == "gave_up" for e in evs))

    looped = [e.kind for e in events if e.service == "validator"]
    assert looped == ["exited", "restarted", "exited", "restarted", "gave_up"]
    assert "crash loop" in events[-1].message
    assert "exit code 3" in events[-1].message
    steady_child, looping_child = supervisor.children
    assert looping_child.state is ChildState.GAVE_UP
    assert looping_child.restarts == 2
    assert steady_child.state is ChildState.RUNNING
    assert steady_child.proc.poll() is None
    # Given up means given up: no further restarts however long the launcher runs.
    time.sleep(0.3)
    assert supervisor.tick(time.monotonic()) == []
    steady_child.proc.kill()
    steady_child.proc.wait()


def test_failures_outside_the_window_do_not_count_towards_giving_up() -> None:
    policy = RestartPolicy(backoff_seconds=0.01, max_failures=2, window_seconds=0.2)
    supervisor = Supervisor(spawn, lambda _spec: True, policy)
    service = spec("spec-builder", "raise SystemExit(1)")
    supervisor.adopt(service, spawn(service), healthy=True)
    run_until(supervisor, lambda evs: [e.kind for e in evs] == ["exited"])
    time.sleep(0.3)  # the first failure leaves the window before the second one happens
    events = run_until(supervisor, lambda evs: [e.kind for e in evs][-1:] == ["exited"])
    assert "gave_up" not in [e.kind for e in events]
    assert supervisor.children[0].state is ChildState.BACKING_OFF


SLEEPER = "import time; time.sleep(60)"
# A client whose shutdown hangs (a consumer committing to a broker that is gone).
DEAF = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"


def test_a_dead_broker_takes_its_clients_down_first_and_brings_them_back_after_it() -> None:
    """Rest-for-one: no client of the old broker is alive when the new one starts (it would
    write into topics the new broker never created), and the clients start once it answers."""
    broker = ServiceSpec("broker", [sys.executable, "-c", SLEEPER], 0, None, uses_broker=False)
    olap = ServiceSpec("olap-lite", [sys.executable, "-c", SLEEPER], 0, None, uses_broker=False)
    consumers = [spec("validator", SLEEPER), spec("task-tracker", DEAF)]
    broker_answers = False
    alive_at_broker_start: list[list[str]] = []

    def spawn_watching(service: ServiceSpec, restarts: int = 0) -> subprocess.Popen[bytes]:
        if service.name == "broker":
            alive_at_broker_start.append(
                [c.spec.name for c in supervisor.children[2:] if c.proc.poll() is None]
            )
        return spawn(service)

    def healthy(service: ServiceSpec) -> bool:
        return service.name != "broker" or broker_answers

    policy = RestartPolicy(backoff_seconds=0.05, stop_grace_seconds=0.5)
    supervisor = Supervisor(spawn_watching, healthy, policy)
    for service in (broker, olap, *consumers):
        supervisor.adopt(service, spawn(service), healthy=True)
    olap_pid = supervisor.children[1].proc.pid
    old_clients = [c.proc for c in supervisor.children[2:]]
    try:
        time.sleep(0.3)  # the deaf one must have set its handler before it is asked to stop
        supervisor.children[0].proc.kill()
        events = run_until(supervisor, lambda evs: any(e.kind == "restarted" for e in evs))

        assert alive_at_broker_start == [[]], "a client of the old broker met the new one"
        assert all(proc.poll() is not None for proc in old_clients)
        assert old_clients[1].returncode == -signal.SIGKILL, "the deaf client was killed"
        stopped = [e.service for e in events if e.kind == "stopped_with_broker"]
        assert stopped == ["validator", "task-tracker"]
        assert [e.service for e in events if e.kind == "killed"] == ["task-tracker"]
        # Back, but not answering yet: the clients wait for it.
        time.sleep(0.2)
        assert supervisor.tick(time.monotonic()) == []
        assert [c.state for c in supervisor.children[2:]] == [ChildState.WAITING_FOR_BROKER] * 2

        broker_answers = True
        events = run_until(
            supervisor, lambda evs: any(e.kind == "restarted_with_broker" for e in evs)
        )
        assert [e.service for e in events if e.kind == "restarted_with_broker"] == [
            "validator",
            "task-tracker",
        ]
        assert supervisor.children[1].proc.pid == olap_pid, "olap-lite keeps no broker state"
        for child, old in zip(supervisor.children[2:], old_clients, strict=True):
            assert child.proc.pid != old.pid
            assert child.proc.poll() is None
            assert child.restarts == 1
    finally:
        for proc in supervisor.processes():
            proc.kill()
            proc.wait()
