"""s3 inputSource (uris, prefixes, objects, objectGlob) against moto's S3 server, read with boto3
and the shared S3 settings."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
import httpx
import polars as pl
import pytest
import uvicorn

from mauzo_common.testing.auth import druid_basic
from mauzo_common.testing.components import free_port, wait_until
from mauzo_olap_lite.app import create_app
from mauzo_olap_lite.settings import OlapLiteSettings

pytestmark = pytest.mark.s3
BUCKET = "olap-in"


@pytest.fixture(scope="module")
def s3_druid(s3_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=BUCKET)
    for name, rows in (
        ("processed/ds/t1/part-0.parquet", 2),
        ("processed/ds/t2/part-0.parquet", 3),
    ):
        buffer = io.BytesIO()
        pl.DataFrame(
            {
                "__time": [datetime(2024, 1, 1, i) for i in range(rows)],
                "branch": ["A"] * rows,
                "amount": [1.0] * rows,
            }
        ).write_parquet(buffer)
        client.put_object(Bucket=BUCKET, Key=name, Body=buffer.getvalue())
    client.put_object(Bucket=BUCKET, Key="processed/ds/readme.txt", Body=b"skip me")
    port = free_port()
    settings = OlapLiteSettings(
        data_dir=tmp_path_factory.mktemp("s3olap"),
        olap_lite_port=port,
        s3_endpoint_url=s3_endpoint,
        s3_access_key_id="testing",
        s3_secret_access_key="testing",  # type: ignore[arg-type]
    )
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: _healthy(url), 20, "olap-lite healthy")
    with httpx.Client(auth=druid_basic(), base_url=url, timeout=30) as http:
        yield http
    server.should_exit = True
    thread.join(20)


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/status/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.mark.parametrize(
    ("source", "rows"),
    [
        ({"uris": [f"s3://{BUCKET}/processed/ds/t1/part-0.parquet"]}, 2),
        ({"prefixes": [f"s3://{BUCKET}/processed/ds/"], "objectGlob": "**.parquet"}, 5),
        ({"objects": [{"bucket": BUCKET, "path": "processed/ds/t2/part-0.parquet"}]}, 3),
    ],
)
def test_s3_input_source(
    s3_druid: httpx.Client,
    make_spec: Any,
    unique_name: str,
    source: dict[str, Any],
    rows: int,
    tmp_path: Path,
) -> None:
    body = make_spec(
        unique_name,
        {"type": "s3", **source},
        dimensions=["branch"],
        metrics=[{"type": "doubleSum", "name": "amount", "fieldName": "amount"}],
        append=True,
        tuning={"maxParseExceptions": 0},
    )
    task = s3_druid.post("/druid/indexer/v1/task", json=body).json()["task"]
    wait_until(
        lambda: (
            s3_druid.get(f"/druid/indexer/v1/task/{task}/status").json()["status"]["statusCode"]
            != "RUNNING"
        ),
        30,
        "task done",
    )
    status = s3_druid.get(f"/druid/indexer/v1/task/{task}/status").json()["status"]
    assert status["statusCode"] == "SUCCESS", status
    answer = s3_druid.post(
        "/druid/v2/sql", json={"query": f'SELECT COUNT(*) AS n FROM "{unique_name}"'}
    )
    assert answer.json() == [{"n": rows}]


def test_missing_s3_object_fails_the_task(
    s3_druid: httpx.Client, make_spec: Any, unique_name: str
) -> None:
    body = make_spec(unique_name, {"type": "s3", "uris": [f"s3://{BUCKET}/missing.parquet"]})
    task = s3_druid.post("/druid/indexer/v1/task", json=body).json()["task"]
    wait_until(
        lambda: (
            s3_druid.get(f"/druid/indexer/v1/task/{task}/status").json()["status"]["statusCode"]
            != "RUNNING"
        ),
        30,
        "task done",
    )
    status = s3_druid.get(f"/druid/indexer/v1/task/{task}/status").json()["status"]
    assert status["statusCode"] == "FAILED"
    assert "S3" in status["errorMsg"]
