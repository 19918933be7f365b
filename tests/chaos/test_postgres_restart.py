"""PostgreSQL (the task database in cluster-style runs) crashes and comes back during a 20-file
run: every task still ends, and the OLAP holds every row exactly once.

The machine's own PostgreSQL serves other tests, so this one starts a PostgreSQL of its own
(initdb as the `postgres` user on a free port) and restarts that one in immediate mode, as a
crash would stop it."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FAST_RECOVERY
from workload import all_terminal, drop_until_accepted, states, totals, write_workload

from mauzo_common.testing.components import free_port, wait_until
from mauzo_common.testing.stack import start_stack

pytestmark = [pytest.mark.e2e, pytest.mark.chaos, pytest.mark.postgres]


def as_postgres(*command: str) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, timeout=120)


@pytest.fixture
def own_postgres() -> Iterator[tuple[str, Path, int]]:
    if not (shutil.which("initdb") and shutil.which("runuser")):
        pytest.skip("needs PostgreSQL's initdb and runuser to start a PostgreSQL of its own")
    # Outside pytest's temporary root, which only root may enter.
    data = Path(tempfile.mkdtemp(prefix="mauzo-chaos-pg-"))
    shutil.chown(data, "postgres")
    port = free_port()
    as_postgres("initdb", "-D", str(data), "-A", "trust", "-U", "postgres")
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {data}"
    as_postgres("pg_ctl", "-D", str(data), "-o", options, "-l", str(data / "log"), "-w", "start")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres", data, port
    finally:
        as_postgres("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(data, ignore_errors=True)


def test_a_postgresql_crash_mid_run_loses_and_doubles_nothing(
    own_postgres: tuple[str, Path, int], tmp_path: Path
) -> None:
    url, data, port = own_postgres
    stack = start_stack(tmp_path / "stack", {**FAST_RECOVERY, "MAUZO_DATABASE_URL": url})
    try:
        work = write_workload(tmp_path / "files", "pgcrash")
        task_ids = []
        for number, path in enumerate(work.files):
            if number == 5:
                options = f"-p {port} -c listen_addresses=127.0.0.1 -k {data}"
                as_postgres("pg_ctl", "-D", str(data), "-m", "immediate", "-o", options,
                            "-w", "restart")  # fmt: skip
            task_ids.append(drop_until_accepted(stack, path, "chaos_postgres", timeout=120))

        wait_until(lambda: all_terminal(stack, task_ids), 120, "every task terminal")
        ended = states(stack, task_ids)
        assert {s["state"] for s in ended.values()} == {"succeeded"}, ended
        assert totals(stack, "chaos_postgres") == (work.lines, work.units, work.revenue_cents)
    finally:
        assert stack.stop() == 0
