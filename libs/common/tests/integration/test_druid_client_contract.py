"""The Druid client's contract, run against a real olap-lite process (and a Druid router when
MAUZO_TEST_DRUID_URL names one): tasks, "already exists", status and reports, SQL with
parameters, metadata, supervisors on the Tansu broker, and Druid's error bodies."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from mauzo_common.druid.answers import TaskStatus
from mauzo_common.druid.client import DruidClient, SqlParameter
from mauzo_common.druid.errors import DruidRefused
from mauzo_common.druid.transport import Retry
from mauzo_common.testing.auth import druid_basic

DRUID_URL = os.environ.get("MAUZO_TEST_DRUID_URL", "")
SALES = [
    {"time": "2024-03-01T08:00:00Z", "branch": "Nairobi", "gross_revenue": 100.0},
    {"time": "2024-03-01T09:30:00Z", "branch": "Mombasa", "gross_revenue": 40.5},
    {"time": "2024-03-02T10:00:00Z", "branch": "Nairobi", "gross_revenue": 12.25},
]


@pytest.fixture(params=["olap-lite", "druid"])
def router_url(request: pytest.FixtureRequest) -> str:
    if request.param == "druid":
        if not DRUID_URL:
            pytest.skip("no Druid router: set MAUZO_TEST_DRUID_URL to run the suite on one")
        return DRUID_URL
    url: str = request.getfixturevalue("olap_lite_url")
    return url


@pytest.fixture
async def druid(router_url: str) -> AsyncIterator[DruidClient]:
    async with httpx.AsyncClient() as http:
        yield DruidClient(
            http,
            overlord_url=router_url,
            router_url=router_url,
            retry=Retry(retries=2, backoff=0.05),
            timeout=30,
            auth=druid_basic(),
        )


def inline_load(task_id: str, datasource: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "index_parallel",
        "id": task_id,
        "spec": {
            "dataSchema": {
                "dataSource": datasource,
                "timestampSpec": {"column": "time", "format": "iso"},
                "dimensionsSpec": {"dimensions": ["branch"]},
                "metricsSpec": [
                    {"type": "doubleSum", "name": "gross_revenue", "fieldName": "gross_revenue"}
                ],
                "granularitySpec": {
                    "segmentGranularity": "day",
                    "queryGranularity": "none",
                    "rollup": False,
                },
            },
            "ioConfig": {
                "type": "index_parallel",
                "inputSource": {"type": "inline", "data": "\n".join(map(json.dumps, rows))},
                "inputFormat": {"type": "json"},
                "appendToExisting": True,
            },
            "tuningConfig": {"type": "index_parallel", "partitionsSpec": {"type": "dynamic"}},
        },
    }


async def finished(druid: DruidClient, task_id: str, seconds: float = 60) -> TaskStatus:
    async with asyncio.timeout(seconds):
        while True:
            status = await druid.task_status(task_id)
            if status is not None and status.finished:
                return status
            await asyncio.sleep(0.1)


async def loaded(druid: DruidClient, datasource: str) -> str:
    task_id = f"contract_{datasource}"
    submission = await druid.submit_task(inline_load(task_id, datasource, SALES))
    assert submission.druid_task_id == task_id
    assert not submission.already_submitted
    assert (await finished(druid, task_id)).code == "SUCCESS"
    return task_id


async def test_a_task_is_submitted_followed_and_reported(
    druid: DruidClient, unique_name: str
) -> None:
    task_id = await loaded(druid, unique_name)
    report = await druid.task_report(task_id)
    assert report is not None
    assert report.row_stats is not None
    assert report.row_stats["processed"] == len(SALES)
    assert report.row_stats["unparseable"] == 0


async def test_submitting_the_same_id_again_is_already_submitted(
    druid: DruidClient, unique_name: str
) -> None:
    task_id = await loaded(druid, unique_name)
    again = await druid.submit_task(inline_load(task_id, unique_name, SALES))
    assert again.druid_task_id == task_id
    assert again.already_submitted
    rows = await druid.sql(f'SELECT COUNT(*) AS n FROM "{unique_name}"')
    assert rows == [{"n": len(SALES)}]


async def test_an_unknown_task_has_no_status_and_no_report(druid: DruidClient) -> None:
    assert await druid.task_status("mauzo_never_submitted") is None
    assert await druid.task_report("mauzo_never_submitted") is None


async def test_a_task_can_be_shut_down(druid: DruidClient, unique_name: str) -> None:
    task_id = await loaded(druid, unique_name)
    await druid.shutdown_task(task_id)
    assert (await finished(druid, task_id)).finished


async def test_sql_binds_parameters_by_position(druid: DruidClient, unique_name: str) -> None:
    await loaded(druid, unique_name)
    query = (
        f'SELECT branch, SUM(gross_revenue) AS revenue FROM "{unique_name}" '
        "WHERE branch = ? AND gross_revenue > ? GROUP BY branch"
    )
    params = [SqlParameter("VARCHAR", "Nairobi"), SqlParameter("DOUBLE", 20.0)]
    assert await druid.sql(query, params) == [{"branch": "Nairobi", "revenue": 100.0}]
    arrays = await druid.sql(
        "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = ? "
        "ORDER BY COLUMN_NAME",
        [SqlParameter("VARCHAR", unique_name)],
        result_format="array",
    )
    assert arrays == [["__time"], ["branch"], ["gross_revenue"]]


async def test_datasource_metadata_splits_dimensions_and_metrics(
    druid: DruidClient, unique_name: str
) -> None:
    await loaded(druid, unique_name)
    columns = await druid.datasource_columns(unique_name, "2024-03-01/2024-03-03")
    assert columns.dimensions == ["branch"]
    assert columns.metrics == ["gross_revenue"]
    assert await druid.healthy()


async def test_sql_errors_are_read_into_druids_fields(druid: DruidClient) -> None:
    with pytest.raises(DruidRefused) as refused:
        await druid.sql('SELECT * FROM "no_such_datasource_anywhere"')
    answer = refused.value.answer
    assert answer.status == 400
    assert answer.category == "INVALID_INPUT"
    assert answer.error_code
    assert "no_such_datasource_anywhere" in answer.message
    assert not answer.transient
    assert not answer.already_exists


async def test_a_spec_the_overlord_refuses_is_a_4xx_with_its_message(
    druid: DruidClient, unique_name: str
) -> None:
    spec = inline_load(f"contract_bad_{unique_name}", unique_name, SALES)
    del spec["spec"]["dataSchema"]["dataSource"]
    with pytest.raises(DruidRefused) as refused:
        await druid.submit_task(spec)
    assert refused.value.answer.status == 400
    assert refused.value.answer.message
    assert not refused.value.answer.already_exists


@pytest.mark.kafka
async def test_supervisors_are_created_listed_paused_reset_and_terminated(
    druid: DruidClient, kafka_bootstrap: str, unique_name: str
) -> None:
    topic = f"contract-{unique_name}"
    await produced(kafka_bootstrap, topic, SALES)
    spec = {
        "type": "kafka",
        "spec": {
            "dataSchema": inline_load("", unique_name, [])["spec"]["dataSchema"],
            "ioConfig": {
                "type": "kafka",
                "topic": topic,
                "inputFormat": {"type": "json"},
                "consumerProperties": {"bootstrap.servers": kafka_bootstrap},
                "useEarliestOffset": True,
            },
            "tuningConfig": {"type": "kafka"},
        },
    }
    assert await druid.submit_supervisor(spec) == unique_name
    assert unique_name in await druid.supervisors()
    async with asyncio.timeout(60):
        while True:
            if await row_count(druid, unique_name) == len(SALES):
                break
            await asyncio.sleep(0.2)
    status = await druid.supervisor_status(unique_name)
    assert status["payload"]["dataSource"] == unique_name
    await druid.suspend_supervisor(unique_name)
    assert (await druid.supervisor_status(unique_name))["payload"]["suspended"] is True
    await druid.resume_supervisor(unique_name)
    assert (await druid.supervisor_status(unique_name))["payload"]["suspended"] is False
    await druid.reset_supervisor(unique_name)
    assert await druid.submit_supervisor(spec) == unique_name  # an update of the same id
    await druid.terminate_supervisor(unique_name)
    assert unique_name not in await druid.supervisors()
    with pytest.raises(DruidRefused) as gone:
        await druid.supervisor_status(unique_name)
    assert gone.value.answer.status == 404


async def row_count(druid: DruidClient, datasource: str) -> int:
    try:
        rows = await druid.sql(f'SELECT COUNT(*) AS n FROM "{datasource}"')
    except DruidRefused:
        return 0  # no rows published yet: the datasource does not exist
    return int(rows[0]["n"])


async def produced(bootstrap: str, topic: str, rows: list[dict[str, Any]]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, 1, 1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for row in rows:
            await producer.send_and_wait(topic, json.dumps(row).encode())
    finally:
        await producer.stop()
