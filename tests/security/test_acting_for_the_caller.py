"""query-api calls task-tracker and upload as the user it is serving, not as itself: through
GraphQL an uploader sees only its own tasks and owns what it uploads, exactly as when it calls
those services directly. (query-api's own service token passes every check, so a call made
with it would show an uploader every task.)"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from mauzo_common.auth.principal import Principal, Role
from mauzo_common.testing.auth import bearer, principal
from mauzo_common.testing.auth import test_tokens as signing_tokens
from mauzo_common.testing.components import free_port
from mauzo_common.testing.services import service_process
from mauzo_query_api.app import create_app
from mauzo_query_api.settings import QueryApiSettings

pytestmark = pytest.mark.kafka

CSV = b"time,branch,product,product_line,salesperson,customer,invoice_id,quantity,amount,cost\n"
CSV += b"2024-05-01 10:00:00,Mombasa,Bread,Bakery,Kamau,Customer 01,INV-1,2,120.00,80.00\n"
UPLOAD = """mutation($file: Upload!, $ds: String) {
  uploadSalesData(file: $file, datasource: $ds) { taskId } }"""
TASKS = """query($ds: String, $id: String!) {
  ingestionTasks(datasource: $ds) { taskId } ingestionTask(taskId: $id) { taskId } }"""


@pytest.fixture(scope="module")
def tracker(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("task-tracker")
    env = {
        "MAUZO_DATA_DIR": str(data_dir),
        "MAUZO_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "MAUZO_DRUID_OVERLORD_URL": f"http://127.0.0.1:{free_port()}",  # nothing is loaded
    }
    with service_process("task-tracker", env, data_dir / "task-tracker.log") as url:
        yield url


@pytest.fixture(scope="module")
def upload(
    kafka_bootstrap: str, tracker: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("upload")
    env = {
        "MAUZO_DATA_DIR": str(data_dir),
        "MAUZO_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "MAUZO_TASK_TRACKER_URL": tracker,
    }
    with service_process("upload", env, data_dir / "upload.log") as url:
        yield url


@pytest.fixture
async def query_api(tracker: str, upload: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = QueryApiSettings(
        task_tracker_url=tracker,
        upload_url=upload,
        druid_router_url=f"http://127.0.0.1:{free_port()}",
        consume_events=False,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://query-api") as client:
            yield client


def as_user(subject: str, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {signing_tokens().issue(principal(role, subject=subject))}"}


def register(tracker: str, datasource: str, owner: str) -> str:
    """What upload does after receiving a file: register the task, naming its uploader."""
    task_id = uuid.uuid4().hex
    service = signing_tokens().issue(Principal("service:upload", Role.ADMIN, "service"))
    response = httpx.post(
        f"{tracker}/api/ingest/tasks",
        json={
            "task_id": task_id,
            "datasource": datasource,
            "file_name": "sales.csv",
            "object_key": f"uploads/{datasource}/{task_id}/sales.csv",
            "size_bytes": 12,
            "sha256": "ab" * 32,
            "owner": owner,
        },
        headers={"Authorization": f"Bearer {service}"},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return task_id


async def gql(
    client: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any
) -> dict[str, Any]:
    answer = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    return dict(answer.json())


async def test_an_uploader_sees_only_its_own_tasks_through_graphql(
    query_api: httpx.AsyncClient, tracker: str, unique_name: str
) -> None:
    alice, bob = f"alice-{unique_name}", f"bob-{unique_name}"
    hers, his = register(tracker, unique_name, alice), register(tracker, unique_name, bob)

    as_alice = as_user(alice, Role.UPLOADER)
    mine = (await gql(query_api, as_alice, TASKS, ds=unique_name, id=his))["data"]
    assert [t["taskId"] for t in mine["ingestionTasks"]] == [hers]
    assert mine["ingestionTask"] is None  # bob's task does not exist for alice

    everything = (await gql(query_api, bearer(Role.ADMIN), TASKS, ds=unique_name, id=his))["data"]
    assert {t["taskId"] for t in everything["ingestionTasks"]} == {hers, his}
    assert everything["ingestionTask"] == {"taskId": his}


async def test_a_graphql_upload_is_owned_by_the_uploader_not_by_query_api(
    query_api: httpx.AsyncClient, tracker: str, unique_name: str
) -> None:
    carol = f"carol-{unique_name}"
    operations = {"query": UPLOAD, "variables": {"file": None, "ds": unique_name}}
    answer = await query_api.post(
        "/graphql",
        headers={**as_user(carol, Role.UPLOADER), "apollo-require-preflight": "true"},
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": ("sales.csv", CSV, "text/csv")},
    )
    body = answer.json()
    assert "errors" not in body, body
    task_id = body["data"]["uploadSalesData"]["taskId"]
    async with httpx.AsyncClient(base_url=tracker, headers=bearer(Role.ADMIN)) as admin:
        status = await admin.get(f"/api/ingest/status/{task_id}")
    assert status.json()["owner"] == carol
    # And carol finds it through GraphQL, as its owner.
    found = await gql(query_api, as_user(carol, Role.UPLOADER), TASKS, ds=unique_name, id=task_id)
    assert found["data"]["ingestionTask"] == {"taskId": task_id}


AUDIT = """query($actor: String) {
  auditLog(actor: $actor, limit: 10) { actor actorKind action target outcome detail } }"""


async def test_admins_read_the_audit_log_through_graphql_and_no_one_else_does(
    query_api: httpx.AsyncClient, tracker: str, unique_name: str
) -> None:
    dave = f"dave-{unique_name}"
    task_id = register(tracker, unique_name, dave)

    answer = await gql(query_api, bearer(Role.ADMIN), AUDIT, actor=dave)
    assert "errors" not in answer, answer
    records = answer["data"]["auditLog"]
    assert [(r["action"], r["target"], r["outcome"]) for r in records] == [
        ("task.upload", task_id, "ok")
    ]
    assert records[0]["detail"]["datasource"] == unique_name

    for role in (Role.VIEWER, Role.UPLOADER):
        refused = await gql(query_api, as_user(dave, role), AUDIT, actor=dave)
        assert refused["data"] is None
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
