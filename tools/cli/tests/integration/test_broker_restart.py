"""The embedded broker killed under a client that keeps writing: once the supervisor has
brought both back, the new broker holds only what clients started after it wrote.

A client that outlived the broker would still know the old broker's topics and write into them
before the new broker created them; Tansu keeps those batches but starts the topic's offsets at
0 when it creates it, so later writes collide with them (`UnknownError`) and readers get the old
client's records in place of the new ones.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer

from mauzo_cli.processes import ServiceSpec
from mauzo_cli.supervisor import RestartPolicy, SupervisionEvent, Supervisor
from mauzo_common.testing.components import free_port, port_open, tansu_command, wait_until

pytestmark = pytest.mark.kafka
TOPIC = "mauzo.restart-probe.v1"

# Writes keyless records (spread over every partition) tagged with its pid, as fast as the
# broker takes them, and logs each outcome: "ok <pid>" or the error's class name. Like a
# service, it takes a while to stop (in-flight work) after SIGTERM, and writes meanwhile.
# It stops cleanly, between two writes, once `<log>.stop` exists: a kill could land between an
# acknowledged write and its log line, and the count would be one short.
WRITER = """
import asyncio, os, signal, sys
from aiokafka import AIOKafkaProducer

async def main(bootstrap, topic, log):
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, lambda: loop.call_later(1.5, os._exit, 0))
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, request_timeout_ms=2000)
    while True:
        try:
            await producer.start()
            break
        except Exception:
            await asyncio.sleep(0.1)
    with open(log, "a", buffering=1) as out:
        while not os.path.exists(log + ".stop"):
            try:
                await producer.send_and_wait(topic, str(os.getpid()).encode())
                out.write(f"ok {os.getpid()}\\n")
            except Exception as exc:
                out.write(f"{type(exc).__name__} {os.getpid()}\\n")
            await asyncio.sleep(0.02)
    await producer.stop()

asyncio.run(main(*sys.argv[1:]))
"""


def run_until(
    supervisor: Supervisor, kind: str, service: str, timeout: float = 60
) -> list[SupervisionEvent]:
    events: list[SupervisionEvent] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events += supervisor.tick(time.monotonic())
        if any(e.kind == kind and e.service == service for e in events):
            return events
        time.sleep(0.05)
    raise TimeoutError(f"no {kind} of {service}; events: {events}")


@pytest.fixture
def supervised(tmp_path: Path) -> Iterator[tuple[Supervisor, str, Path]]:
    port = free_port()
    bootstrap = f"127.0.0.1:{port}"
    log = tmp_path / "writes.log"
    broker = ServiceSpec("broker", tansu_command(port), port, None, uses_broker=False)
    writer = ServiceSpec(
        "upload", [sys.executable, "-c", WRITER, bootstrap, TOPIC, str(log)], 0, None
    )

    def spawn(service: ServiceSpec, _restarts: int = 0) -> subprocess.Popen[bytes]:
        return subprocess.Popen(service.command, stderr=subprocess.DEVNULL)

    def healthy(service: ServiceSpec) -> bool:
        return service is writer or port_open(port)

    supervisor = Supervisor(spawn, healthy, RestartPolicy(backoff_seconds=0.05))
    supervisor.adopt(broker, spawn(broker), healthy=False)
    wait_until(lambda: port_open(port), 20, "Tansu up")
    supervisor.adopt(writer, spawn(writer), healthy=True)
    try:
        yield supervisor, bootstrap, log
    finally:
        for proc in supervisor.processes():
            proc.kill()
            proc.wait()


async def records_in(bootstrap: str) -> list[str]:
    consumer = AIOKafkaConsumer(
        TOPIC, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    found: list[str] = []
    try:
        while batch := await consumer.getmany(timeout_ms=1500):
            found += [r.value.decode() for records in batch.values() for r in records]
    finally:
        await consumer.stop()
    return found


def test_no_write_of_the_old_brokers_clients_reaches_the_new_broker(
    supervised: tuple[Supervisor, str, Path],
) -> None:
    supervisor, bootstrap, log = supervised
    writer = supervisor.children[1]
    old_pid = writer.proc.pid
    wait_until(lambda: log.exists() and log.read_text().count("ok") >= 20, 30, "writes")

    supervisor.children[0].proc.send_signal(signal.SIGKILL)
    run_until(supervisor, "restarted_with_broker", "upload")
    new_pid = writer.proc.pid
    wait_until(lambda: f"ok {new_pid}" in log.read_text(), 30, "the new writer's writes")
    time.sleep(1)
    # Stop writing, so what was acknowledged and logged is what the broker holds.
    log.with_name(log.name + ".stop").touch()
    writer.proc.wait(30)

    outcomes = log.read_text().splitlines()
    refused = [line for line in outcomes if line.startswith("UnknownError")]
    assert refused == [], "the new broker refused writes (they collided with stale batches)"
    held = asyncio.run(records_in(bootstrap))
    assert str(old_pid) not in held, "a client of the old broker wrote into the new one"
    assert len(held) == outcomes.count(f"ok {new_pid}"), "every acknowledged write, only those"
