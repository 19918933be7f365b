"""Druid's Kafka tutorial (apache/druid/docs/tutorials/tutorial-kafka.md) as a fixture: the
documented supervisor spec is accepted with the documented answer and its rows are queryable."""

from __future__ import annotations

from typing import Any

import pytest

from mauzo_common.testing.components import wait_until

pytestmark = pytest.mark.kafka

API = "/druid/indexer/v1/supervisor"


def _status(druid: Any, sup_id: str) -> dict[str, Any]:
    body: dict[str, Any] = druid.http.get(f"{API}/{sup_id}/status").json()
    return body


def _count(druid: Any, ds: str) -> int:
    response = druid.http.post("/druid/v2/sql", json={"query": f'SELECT COUNT(*) AS n FROM "{ds}"'})
    return int(response.json()[0]["n"]) if response.status_code == 200 else 0


# apache/druid/docs/tutorials/tutorial-kafka.md, "Submit a supervisor via the console": the spec
# as documented; only the topic name and bootstrap.servers point at the test broker.
TUTORIAL_SPEC: dict[str, Any] = {
    "type": "kafka",
    "spec": {
        "dataSchema": {
            "dataSource": "wikipedia",
            "timestampSpec": {"column": "time", "format": "auto"},
            "dimensionsSpec": {
                "dimensions": [
                    "channel",
                    "cityName",
                    "comment",
                    "countryIsoCode",
                    "countryName",
                    "isAnonymous",
                    "isMinor",
                    "isNew",
                    "isRobot",
                    "isUnpatrolled",
                    "metroCode",
                    "namespace",
                    "page",
                    "regionIsoCode",
                    "regionName",
                    "user",
                    {"name": "added", "type": "long"},
                    {"name": "deleted", "type": "long"},
                    {"name": "delta", "type": "long"},
                ]
            },
            "metricsSpec": [],
            "granularitySpec": {
                "type": "uniform",
                "segmentGranularity": "DAY",
                "queryGranularity": "NONE",
                "rollup": False,
            },
        },
        "tuningConfig": {"type": "kafka", "reportParseExceptions": False},
        "ioConfig": {
            "topic": "wikipedia",
            "inputFormat": {"type": "json"},
            "replicas": 2,
            "taskDuration": "PT10M",
            "completionTimeout": "PT20M",
            "consumerProperties": {"bootstrap.servers": "localhost:9092"},
        },
    },
}


def _wiki_edit(i: int, channel: str, added: int, deleted: int) -> dict[str, Any]:
    """An event shaped like quickstart/tutorial/wikiticker-2015-09-12-sampled.json."""
    return {
        "time": f"2015-09-12T00:{i:02d}:00.000Z",
        "channel": channel,
        "cityName": None,
        "comment": f"edit {i}",
        "countryIsoCode": None,
        "countryName": None,
        "isAnonymous": False,
        "isMinor": i % 2 == 0,
        "isNew": False,
        "isRobot": False,
        "isUnpatrolled": False,
        "metroCode": None,
        "namespace": "Main",
        "page": f"Page {i}",
        "regionIsoCode": None,
        "regionName": None,
        "user": f"user{i}",
        "delta": added - deleted,
        "added": added,
        "deleted": deleted,
    }


def test_druid_kafka_tutorial_spec(druid: Any, streams: Any, unique_name: str) -> None:
    topic = streams.topic(f"wikipedia-{unique_name}")
    spec = TUTORIAL_SPEC | {}
    spec["spec"] = {**spec["spec"], "ioConfig": {**spec["spec"]["ioConfig"], "topic": topic}}
    spec["spec"]["ioConfig"]["consumerProperties"] = {"bootstrap.servers": streams.bootstrap}
    # "If the supervisor was successfully created, you will get ... {"id":"wikipedia"}"
    assert druid.http.post(API, json=spec).json() == {"id": "wikipedia"}
    # no useEarliestOffset: reading starts at the latest offset, so send the edits afterwards
    wait_until(lambda: _status(druid, "wikipedia")["payload"]["state"] == "RUNNING", 15, "running")
    edits = [
        _wiki_edit(1, "#en.wikipedia", 36, 0),
        _wiki_edit(2, "#ca.wikipedia", 17, 0),
        _wiki_edit(3, "#en.wikipedia", 0, 43),
    ]
    streams.produce(topic, edits)
    wait_until(lambda: _count(druid, "wikipedia") == 3, 30, "3 edits")
    rows = druid.sql(
        'SELECT __time, channel, page, added, deleted, delta, isMinor FROM "wikipedia" '
        "ORDER BY __time"
    )
    assert rows == [
        {
            "__time": "2015-09-12T00:01:00.000Z",
            "channel": "#en.wikipedia",
            "page": "Page 1",
            "added": 36,
            "deleted": 0,
            "delta": 36,
            "isMinor": "false",
        },
        {
            "__time": "2015-09-12T00:02:00.000Z",
            "channel": "#ca.wikipedia",
            "page": "Page 2",
            "added": 17,
            "deleted": 0,
            "delta": 17,
            "isMinor": "true",
        },
        {
            "__time": "2015-09-12T00:03:00.000Z",
            "channel": "#en.wikipedia",
            "page": "Page 3",
            "added": 0,
            "deleted": 43,
            "delta": -43,
            "isMinor": "false",
        },
    ]
    types = druid.sql(
        "SELECT COLUMN_NAME, DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS "
        "WHERE TABLE_NAME = 'wikipedia' AND COLUMN_NAME IN ('added', 'channel')"
    )
    assert {t["COLUMN_NAME"]: t["DATA_TYPE"] for t in types} == {
        "added": "BIGINT",
        "channel": "VARCHAR",
    }
