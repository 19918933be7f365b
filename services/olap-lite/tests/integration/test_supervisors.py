"""Kafka supervisors (docs/druid.md#supervisor-api) against the real Tansu broker: records
produced with aiokafka land in SQL exactly once; list/get/status/health/suspend/resume/reset/
terminate answer in Druid's shapes."""

from __future__ import annotations

import asyncio
import codecs
import json
import time
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from mauzo_common.testing.components import wait_until

pytestmark = pytest.mark.kafka

API = "/druid/indexer/v1/supervisor"


def _count(druid: Any, ds: str) -> int:
    response = druid.http.post("/druid/v2/sql", json={"query": f'SELECT COUNT(*) AS n FROM "{ds}"'})
    if response.status_code != 200:
        return 0
    return int(response.json()[0]["n"])


def _wait_rows(druid: Any, ds: str, expected: int, timeout: float = 30) -> None:
    wait_until(lambda: _count(druid, ds) >= expected, timeout, f"{expected} rows in {ds}")
    assert _count(druid, ds) == expected


def _status(druid: Any, sup_id: str) -> dict[str, Any]:
    body: dict[str, Any] = druid.http.get(f"{API}/{sup_id}/status").json()
    return body


def test_streamed_sales_land_in_sql_with_produced_totals(
    druid: Any, streams: Any, unique_name: str
) -> None:
    topic = streams.topic(f"sales-{unique_name}", partitions=2)
    events = [
        streams.sale(i, branch=("nairobi", "mombasa")[i % 2], revenue=i * 1.5) for i in range(300)
    ]
    streams.produce(topic, events)
    response = druid.http.post(API, json=streams.supervisor(unique_name, topic))
    assert response.status_code == 200
    assert response.json() == {"id": unique_name}
    _wait_rows(druid, unique_name, 300)
    totals = druid.sql(
        f"SELECT branch, SUM(gross_revenue) AS rev, SUM(units_sold) AS units, "
        f'COUNT(DISTINCT seq) AS n FROM "{unique_name}" GROUP BY branch ORDER BY branch'
    )
    for row in totals:
        mine = [e for e in events if e["branch"] == row["branch"]]
        assert row["rev"] == pytest.approx(sum(e["gross_revenue"] for e in mine))
        assert row["units"] == sum(e["units_sold"] for e in mine)
        assert row["n"] == len(mine)
    wait_until(
        lambda: _status(druid, unique_name)["payload"]["aggregateLag"] == 0, 10, "lag caught up"
    )
    payload = _status(druid, unique_name)["payload"]
    assert payload["dataSource"] == unique_name
    assert payload["stream"] == topic
    assert payload["partitions"] == 2
    assert payload["state"] == "RUNNING"
    assert payload["healthy"] is True
    assert payload["suspended"] is False
    assert payload["latestOffsets"] == payload["currentOffsets"]
    assert set(payload["currentOffsets"]) == {"0", "1"}
    assert payload["minimumLag"] == {"0": 0, "1": 0}
    assert payload["activeTasks"][0]["type"] == "ACTIVE"
    assert payload["recentErrors"] == []
    assert unique_name in druid.http.get(API).json()
    full = {e["id"]: e for e in druid.http.get(f"{API}?full").json()}[unique_name]
    assert full["state"] == "RUNNING"
    assert full["healthy"] is True
    assert full["suspended"] is False
    assert full["spec"]["spec"]["ioConfig"]["topic"] == topic
    assert druid.http.get(f"{API}/{unique_name}").json()["dataSchema"]["dataSource"] == unique_name
    health = druid.http.get(f"{API}/{unique_name}/health")
    assert (health.status_code, health.json()) == (200, {"healthy": True})


def test_legacy_flat_spec_and_update_continue_from_stored_offsets(
    druid: Any, streams: Any, unique_name: str
) -> None:
    topic = streams.topic(f"flat-{unique_name}")
    streams.produce(topic, [streams.sale(i) for i in range(50)])
    flat = streams.supervisor(unique_name, topic, flat=True)
    assert druid.http.post(API, json=flat).json() == {"id": unique_name}
    _wait_rows(druid, unique_name, 50)
    flat["dataSchema"]["dimensionsSpec"]["dimensions"].append("extra")
    assert druid.http.post(API, json=flat).json() == {"id": unique_name}  # update
    assert (
        "extra"
        in druid.http.get(f"{API}/{unique_name}").json()["dataSchema"]["dimensionsSpec"][
            "dimensions"
        ]
    )
    streams.produce(topic, [{**streams.sale(i), "extra": "x"} for i in range(50, 80)])
    _wait_rows(druid, unique_name, 80)
    assert druid.sql(f"SELECT COUNT(*) AS n FROM \"{unique_name}\" WHERE extra = 'x'") == [
        {"n": 30}
    ]
    history = druid.http.get(f"{API}/{unique_name}/history").json()
    assert len(history) == 2


def test_suspend_resume_and_reset(druid: Any, streams: Any, unique_name: str) -> None:
    topic = streams.topic(f"susp-{unique_name}")
    streams.produce(topic, [streams.sale(i) for i in range(20)])
    druid.http.post(API, json=streams.supervisor(unique_name, topic))
    _wait_rows(druid, unique_name, 20)
    suspended = druid.http.post(f"{API}/{unique_name}/suspend")
    assert suspended.status_code == 200
    assert suspended.json()["suspended"] is True
    again = druid.http.post(f"{API}/{unique_name}/suspend")
    assert (again.status_code, again.json()) == (
        400,
        {"error": f"[{unique_name}] is already suspended"},
    )
    payload = _status(druid, unique_name)["payload"]
    assert (payload["state"], payload["suspended"], payload["activeTasks"]) == (
        "SUSPENDED",
        True,
        [],
    )
    assert druid.http.get(f"{API}/{unique_name}/health").status_code == 200
    streams.produce(topic, [streams.sale(i) for i in range(20, 30)])
    time.sleep(1.0)  # a suspended supervisor must not read: give it the chance to misbehave
    assert _count(druid, unique_name) == 20
    resumed = druid.http.post(f"{API}/{unique_name}/resume")
    assert resumed.json()["suspended"] is False
    assert druid.http.post(f"{API}/{unique_name}/resume").json() == {
        "error": f"[{unique_name}] is already running"
    }
    _wait_rows(druid, unique_name, 30)
    # reset forgets the stored offsets: with useEarliestOffset the topic is read again
    # (Druid: "can skip or duplicate data")
    assert druid.http.post(f"{API}/{unique_name}/reset").json() == {"id": unique_name}
    _wait_rows(druid, unique_name, 60)


def test_unparseable_records_are_counted_and_shown(
    druid: Any, streams: Any, unique_name: str
) -> None:
    topic = streams.topic(f"bad-{unique_name}")
    values: list[Any] = [streams.sale(i) for i in range(5)]
    values += [b"{not json", b"[1, 2]", {"branch": "no time"}, {"time": "yesterday-ish"}]
    streams.produce(topic, values)
    druid.http.post(API, json=streams.supervisor(unique_name, topic))
    _wait_rows(druid, unique_name, 5)

    def stats() -> dict[str, Any]:
        groups = druid.http.get(f"{API}/{unique_name}/stats").json()
        task: dict[str, Any] = next(iter(groups["0"].values()))
        return task["totals"]["buildSegments"]

    wait_until(lambda: stats()["unparseable"] == 4, 10, "unparseable counted")
    assert stats()["processed"] == 5
    errors = _status(druid, unique_name)["payload"]["recentErrors"]
    assert len(errors) == 4
    assert all("ParseException" in e["exceptionClass"] for e in errors)
    assert any("{not json" in e["message"] for e in errors)


def test_json_objects_in_any_encoding_or_layout_load_and_near_json_is_counted(
    druid: Any, streams: Any, unique_name: str
) -> None:
    """Record values pass to the reader as they are only when they are one line of UTF-8;
    an object over several lines, in UTF-16 or after a byte order mark loads all the same, and
    what Python's JSON reader refuses (a trailing comma) stays unparseable."""
    topic = streams.topic(f"forms-{unique_name}")
    values: list[Any] = [streams.sale(0)]
    values.append(json.dumps(streams.sale(1), indent=2).encode())
    values.append(json.dumps(streams.sale(2)).encode("utf-16"))
    values.append(codecs.BOM_UTF8 + json.dumps(streams.sale(3)).encode())
    values.append(
        json.dumps(streams.sale(4), ensure_ascii=False).replace("nairobi", "Nairobi—Ngong").encode()
    )
    values.append(json.dumps(streams.sale(5))[:-1].encode() + b", }")
    streams.produce(topic, values)
    druid.http.post(API, json=streams.supervisor(unique_name, topic))
    _wait_rows(druid, unique_name, 5)
    rows = druid.sql(f'SELECT seq, branch FROM "{unique_name}" ORDER BY seq')
    assert [(r["seq"], r["branch"]) for r in rows] == [
        (0, "nairobi"), (1, "nairobi"), (2, "nairobi"), (3, "nairobi"), (4, "Nairobi—Ngong")
    ]  # fmt: skip
    errors = _status(druid, unique_name)["payload"]["recentErrors"]
    assert len(errors) == 1
    assert "Unable to parse row" in errors[0]["message"]


def test_a_record_of_several_objects_loads_each_and_one_bad_object_spoils_its_record(
    druid: Any, streams: Any, unique_name: str
) -> None:
    """Druid's json reader reads every object of a record (one per line or side by side); a
    record that is not wholly objects is one unparseable row, and none of it loads. What is JSON
    is Python's verdict even where DuckDB reads more (a trailing comma, `nan`)."""
    topic = streams.topic(f"packed-{unique_name}")

    def line(seq: int) -> bytes:
        return json.dumps(streams.sale(seq)).encode()

    values: list[Any] = [
        b"\n".join(line(i) for i in range(0, 10)),  # ten lines
        line(10) + line(11) + b" \r\n\t" + line(12),  # side by side, any whitespace
        line(13) + b"\n",
        b"\n".join([line(14), line(15)[:-1] + b", }"]),  # a trailing comma: the record is bad
        b"\n".join([line(16), b"[1]"]),  # an array among objects: bad
        line(17)[:-1] + b', "note": NaN}',  # Python reads NaN: loads
        line(18)[:-1] + b', "note": nan}',  # ... but not nan
        b" \n ",  # only whitespace: no object at all
    ]
    streams.produce(topic, values)
    druid.http.post(API, json=streams.supervisor(unique_name, topic))
    _wait_rows(druid, unique_name, 15)
    rows = druid.sql(f'SELECT seq FROM "{unique_name}" ORDER BY seq')
    assert [r["seq"] for r in rows] == [*range(14), 17]

    def stats() -> dict[str, Any]:
        groups = druid.http.get(f"{API}/{unique_name}/stats").json()
        task: dict[str, Any] = next(iter(groups["0"].values()))
        return task["totals"]["buildSegments"]

    wait_until(lambda: stats()["unparseable"] == 4, 10, "one unparseable row per bad record")
    assert stats()["processed"] == 15


def test_the_kafka_input_format_adds_key_and_topic_to_every_object_of_a_record(
    druid: Any, streams: Any, unique_name: str
) -> None:
    topic = streams.topic(f"keyed-{unique_name}")

    async def send() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=streams.bootstrap)
        await producer.start()
        try:
            two = json.dumps(streams.sale(0)) + "\n" + json.dumps(streams.sale(1))
            await producer.send_and_wait(topic, two.encode(), key=b"till-7")
            await producer.send_and_wait(topic, json.dumps(streams.sale(2)).encode())
        finally:
            await producer.stop()

    asyncio.run(send())
    spec = streams.supervisor(unique_name, topic)
    spec["spec"]["ioConfig"]["inputFormat"] = {"type": "kafka", "valueFormat": {"type": "json"}}
    spec["spec"]["dataSchema"]["dimensionsSpec"]["dimensions"] += ["kafka.key", "kafka.topic"]
    druid.http.post(API, json=spec)
    _wait_rows(druid, unique_name, 3)
    rows = druid.sql(f'SELECT seq, "kafka.key" AS k, "kafka.topic" AS t FROM "{unique_name}"')
    got = sorted((r["seq"], r["k"], r["t"]) for r in rows)
    assert got == [(0, "till-7", topic), (1, "till-7", topic), (2, None, topic)]


def test_terminate_removes_supervisor_and_unknown_ids_are_404(
    druid: Any, streams: Any, unique_name: str
) -> None:
    topic = streams.topic(f"term-{unique_name}")
    streams.produce(topic, [streams.sale(i) for i in range(5)])
    druid.http.post(API, json=streams.supervisor(unique_name, topic))
    _wait_rows(druid, unique_name, 5)
    assert druid.http.post(f"{API}/{unique_name}/terminate").json() == {"id": unique_name}
    assert unique_name not in druid.http.get(API).json()
    for method, path in [
        ("GET", ""),
        ("GET", "/status"),
        ("GET", "/health"),
        ("POST", "/suspend"),
        ("POST", "/reset"),
        ("POST", "/terminate"),
    ]:
        response = druid.http.request(method, f"{API}/{unique_name}{path}")
        assert (response.status_code, response.json()) == (
            404,
            {"error": f"[{unique_name}] does not exist"},
        )
    streams.produce(topic, [streams.sale(i) for i in range(5, 10)])
    time.sleep(1.0)  # a terminated supervisor must not read any more
    assert _count(druid, unique_name) == 5
    # resubmitted, it continues from the datasource's stored offsets: nothing twice
    druid.http.post(API, json=streams.supervisor(unique_name, topic))
    _wait_rows(druid, unique_name, 10)


def test_invalid_specs_are_refused(druid: Any, streams: Any, unique_name: str) -> None:
    spec = streams.supervisor(unique_name, "t")
    del spec["spec"]["ioConfig"]["consumerProperties"]
    response = druid.http.post(API, json=spec)
    assert response.status_code == 400
    assert "bootstrap.servers" in response.json()["error"]
    response = druid.http.post(API, json={**spec, "type": "kinesis"})
    assert response.status_code == 400
