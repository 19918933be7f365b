"""sys.supervisors (Druid's system table: supervisor_id, state, detailed_state, healthy, type,
source, suspended, spec) and the status of a suspended supervisor (its stored offsets)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mauzo_common.testing.components import wait_until

pytestmark = pytest.mark.kafka

API = "/druid/indexer/v1/supervisor"
COLUMNS = "supervisor_id, state, detailed_state, healthy, type, source, suspended"


def _count(druid: Any, ds: str) -> int:
    response = druid.http.post("/druid/v2/sql", json={"query": f'SELECT COUNT(*) AS n FROM "{ds}"'})
    return int(response.json()[0]["n"]) if response.status_code == 200 else 0


def _row(druid: Any, sup_id: str) -> dict[str, Any]:
    rows = druid.sql(
        f"SELECT {COLUMNS}, spec FROM sys.supervisors WHERE supervisor_id = ?",
        ("VARCHAR", sup_id),
    )
    assert len(rows) == 1
    row: dict[str, Any] = rows[0]
    return row


def test_sys_supervisors_shows_live_state_and_suspension(
    druid: Any, streams: Any, unique_name: str
) -> None:
    topic = streams.topic(f"sys-{unique_name}")
    streams.produce(topic, [streams.sale(i) for i in range(5)])
    druid.http.post(API, json=streams.supervisor(unique_name, topic))
    wait_until(lambda: _count(druid, unique_name) == 5, 30, "rows ingested")
    wait_until(lambda: _row(druid, unique_name)["state"] == "RUNNING", 30, "RUNNING")
    row = _row(druid, unique_name)
    spec = json.loads(row.pop("spec"))
    assert row == {
        "supervisor_id": unique_name,
        "state": "RUNNING",
        "detailed_state": "RUNNING",
        "healthy": 1,
        "type": "kafka",
        "source": topic,
        "suspended": 0,
    }
    assert spec == druid.http.get(f"{API}/{unique_name}").json()
    druid.http.post(f"{API}/{unique_name}/suspend")
    suspended = _row(druid, unique_name)
    assert (suspended["state"], suspended["suspended"]) == ("SUSPENDED", 1)
    tables = druid.sql(
        "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'sys' "
        "AND TABLE_NAME = 'supervisors'"
    )
    assert tables == [{"TABLE_NAME": "supervisors"}]
    druid.http.post(f"{API}/{unique_name}/terminate")
    assert druid.sql(
        "SELECT COUNT(*) AS n FROM sys.supervisors WHERE supervisor_id = ?",
        ("VARCHAR", unique_name),
    ) == [{"n": 0}]


def test_a_suspended_supervisor_status_shows_its_stored_offsets(
    druid: Any, streams: Any, unique_name: str
) -> None:
    topic = streams.topic(f"off-{unique_name}", partitions=2)
    streams.produce(topic, [streams.sale(i) for i in range(12)])
    druid.http.post(API, json=streams.supervisor(unique_name, topic))
    wait_until(lambda: _count(druid, unique_name) == 12, 30, "rows ingested")
    druid.http.post(f"{API}/{unique_name}/suspend")
    payload = druid.http.get(f"{API}/{unique_name}/status").json()["payload"]
    assert payload["state"] == "SUSPENDED"
    offsets = payload["currentOffsets"]
    assert offsets is not None
    assert set(offsets) <= {"0", "1"}
    assert sum(offsets.values()) == 12  # the next offset to read, per partition
    druid.http.post(f"{API}/{unique_name}/reset")  # reset forgets the stored offsets
    assert druid.http.get(f"{API}/{unique_name}/status").json()["payload"]["currentOffsets"] is None
