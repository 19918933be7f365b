"""During a 20-file run, each process of the stack in turn is killed with SIGKILL, as the OOM
killer would: every task ends within 2 minutes and the OLAP holds every row exactly once."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from workload import all_terminal, drop_until_accepted, states, totals, write_workload

from mauzo_common.testing.components import wait_until
from mauzo_common.testing.stack import RunningStack

pytestmark = [pytest.mark.e2e, pytest.mark.chaos]

# The broker last: it takes every consumer's connection with it.
VICTIMS = ("upload", "validator", "spec-builder", "task-tracker", "olap-lite", "broker")
OUTCOMES: dict[str, dict[str, Any]] = {}


def supervised(stack: RunningStack) -> dict[str, dict[str, Any]]:
    status = json.loads((stack.data_dir / "logs" / "stack.json").read_text())
    return {s["name"]: s for s in status["services"]}


@pytest.mark.parametrize("victim", VICTIMS)
def test_a_killed_process_loses_and_doubles_nothing(
    chaos_stack: RunningStack, victim: str, tmp_path: Path
) -> None:
    datasource = f"chaos_{victim.replace('-', '_')}"
    work = write_workload(tmp_path, victim.replace("-", ""))
    restarts_before = supervised(chaos_stack)[victim]["restarts"]
    task_ids: list[str] = []
    killed = threading.Event()

    def kill_after_five() -> None:
        wait_until(lambda: len(task_ids) >= 5, 120, "five files accepted")
        os.kill(supervised(chaos_stack)[victim]["pid"], signal.SIGKILL)
        killed.set()

    killer = threading.Thread(target=kill_after_five, daemon=True)
    killer.start()
    started = time.monotonic()
    for path in work.files:
        task_ids.append(drop_until_accepted(chaos_stack, path, datasource, timeout=120))
    killer.join(10)
    assert killed.is_set()

    wait_until(lambda: all_terminal(chaos_stack, task_ids), 120, "every task terminal")
    elapsed = time.monotonic() - started
    ended = states(chaos_stack, task_ids)
    by_state: dict[str, int] = {}
    for status in ended.values():
        by_state[status["state"]] = by_state.get(status["state"], 0) + 1
    rows, units, cents = totals(chaos_stack, datasource)
    OUTCOMES[victim] = {"states": by_state, "seconds": round(elapsed, 1), "rows": rows}
    print(f"chaos {victim}: {OUTCOMES[victim]}")  # noqa: T201 - the note's outcome table

    assert len(set(task_ids)) == len(work.files), "each file is its own task"
    assert by_state == {"succeeded": len(work.files)}, ended
    assert (rows, units, cents) == (work.lines, work.units, work.revenue_cents)
    assert supervised(chaos_stack)[victim]["restarts"] == restarts_before + 1
    wait_until(chaos_stack.all_healthy, 60, "every service healthy again")
