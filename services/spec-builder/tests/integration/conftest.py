"""Real components for spec-builder: olap-lite as the Overlord, started as its own process."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mauzo_common.testing.components import free_port, wait_until

OLAP_LITE_START_SECONDS = 30.0


def _healthy(url: str) -> bool:
    try:
        response = httpx.get(f"{url}/status/health", timeout=1.0)
    except httpx.TransportError:
        return False
    return response.status_code == 200 and response.json() is True


@pytest.fixture(scope="session")
def olap_lite(tmp_path_factory: pytest.TempPathFactory, s3_endpoint: str) -> Iterator[str]:
    """olap-lite (`mauzo-olap-lite`) on a free port, reading local files and moto's S3.

    Skips, saying why, while olap-lite is not built or does not come up healthy.
    MAUZO_TEST_OVERLORD_URL points the tests at an Overlord-compatible server already running
    (it must reach this machine's files and the moto endpoint given to it).
    """
    running = os.environ.get("MAUZO_TEST_OVERLORD_URL")
    if running:
        if not _healthy(running):
            pytest.skip(f"MAUZO_TEST_OVERLORD_URL={running} does not answer /status/health")
        yield running.rstrip("/")
        return
    if importlib.util.find_spec("mauzo_olap_lite.__main__") is None:
        pytest.skip("olap-lite is not available yet: mauzo_olap_lite.__main__ does not exist")
    script = shutil.which("mauzo-olap-lite") or str(
        Path(sys.executable).with_name("mauzo-olap-lite")
    )
    port = free_port()
    data_dir = tmp_path_factory.mktemp("olap-lite")
    log_path = data_dir / "olap-lite.log"
    env = {
        **os.environ,
        "MAUZO_OLAP_LITE_PORT": str(port),
        "MAUZO_DATA_DIR": str(data_dir),
        "MAUZO_S3_ENDPOINT_URL": s3_endpoint,
        "MAUZO_S3_ACCESS_KEY_ID": "testing",
        "MAUZO_S3_SECRET_ACCESS_KEY": "testing",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        proc = subprocess.Popen([script], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        if not _wait_healthy(proc, url):
            tail = log_path.read_text(errors="replace")[-1500:]
            pytest.skip(
                f"olap-lite did not become healthy on {url} within {OLAP_LITE_START_SECONDS:.0f}s "
                f"(exit code {proc.poll()}); log tail:\n{tail}"
            )
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _wait_healthy(proc: subprocess.Popen[bytes], url: str) -> bool:
    try:
        wait_until(
            lambda: proc.poll() is not None or _healthy(url),
            OLAP_LITE_START_SECONDS,
            f"olap-lite health on {url}",
        )
    except TimeoutError:
        return False
    return proc.poll() is None
