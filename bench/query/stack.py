"""Start olap-lite and query-api as real processes and load a Parquet file via the Overlord."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import polars as pl

from mauzo_common.auth.principal import Role
from mauzo_common.testing.auth import auth, druid_basic, install_test_keys

ADMIN = auth(Role.ADMIN)  # re-mints: a benchmark outlives one access token
DRUID = druid_basic()  # olap-lite's Basic login, as the services present it


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait(url: str, timeout: float, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {proc.returncode}")
        try:
            credentials = DRUID if url.endswith("/status/health") else ADMIN
            if httpx.get(url, timeout=1, auth=credentials).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(url)


@contextmanager
def process(
    script: str,
    health: str,
    port: int,
    env: dict[str, str],
    log: Path,
    pids: dict[str, int] | None = None,
) -> Iterator[str]:
    """The started process's URL; its pid goes into `pids` under that URL when asked."""
    command = shutil.which(script)
    install_test_keys()  # the processes verify the tokens this script mints
    if command is None:
        raise SystemExit(f"{script} is not installed (run `uv sync`)")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [command], env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT
        )
        url = f"http://127.0.0.1:{port}"
        if pids is not None:
            pids[url] = proc.pid
        try:
            wait(url + health, 120, proc)
            yield url
        finally:
            proc.terminate()
            proc.wait(30)


@contextmanager
def olap_lite(data_dir: Path, pids: dict[str, int] | None = None, **extra: str) -> Iterator[str]:
    port = free_port()
    env = {"MAUZO_OLAP_LITE_PORT": str(port), "MAUZO_DATA_DIR": str(data_dir), **extra}
    log = data_dir / "olap.log"
    with process("mauzo-olap-lite", "/status/health", port, env, log, pids) as url:
        yield url


@contextmanager
def query_api(router: str, datasource: str, log: Path, **extra: str) -> Iterator[str]:
    port = free_port()
    env = {
        "MAUZO_QUERY_API_PORT": str(port),
        "MAUZO_DRUID_ROUTER_URL": router,
        "MAUZO_DEFAULT_DATASOURCE": datasource,
        "MAUZO_CONSUME_EVENTS": "false",
        "MAUZO_LOG_LEVEL": "WARNING",
        **extra,
    }
    with process("mauzo-query-api", "/api/health", port, env, log) as url:
        yield url


def load(
    overlord: str, datasource: str, parquet: Path | list[Path], timeout: float = 1800
) -> float:
    """Index the Parquet into `datasource`; returns the seconds the task took."""
    files = parquet if isinstance(parquet, list) else [parquet]
    schema = pl.read_parquet_schema(files[0])
    spec: dict[str, Any] = {
        "type": "index_parallel",
        "spec": {
            "dataSchema": {
                "dataSource": datasource,
                "timestampSpec": {"column": "__time", "format": "auto"},
                "dimensionsSpec": {
                    "dimensions": [
                        {"type": "string", "name": c} for c, t in schema.items() if t == pl.String
                    ]
                },
                "metricsSpec": [
                    {"type": "doubleSum", "name": c, "fieldName": c}
                    for c, t in schema.items()
                    if t == pl.Float64
                ],
                "granularitySpec": {
                    "type": "uniform",
                    "segmentGranularity": "day",
                    "queryGranularity": "none",
                    "rollup": False,
                    "intervals": ["2000-01-01/2100-01-01"],
                },
            },
            "ioConfig": {
                "type": "index_parallel",
                "inputSource": {"type": "local", "files": [str(f.resolve()) for f in files]},
                "inputFormat": {"type": "parquet"},
                "appendToExisting": True,
            },
            "tuningConfig": {"type": "index_parallel", "partitionsSpec": {"type": "dynamic"}},
        },
    }
    started = time.monotonic()
    submitted = httpx.post(f"{overlord}/druid/indexer/v1/task", json=spec, timeout=60, auth=DRUID)
    task = submitted.json()["task"]
    deadline = started + timeout
    while time.monotonic() < deadline:
        status = httpx.get(
            f"{overlord}/druid/indexer/v1/task/{task}/status", timeout=30, auth=DRUID
        ).json()
        code = status["status"]["statusCode"]
        if code == "SUCCESS":
            return time.monotonic() - started
        if code == "FAILED":
            raise RuntimeError(f"ingestion failed: {status}")
        time.sleep(0.5)
    raise TimeoutError("ingestion")
