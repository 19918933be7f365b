"""The object store's disk fills up during a run: every refusal says so clearly, every task ends,
and the OLAP holds each upload whole or not at all."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import FAST_RECOVERY
from workload import LINES, all_terminal, states, write_workload

from mauzo_common.testing.components import wait_until
from mauzo_common.testing.stack import start_stack

pytestmark = [pytest.mark.e2e, pytest.mark.chaos]
DATASOURCE = "chaos_disk_full"


@pytest.fixture
def small_disk() -> Iterator[Path]:
    """A 1 MB tmpfs: room for a few uploads and their validated outputs, then no more."""
    mount_point = Path(tempfile.mkdtemp(prefix="mauzo-chaos-disk-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        mount_point.rmdir()
        pytest.skip(f"cannot mount a small tmpfs to fill up: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=False)
        mount_point.rmdir()


def test_a_full_disk_refuses_clearly_and_loads_nothing_by_halves(
    small_disk: Path, tmp_path: Path
) -> None:
    stack = start_stack(
        tmp_path / "stack",
        {
            **FAST_RECOVERY,
            "MAUZO_OBJECT_STORE_ROOT": str(small_disk / "objects"),
            "MAUZO_WORK_DIR": str(small_disk / "work"),
            "MAUZO_KAFKA_MAX_RETRIES": "1",
        },
    )
    try:
        files = [
            path
            for round_ in range(3)  # 60 different files of ~15 kB for 1 MB
            for path in write_workload(tmp_path / f"files{round_}", f"full{round_}").files
        ]
        accepted, refusals = [], []
        for path in files:
            response = httpx.post(
                stack.url("UPLOAD") + "/api/ingest/upload",
                data={"datasource": DATASOURCE},
                files={"file": (path.name, path.read_bytes(), "text/csv")},
                timeout=60,
                auth=stack.auth,
            )
            if response.status_code == 202:
                accepted.append(response.json()["task_id"])
            else:
                refusals.append(response)
        assert refusals, "the disk never filled up: make the tmpfs smaller"
        for refusal in refusals:
            assert refusal.status_code == 507, refusal.text
            error = refusal.json()["error"]
            assert error["code"] == "storage_full"
            assert "disk is full" in error["message"]
            assert error["hint"]

        wait_until(lambda: all_terminal(stack, accepted), 120, "every accepted task terminal")
        ended = states(stack, accepted)
        for status in ended.values():
            assert status["state"] == "succeeded" or status["error"]["code"] == "storage_full", (
                status
            )
        loaded = stack.sql(
            f'SELECT upload_id, COUNT(*) AS n FROM "{DATASOURCE}" GROUP BY upload_id'
        )
        rows_by_upload = {row["upload_id"]: row["n"] for row in loaded}
        succeeded = {t for t, s in ended.items() if s["state"] == "succeeded"}
        assert set(rows_by_upload) == succeeded, "a failed upload left rows, or a success none"
        assert set(rows_by_upload.values()) <= {LINES}, "an upload was loaded by halves"
    finally:
        assert stack.stop() == 0
