"""Ingestion through GraphQL: task status from a real task-tracker, uploads streamed on to a
real upload service, and the CSRF guard on multipart requests."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mauzo_common.auth.principal import Role
from mauzo_common.testing.auth import auth
from mauzo_common.testing.components import free_port
from mauzo_common.testing.services import service_process
from mauzo_query_api.settings import QueryApiSettings

ADMIN = auth(Role.ADMIN)  # re-mints: a module's tests outlive one access token
pytestmark = pytest.mark.kafka

TASK_FIELDS = """taskId datasource state fileName sizeBytes sha256 rowsValidated rowsIngested
  druidTaskId error { code message hint } createdAt updatedAt history { state at }"""
UPLOAD = """mutation($file: Upload!, $ds: String) {
  uploadSalesData(file: $file, datasource: $ds) { taskId statusUrl status } }"""
CSV = b"time,branch,product,product_line,salesperson,customer,invoice_id,quantity,amount,cost\n"
CSV += b"2024-05-01 10:00:00,Mombasa,Bread,Bakery,Kamau,Customer 01,INV-1,2,120.00,80.00\n"


@pytest.fixture(scope="module")
def task_tracker(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("task-tracker")
    env = {
        "MAUZO_DATA_DIR": str(data_dir),
        "MAUZO_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "MAUZO_HOST": "127.0.0.1",
        # Nothing is submitted in these tests; an unused port keeps the follower harmless.
        "MAUZO_DRUID_OVERLORD_URL": f"http://127.0.0.1:{free_port()}",
    }
    with service_process("task-tracker", env, data_dir / "task-tracker.log") as url:
        yield url


@pytest.fixture(scope="module")
def uploader(
    kafka_bootstrap: str, task_tracker: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("upload")
    env = {
        "MAUZO_DATA_DIR": str(data_dir),
        "MAUZO_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "MAUZO_TASK_TRACKER_URL": task_tracker,
        "MAUZO_HOST": "127.0.0.1",
    }
    with service_process("upload", env, data_dir / "upload.log") as url:
        yield url


def settings_for(tracker: str, uploader: str = "") -> QueryApiSettings:
    return QueryApiSettings(
        task_tracker_url=tracker,
        upload_url=uploader or f"http://127.0.0.1:{free_port()}",
        druid_router_url=f"http://127.0.0.1:{free_port()}",
        consume_events=False,
    )


async def gql(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    return dict(response.json())


def multipart(datasource: str, name: str, data: bytes) -> dict[str, Any]:
    operations = {"query": UPLOAD, "variables": {"file": None, "ds": datasource}}
    return {
        "data": {
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.file"]}),
        },
        "files": {"0": (name, data, "text/csv")},
    }


def register(tracker: str, datasource: str) -> dict[str, Any]:
    task_id = uuid.uuid4().hex
    body = {
        "task_id": task_id,
        "datasource": datasource,
        "file_name": "sales.csv",
        "object_key": f"uploads/{datasource}/{task_id}/sales.csv",
        "size_bytes": len(CSV),
        "sha256": hashlib.sha256(CSV).hexdigest(),
    }
    response = httpx.post(f"{tracker}/api/ingest/tasks", json=body, timeout=10, auth=ADMIN)
    assert response.status_code == 201, response.text
    return body


async def test_task_status_and_list_come_from_the_tracker(serve, task_tracker, unique_name):
    datasource = f"ing_{unique_name}"
    first, second = register(task_tracker, datasource), register(task_tracker, datasource)
    register(task_tracker, f"other_{unique_name}")
    query = f"""query($id: String!, $ds: String) {{ ingestionTask(taskId: $id) {{ {TASK_FIELDS} }}
      ingestionTasks(datasource: $ds, state: RECEIVED, limit: 10) {{ taskId datasource }}
      missing: ingestionTask(taskId: "{uuid.uuid4().hex}") {{ taskId }} }}"""
    async with serve(settings_for(task_tracker)) as (_, client):
        data = (await gql(client, query, id=first["task_id"], ds=datasource))["data"]
        again = (await gql(client, query, id=first["task_id"], ds=datasource))["data"]
    task = data["ingestionTask"]
    assert task["taskId"] == first["task_id"]
    assert task["datasource"] == datasource
    assert task["state"] == "received"
    assert (task["fileName"], task["sizeBytes"], task["sha256"]) == (
        "sales.csv",
        len(CSV),
        first["sha256"],
    )
    assert task["error"] is None
    assert [h["state"] for h in task["history"]] == ["received"]
    assert {t["taskId"] for t in data["ingestionTasks"]} == {first["task_id"], second["task_id"]}
    assert data["missing"] is None
    assert again == data  # fetched again, not from a stale cache


async def test_bad_task_id_and_unreachable_tracker_are_coded_errors(serve, task_tracker):
    async with serve(settings_for(task_tracker)) as (_, client):
        bad = await gql(client, '{ ingestionTask(taskId: "../../etc") { taskId } }')
    async with serve(settings_for(f"http://127.0.0.1:{free_port()}")) as (_, client):
        down = await gql(client, "{ ingestionTasks { taskId } }")
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert down["errors"][0]["extensions"]["code"] == "TASK_TRACKER_UNAVAILABLE"
    assert "requestId" in down["errors"][0]["extensions"]


async def test_upload_without_a_preflight_header_is_refused(serve, task_tracker):
    async with serve(settings_for(task_tracker)) as (_, client):
        response = await client.post("/graphql", **multipart("sales", "sales.csv", CSV))
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_PREFLIGHT_REQUIRED"


async def test_upload_with_the_upload_service_down_is_a_coded_error(serve, task_tracker):
    async with serve(settings_for(task_tracker)) as (_, client):
        response = await client.post(
            "/graphql",
            headers={"apollo-require-preflight": "true"},
            **multipart("sales", "sales.csv", CSV),
        )
    assert response.json()["errors"][0]["extensions"]["code"] == "UPLOAD_UNAVAILABLE"


async def test_upload_is_streamed_to_the_upload_service_and_tracked(
    serve, task_tracker, uploader, unique_name
):
    datasource = f"up_{unique_name}"
    big = CSV + CSV.splitlines(keepends=True)[1] * 40_000  # ~3 MB: spooled to disk, streamed
    async with serve(settings_for(task_tracker, uploader)) as (_, client):
        response = await client.post(
            "/graphql",
            headers={"apollo-require-preflight": "true"},
            **multipart(datasource, "sales.csv", big),
        )
        body = response.json()
        assert "errors" not in body, body
        receipt = body["data"]["uploadSalesData"]
        status = await gql(
            client,
            f"query($id: String!) {{ ingestionTask(taskId: $id) {{ {TASK_FIELDS} }} }}",
            id=receipt["taskId"],
        )
    assert receipt["status"] == "received"
    assert receipt["statusUrl"] == f"{task_tracker}/api/ingest/status/{receipt['taskId']}"
    task = status["data"]["ingestionTask"]
    assert task["datasource"] == datasource
    assert task["fileName"] == "sales.csv"
    assert task["sizeBytes"] == len(big)
    assert task["sha256"] == hashlib.sha256(big).hexdigest()


async def test_streams_come_from_the_tracker(serve, task_tracker, kafka_bootstrap, unique_name):
    from mauzo_common.events import Envelope, StreamBatchProcessed, stream_upload_id
    from mauzo_common.messaging import make_broker, publish

    batch = StreamBatchProcessed(
        datasource=unique_name, records=10, valid=7, rejected=2, duplicate=1
    )
    broker = make_broker(QueryApiSettings(kafka_bootstrap=kafka_bootstrap))
    async with broker:
        await broker.start()
        envelope = Envelope.wrap(batch, task_id=stream_upload_id(unique_name), producer="test")
        await publish(broker, envelope)
    query = """query($ds: String) { streams(datasource: $ds) {
      datasource topic state recordsIn valid rejected duplicate loaded lag rate } }"""
    async with serve(settings_for(task_tracker)) as (_, client):
        for _ in range(300):
            body = (
                await client.post(
                    "/graphql", json={"query": query, "variables": {"ds": unique_name}}
                )
            ).json()
            assert "errors" not in body, body
            if body["data"]["streams"]:
                break
            await asyncio.sleep(0.1)
    [stream] = body["data"]["streams"]
    assert (stream["recordsIn"], stream["valid"], stream["rejected"], stream["duplicate"]) == (
        10, 7, 2, 1,
    )  # fmt: skip
    assert stream["topic"] == f"mauzo.sales-clean.{unique_name}.v1"
