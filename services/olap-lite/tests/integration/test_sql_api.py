"""POST /druid/v2/sql: result formats and headers, query ids, timeout and cancel, system tables."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from mauzo_common.testing.auth import druid_basic
from mauzo_common.testing.components import wait_until

DS = "api_ds"


@pytest.fixture(scope="module")
def loaded(druid: Any, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("api") / "d.csv"
    path.write_text(
        "time,name,n\n" + "".join(f"2024-01-0{1 + i % 3},n{i},{i}\n" for i in range(60))
    )
    body = {
        "type": "index_parallel",
        "id": "api_load",
        "spec": {
            "dataSchema": {
                "dataSource": DS,
                "timestampSpec": {"column": "time"},
                "dimensionsSpec": {"dimensions": ["name", {"type": "long", "name": "n"}]},
                "granularitySpec": {"rollup": False},
            },
            "ioConfig": {
                "type": "index_parallel",
                "inputSource": {"type": "local", "files": [str(path)]},
                "inputFormat": {"type": "csv", "findColumnsFromHeader": True},
            },
        },
    }
    assert druid.run(body)["statusCode"] == "SUCCESS"
    return DS


QUERY = f"SELECT name, n FROM {DS} WHERE n < 2 ORDER BY n"


def _post(druid: Any, **body: Any) -> httpx.Response:
    response: httpx.Response = druid.http.post("/druid/v2/sql", json={"query": QUERY, **body})
    return response


def test_object_is_the_default_and_carries_a_query_id(druid: Any, loaded: str) -> None:
    response = _post(druid, context={"sqlQueryId": "my-id"})
    assert response.json() == [{"name": "n0", "n": 0}, {"name": "n1", "n": 1}]
    assert response.headers["X-Druid-SQL-Query-Id"] == "my-id"
    assert response.headers["content-type"].startswith("application/json")
    assert "X-Druid-SQL-Header-Included" not in response.headers


def test_array_with_all_headers(druid: Any, loaded: str) -> None:
    response = _post(
        druid, resultFormat="array", header=True, typesHeader=True, sqlTypesHeader=True
    )
    assert response.json() == [
        ["name", "n"],
        ["STRING", "LONG"],
        ["VARCHAR", "BIGINT"],
        ["n0", 0],
        ["n1", 1],
    ]
    assert response.headers["X-Druid-SQL-Header-Included"] == "yes"


def test_object_header_forms(druid: Any, loaded: str) -> None:
    assert _post(druid, header=True).json()[0] == {"name": None, "n": None}
    assert _post(druid, header=True, typesHeader=True, sqlTypesHeader=True).json()[0] == {
        "name": {"type": "STRING", "sqlType": "VARCHAR"},
        "n": {"type": "LONG", "sqlType": "BIGINT"},
    }


def test_lines_formats_end_with_a_blank_line(druid: Any, loaded: str) -> None:
    lines = _post(druid, resultFormat="objectLines")
    assert lines.text == '{"name":"n0","n":0}\n{"name":"n1","n":1}\n\n'
    assert lines.headers["content-type"].startswith("text/plain")
    assert _post(druid, resultFormat="arrayLines").text == '["n0",0]\n["n1",1]\n\n'


def test_csv_format(druid: Any, loaded: str) -> None:
    response = _post(druid, resultFormat="csv", header=True)
    assert response.text == "name,n\nn0,0\nn1,1\n\n"
    assert response.headers["content-type"].startswith("text/csv")


def test_unnamed_expressions_are_named_like_calcite(druid: Any, loaded: str) -> None:
    assert druid.sql(f"SELECT COUNT(*), MAX(n) AS m FROM {DS}") == [{"EXPR$0": 60, "m": 59}]


def test_integer_literal_division_is_integer(druid: Any, loaded: str) -> None:
    assert druid.sql("SELECT 7 / 2 AS q, 7.0 / 2 AS r") == [{"q": 3, "r": 3.5}]


def test_timeout_answers_504_in_the_legacy_shape(druid: Any, loaded: str) -> None:
    slow = f"SELECT COUNT(*) FROM {DS} a, {DS} b, {DS} c, {DS} d, {DS} e WHERE a.name <> e.name"
    response = druid.http.post("/druid/v2/sql", json={"query": slow, "context": {"timeout": 50}})
    assert response.status_code == 504
    body = response.json()
    assert (body["error"], body["errorCode"], body["category"]) == (
        "Query timeout",
        "legacyQueryException",
        "TIMEOUT",
    )


def test_cancel_a_running_query(druid: Any, loaded: str) -> None:
    slow = f"SELECT COUNT(*) FROM {DS} a, {DS} b, {DS} c, {DS} d, {DS} e WHERE a.name <> e.name"
    result: dict[str, httpx.Response] = {}

    def run() -> None:
        with httpx.Client(
            auth=druid_basic(), base_url=str(druid.http.base_url), timeout=60
        ) as client:
            result["r"] = client.post(
                "/druid/v2/sql", json={"query": slow, "context": {"sqlQueryId": "to-cancel"}}
            )

    thread = threading.Thread(target=run)
    thread.start()
    wait_until(
        lambda: druid.http.delete("/druid/v2/sql/to-cancel").status_code == 202, 20, "cancelled"
    )
    thread.join(30)
    assert result["r"].status_code == 500
    assert result["r"].json()["category"] == "CANCELED"
    assert druid.http.delete("/druid/v2/sql/to-cancel").status_code == 404


def test_information_schema_and_sys_tasks(druid: Any, loaded: str) -> None:
    tables = druid.sql(
        "SELECT TABLE_SCHEMA, TABLE_TYPE FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = ?",
        ("VARCHAR", DS),
    )
    assert tables == [{"TABLE_SCHEMA": "druid", "TABLE_TYPE": "TABLE"}]
    tasks = druid.sql(
        "SELECT task_id, datasource, status, runner_status, error_msg FROM sys.tasks "
        "WHERE task_id = 'api_load'"
    )
    assert tasks == [
        {
            "task_id": "api_load",
            "datasource": DS,
            "status": "SUCCESS",
            "runner_status": "NONE",
            "error_msg": None,
        }
    ]


def test_bad_parameters_and_context_are_invalid_input(druid: Any, loaded: str) -> None:
    response = druid.http.post("/druid/v2/sql", json={"query": f"SELECT * FROM {DS} WHERE n = ?"})
    assert response.status_code == 400
    response = druid.http.post(
        "/druid/v2/sql", json={"query": "SELECT 1", "context": {"sqlTimeZone": "Mars/Base"}}
    )
    assert response.status_code == 400
    response = druid.http.post(
        "/druid/v2/sql", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400


def test_several_exact_distinct_counts_need_grouping_sets_like_druid(
    druid: Any, loaded: str
) -> None:
    query = f"SELECT COUNT(DISTINCT name) AS names, COUNT(DISTINCT __time) AS days FROM {DS}"
    exact = {"useApproximateCountDistinct": False}
    refused = druid.sql_error(query, context=exact)
    assert refused.status_code == 400
    body = refused.json()
    assert (body["error"], body["errorCode"], body["persona"], body["category"]) == (
        "druidException",
        "general",
        "ADMIN",
        "INVALID_INPUT",
    )
    assert body["errorMessage"].startswith("Query could not be planned. A possible reason is [")
    assert "useGroupingSetForExactDistinct" in body["errorMessage"]
    both = [{"names": 60, "days": 3}]
    grouping_sets = {**exact, "useGroupingSetForExactDistinct": True}
    assert druid.sql(query, context=grouping_sets) == both
    assert druid.sql(query) == both  # approximate by default: no limit
    # one distinct argument per SELECT is fine, repeated or nested
    nested = (
        "SELECT COUNT(DISTINCT d) AS days, SUM(c) AS names FROM (SELECT __time AS d, "
        f"COUNT(DISTINCT name) AS c, COUNT(DISTINCT name) AS again FROM {DS} GROUP BY 1)"
    )
    assert druid.sql(nested, context=exact) == [{"days": 3, "names": 60}]


def test_metadata_endpoints(druid: Any, loaded: str, tmp_path: Path) -> None:
    http = druid.http
    assert http.get("/status/health").json() is True
    assert http.get("/status").json()["version"]
    assert http.get("/druid/broker/v1/readiness").status_code == 200
    assert DS in http.get("/druid/v2/datasources").json()
    assert http.get(f"/druid/v2/datasources/{DS}").json() == {
        "dimensions": ["name", "n"],
        "metrics": [],
    }
    assert DS in http.get("/druid/coordinator/v1/datasources").json()
    simple = {d["name"]: d for d in http.get("/druid/coordinator/v1/datasources?simple").json()}
    assert simple[DS]["properties"]["segments"]["count"] == 3
    one = http.get(f"/druid/coordinator/v1/datasources/{DS}").json()
    assert one["segments"]["minTime"] == "2024-01-01T00:00:00.000Z"
    assert one["segments"]["maxTime"] == "2024-01-04T00:00:00.000Z"
    assert http.get("/druid/coordinator/v1/datasources/nothing").status_code == 204


def test_mark_unused_then_delete_datasource(druid: Any, loaded: str) -> None:
    http = druid.http
    changed = http.post(
        f"/druid/coordinator/v1/datasources/{DS}/markUnused",
        json={"interval": "2024-01-01/2024-01-02"},
    ).json()
    assert changed == {"numChangedSegments": 1}
    assert druid.sql(f"SELECT COUNT(*) AS c FROM {DS}") == [{"c": 40}]
    assert http.delete(f"/druid/coordinator/v1/datasources/{DS}").json() == {
        "numChangedSegments": 2
    }
    assert DS not in http.get("/druid/v2/datasources").json()
    gone = http.post("/druid/v2/sql", json={"query": f"SELECT * FROM {DS}"})
    assert gone.status_code == 400
    assert gone.json()["errorMessage"] == f"Object '{DS}' not found"
    assert http.delete("/druid/coordinator/v1/datasources/never").json() == {
        "numChangedSegments": 0
    }
