"""`mauzo up`: start the broker, olap-lite and the five services, supervise them, stop them all.

Every child gets PR_SET_PDEATHSIG so that even a SIGKILLed launcher leaves no orphan behind,
and shutdown goes in reverse start order (consumers stop before the broker they commit to).
A child that dies later is restarted by the supervisor; `stack.json` in the log directory says
what each child is doing, for `mauzo status`.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import structlog

from mauzo_cli.processes import ServiceSpec, broker_spec, service_specs
from mauzo_cli.settings import LauncherSettings
from mauzo_cli.supervisor import RestartPolicy, SupervisionEvent, Supervisor
from mauzo_common.auth import local_secrets
from mauzo_common.settings import MauzoSettings
from mauzo_common.testing.components import port_open

PR_SET_PDEATHSIG = 1


class StackError(RuntimeError):
    pass


def _die_with_parent() -> None:
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Stack:
    def __init__(self, settings: LauncherSettings, log_dir: Path) -> None:
        self.settings = settings
        self.log_dir = log_dir
        self.children: list[tuple[ServiceSpec, subprocess.Popen[bytes]]] = []
        self.supervisor = Supervisor(
            self._respawn,
            healthy,
            RestartPolicy(
                backoff_seconds=settings.restart_backoff_seconds,
                backoff_max_seconds=settings.restart_backoff_max_seconds,
                max_failures=settings.restart_max_failures,
                window_seconds=settings.restart_window_seconds,
            ),
        )
        self._env: dict[str, str] = {}
        self._log: structlog.typing.FilteringBoundLogger | None = None

    def specs(self) -> list[ServiceSpec]:
        embedded_broker = [] if self.settings.kafka_bootstrap else [broker_spec(self.settings)]
        return embedded_broker + service_specs(self.settings)

    def child_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["MAUZO_KAFKA_BOOTSTRAP"] = self.settings.bootstrap_servers
        env["MAUZO_DATA_DIR"] = str(self.settings.data_dir.resolve())
        env.update(stack_secrets(self.settings))
        # The venv's scripts must be found even when `mauzo` was started by absolute path.
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        return env

    def check_ports_free(self) -> None:
        busy = [s for s in self.specs() if port_open(s.port)]
        if busy:
            names = ", ".join(f"{s.name} ({s.port})" for s in busy)
            raise StackError(
                f"ports already in use: {names}. Stop what holds them, or choose other ports "
                "with MAUZO_<SERVICE>_PORT (see README, Configuration)."
            )

    def start(self, timeout: float = 180) -> None:
        """Start the broker first, then every service at once: none needs another to boot,
        and on a small machine their imports dominate start-up, so overlapping them pays."""
        self.check_ports_free()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._env = self.child_env()
        specs = self.specs()
        first = [s for s in specs if s.name == "broker"]
        for spec in first:
            self._spawn(spec)
            self._wait_healthy([spec], timeout)
        rest = [s for s in specs if s.name != "broker"]
        for spec in rest:
            self._spawn(spec)
        self._wait_healthy(rest, timeout)
        for spec, proc in self.children:
            self.supervisor.adopt(spec, proc, healthy=True)
        self.write_status()

    def _spawn(self, spec: ServiceSpec, restarts: int = 0) -> subprocess.Popen[bytes]:
        command = list(spec.command)
        resolved = shutil.which(command[0], path=self._env["PATH"])
        if resolved is None:
            raise StackError(f"cannot find the {spec.name} command {command[0]!r}; run `uv sync`")
        command[0] = resolved
        log = (self.log_dir / f"{spec.name}.log").open("ab")
        proc = subprocess.Popen(  # noqa: S603 - fixed argument lists, no shell
            command,
            env={**self._env, "MAUZO_RESTART_COUNT": str(restarts)},
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
        log.close()  # the child holds its own descriptor
        self.children.append((spec, proc))
        return proc

    def _respawn(self, spec: ServiceSpec, restarts: int) -> subprocess.Popen[bytes]:
        self.children = [(s, p) for s, p in self.children if s.name != spec.name]
        return self._spawn(spec, restarts)

    def supervise(self) -> list[SupervisionEvent]:
        """Restart what died; logs and returns what happened, and refreshes `stack.json`."""
        events = self.supervisor.tick(time.monotonic())
        for event in events:
            self.launcher_log().info(
                f"service_{event.kind}", service=event.service, message=event.message
            )
        if events:
            self.write_status()
        return events

    def launcher_log(self) -> structlog.typing.FilteringBoundLogger:
        if self._log is None:
            sink = (self.log_dir / "launcher.log").open("a", buffering=1)
            self._log = structlog.wrap_logger(
                structlog.WriteLogger(sink),
                processors=[
                    structlog.processors.add_log_level,
                    structlog.processors.TimeStamper(fmt="iso", utc=True),
                    structlog.processors.JSONRenderer(),
                ],
            )
        return self._log

    @property
    def status_path(self) -> Path:
        return self.log_dir / "stack.json"

    def write_status(self) -> None:
        status = {"launcher_pid": os.getpid(), "services": self.supervisor.snapshot()}
        scratch = self.status_path.with_suffix(".tmp")
        scratch.write_text(json.dumps(status, indent=2))
        scratch.replace(self.status_path)

    def _wait_healthy(self, specs: list[ServiceSpec], timeout: float) -> None:
        procs = {s.name: p for s, p in self.children}
        waiting = list(specs)
        deadline = time.monotonic() + timeout
        while waiting and time.monotonic() < deadline:
            for spec in list(waiting):
                proc = procs[spec.name]
                if proc.poll() is not None:
                    raise StackError(
                        f"{spec.name} exited with code {proc.returncode} while starting; "
                        f"see {self.log_dir / (spec.name + '.log')}"
                    )
                if healthy(spec):
                    waiting.remove(spec)
            time.sleep(0.1)
        if waiting:
            names = ", ".join(s.name for s in waiting)
            raise StackError(f"not healthy within {timeout:.0f}s: {names}; see {self.log_dir}")

    def stop(self, grace: float = 10) -> None:
        for _spec, proc in reversed(self.children):
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + grace
        for _spec, proc in reversed(self.children):
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.children.clear()
        self.status_path.unlink(missing_ok=True)


def stack_secrets(settings: MauzoSettings) -> dict[str, str]:
    """The signing keys and the Druid password every child shares: the operator's own when set
    in the environment, else kept in <data_dir>/secrets (made on the first start)."""
    env: dict[str, str] = {}
    if not settings.auth_keys:
        env["MAUZO_AUTH_KEYS"] = json.dumps(local_secrets.auth_keys(settings.data_dir))
    if settings.druid_password is None:
        env["MAUZO_DRUID_PASSWORD"] = local_secrets.druid_password(settings.data_dir)
    return env


def healthy(spec: ServiceSpec) -> bool:
    if spec.health_path is None:
        return port_open(spec.port)
    try:
        return httpx.get(spec.url + spec.health_path, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def running_stack(settings: LauncherSettings, log_dir: Path) -> Iterator[Stack]:
    """Start the stack; stop it on exit, on Ctrl-C and on SIGTERM alike."""
    stack = Stack(settings, log_dir)

    def on_sigterm(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        stack.start()
        yield stack
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()
        signal.signal(signal.SIGTERM, previous)
