"""Overlord task API shapes (docs/druid.md#overlord-task-api): submit, ids, status, payload,
reports, log, listing, shutdown, and refusals."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pytest


def _csv_spec(make_spec: Any, ds: str, tmp_path: Path, **kw: Any) -> dict[str, Any]:
    path = tmp_path / "d.csv"
    path.write_text("time,k\n2024-01-01,a\n")
    return make_spec(
        ds,
        {"type": "local", "files": [str(path)]},
        input_format={"type": "csv", "findColumnsFromHeader": True},
        timestamp={"column": "time", "format": "auto"},
        dimensions=["k"],
        **kw,
    )


def test_generated_task_id_follows_druids_pattern(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    task = druid.submit(_csv_spec(make_spec, unique_name, tmp_path))
    assert re.fullmatch(
        rf"index_parallel_{unique_name}_[a-z]{{8}}_\d{{4}}-\d\d-\d\dT[\d:.]+Z", task
    )
    druid.wait(task)


def test_duplicate_id_is_refused_like_the_overlord(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    body = _csv_spec(make_spec, unique_name, tmp_path, task_id=f"{unique_name}_x")
    druid.wait(druid.submit(body))
    again = druid.http.post("/druid/indexer/v1/task", json=body)
    assert again.status_code == 400
    assert again.json() == {"error": f"Task[{unique_name}_x] already exists!"}


def test_unknown_task_answers_404_in_druids_shapes(druid: Any) -> None:
    status = druid.http.get("/druid/indexer/v1/task/nope/status")
    assert (status.status_code, status.json()) == (404, {"task": "nope", "status": None})
    payload = druid.http.get("/druid/indexer/v1/task/nope")
    assert (payload.status_code, payload.json()) == (404, {"task": "nope", "payload": None})
    assert druid.http.get("/druid/indexer/v1/task/nope/reports").status_code == 404
    assert druid.http.get("/druid/indexer/v1/task/nope/log").status_code == 404


def test_payload_log_and_listing(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    body = _csv_spec(make_spec, unique_name, tmp_path, task_id=f"{unique_name}_p")
    task = druid.submit(body)
    druid.wait(task)
    payload = druid.http.get(f"/druid/indexer/v1/task/{task}").json()
    assert payload["task"] == task
    assert payload["payload"]["spec"] == body["spec"]
    assert payload["payload"]["id"] == task
    log = druid.http.get(f"/druid/indexer/v1/task/{task}/log")
    assert log.headers["content-type"].startswith("text/plain")
    assert "SUCCESS" in log.text
    listed = druid.http.get(
        "/druid/indexer/v1/tasks", params={"state": "complete", "datasource": unique_name}
    ).json()
    assert [t["id"] for t in listed] == [task]
    assert listed[0]["statusCode"] == "SUCCESS"
    assert (
        druid.http.get(
            "/druid/indexer/v1/tasks", params={"state": "running", "datasource": unique_name}
        ).json()
        == []
    )
    assert (
        len(
            druid.http.get("/druid/indexer/v1/tasks", params={"max": 0, "state": "complete"}).json()
        )
        == 0
    )


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda b: b.update(type="index_hadoop"), "Could not resolve type id 'index_hadoop'"),
        (lambda b: b["spec"]["ioConfig"].update(type="index"), "Could not resolve type id 'index'"),
        (lambda b: b["spec"]["ioConfig"].pop("inputFormat"), "inputFormat"),
        (lambda b: b["spec"]["ioConfig"].update(inputSource={"type": "hdfs"}), "hdfs"),
        (
            lambda b: b["spec"]["dataSchema"].update(
                metricsSpec=[{"type": "thetaSketch", "name": "t", "fieldName": "k"}]
            ),
            "thetaSketch",
        ),
        (
            lambda b: b["spec"]["dataSchema"].update(
                granularitySpec={"segmentGranularity": "fortnight"}
            ),
            "fortnight",
        ),
    ],
)
def test_bad_specs_are_refused_with_400(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str, mutate: Any, fragment: str
) -> None:
    body = _csv_spec(make_spec, unique_name, tmp_path)
    mutate(body)
    response = druid.http.post("/druid/indexer/v1/task", json=body)
    assert response.status_code == 400
    assert fragment in response.json()["error"]


def test_index_task_type_is_accepted(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    body = _csv_spec(make_spec, unique_name, tmp_path)
    body["type"] = "index"
    body["spec"]["ioConfig"]["type"] = "index"
    body["spec"]["tuningConfig"]["type"] = "index"
    assert druid.run(body)["statusCode"] == "SUCCESS"


def test_non_json_body_is_415(druid: Any) -> None:
    response = druid.http.post(
        "/druid/indexer/v1/task", content=b"x", headers={"content-type": "text/plain"}
    )
    assert response.status_code == 415


def test_shutdown_fails_a_running_task(
    druid: Any, make_spec: Any, unique_name: str, stalled_http: tuple[str, threading.Event]
) -> None:
    url, release = stalled_http
    body = make_spec(
        unique_name,
        {"type": "http", "uris": [url]},
        input_format={"type": "csv", "findColumnsFromHeader": True},
        timestamp={"column": "time"},
        dimensions=["k"],
    )
    task = druid.submit(body)
    status = druid.http.get(f"/druid/indexer/v1/task/{task}/status").json()["status"]
    assert (status["statusCode"], status["duration"]) == ("RUNNING", -1)
    running = druid.http.get("/druid/indexer/v1/tasks", params={"datasource": unique_name}).json()
    assert [t["statusCode"] for t in running] == ["RUNNING"]
    assert druid.http.post(f"/druid/indexer/v1/task/{task}/shutdown").json() == {"task": task}
    release.set()
    final = druid.wait(task)
    assert final["statusCode"] == "FAILED"
    assert final["errorMsg"] == "Shutdown request from user"
