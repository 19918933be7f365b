"""`mauzo up` supervises: a killed service is restarted while the rest serve on."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mauzo_common.testing.components import wait_until
from mauzo_common.testing.stack import RunningStack, start_stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """A stack of its own: killing processes must not disturb the other e2e tests' stack."""
    running = start_stack(tmp_path_factory.mktemp("supervised"))
    # Services answer health a moment before the launcher records that it saw them do so.
    wait_until((running.data_dir / "logs" / "stack.json").exists, 10, "the launcher's record")
    yield running
    assert running.stop() == 0


def supervised(stack: RunningStack) -> dict[str, dict[str, Any]]:
    status = json.loads((stack.data_dir / "logs" / "stack.json").read_text())
    return {s["name"]: s for s in status["services"]}


def test_killed_validator_is_restarted_while_the_rest_keep_serving(
    own_stack: RunningStack, tmp_path: Path
) -> None:
    before = supervised(own_stack)["validator"]
    assert before["state"] == "running"
    assert before["restarts"] == 0

    os.kill(before["pid"], signal.SIGKILL)
    served_meanwhile = []

    def back() -> bool:
        served_meanwhile.append(
            own_stack.http.get(own_stack.url("QUERY_API") + "/api/health").status_code
        )
        after = supervised(own_stack)["validator"]
        return bool(after["state"] == "running" and after["restarts"] == 1)

    wait_until(back, 90, "the validator restarted and healthy")
    assert set(served_meanwhile) == {200}, "query-api stopped serving while the validator was down"
    after = supervised(own_stack)["validator"]
    assert after["pid"] != before["pid"]
    assert after["last_exit_code"] == -9
    assert own_stack.process.poll() is None, "mauzo up must keep running"

    # The restarted validator does its work: a file dropped now is loaded.
    sales = tmp_path / "after_restart.csv"
    sales.write_text(
        "Date,Branch,Product,Quantity,Total\n"
        "2025-03-01 10:00,Nairobi,Soap,2,300\n"
        "2025-03-01 11:00,Mombasa,Salt,1,80\n"
    )
    accepted = own_stack.upload(sales, "supervised")
    assert own_stack.wait_for_task(accepted["task_id"])["state"] == "succeeded"

    shown = subprocess.run(
        [str(Path(sys.executable).parent / "mauzo"), "status"],
        env=own_stack.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert shown.returncode == 0, shown.stdout + shown.stderr
    validator_line = next(line for line in shown.stdout.splitlines() if "validator" in line)
    assert "ok" in validator_line
    assert "running" in validator_line
    columns = [cell.strip() for cell in validator_line.split("│")]
    assert columns[5] == "1"  # restarts
    assert columns[6] == "0"  # consumer lag: it caught up with the file dropped above
    assert "succeeded" in shown.stdout
