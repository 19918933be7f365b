"""upload end to end with its real neighbours: task-tracker (in-process server), the Tansu
broker, and the object store on a local directory and on moto's S3 server."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import threading
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from mauzo_common.auth.principal import Role
from mauzo_common.events import FileUploaded
from mauzo_common.object_store import ObjectStore, open_object_store
from mauzo_common.testing.auth import auth
from mauzo_common.testing.components import free_port, tansu_broker, wait_until
from mauzo_common.testing.errors import assert_error_body
from mauzo_task_tracker.app import create_app as create_tracker
from mauzo_task_tracker.settings import TrackerSettings
from mauzo_upload.app import create_app
from mauzo_upload.settings import UploadSettings

ADMIN = auth(Role.ADMIN)  # re-mints: a module's tests outlive one access token
pytestmark = pytest.mark.kafka
LIMIT = 256 * 1024
CSV = (
    "time,branch,product,product_line,salesperson,customer,invoice_id,quantity,amount,cost\n"
    + "".join(
        f"2024-01-0{1 + i % 9} 10:00,Nairobi CBD,Sugar 2kg,Groceries,Amina,Duka {i},INV{i},2,"
        f"{300 + i}.50,250\n"
        for i in range(200)
    )
).encode()


@pytest.fixture(scope="module")
def tracker(
    kafka_bootstrap: str, serve: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    settings = TrackerSettings(
        kafka_bootstrap=kafka_bootstrap,
        data_dir=tmp_path_factory.mktemp("tracker"),
        druid_overlord_url=f"http://127.0.0.1:{free_port()}",
    )
    with serve(create_tracker(settings)) as served:
        yield served.url


@pytest.fixture(scope="module", params=["local", pytest.param("s3", marks=pytest.mark.s3)])
def upload_settings(
    request: pytest.FixtureRequest,
    kafka_bootstrap: str,
    tracker: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> UploadSettings:
    data_dir = tmp_path_factory.mktemp("upload")
    common: dict[str, Any] = {
        "kafka_bootstrap": kafka_bootstrap,
        "task_tracker_url": tracker,
        "data_dir": data_dir,
        "max_upload_bytes": LIMIT,
    }
    if request.param == "s3":
        endpoint = request.getfixturevalue("s3_endpoint")
        return UploadSettings(
            **common,
            object_store="s3",
            s3_endpoint_url=endpoint,
            s3_bucket=f"mauzo-{uuid.uuid4().hex[:8]}",
        )
    return UploadSettings(**common, object_store="local", object_store_root=data_dir / "objects")


@pytest.fixture(scope="module")
def upload(upload_settings: UploadSettings, serve: Any) -> Iterator[str]:
    with serve(create_app(upload_settings)) as served:
        yield served.url


@pytest.fixture(scope="module")
def store(upload_settings: UploadSettings) -> ObjectStore:
    return open_object_store(upload_settings)


@pytest.fixture
def datasource() -> str:
    return f"sales_{uuid.uuid4().hex[:8]}"


def post(
    upload: str, datasource: str, content: bytes, name: str = "sales.csv", **params: str
) -> httpx.Response:
    return httpx.post(
        f"{upload}/api/ingest/upload",
        params=params,
        data={"datasource": datasource},
        files={"file": (name, content, "text/csv")},
        timeout=30,
        auth=ADMIN,
    )


def uploaded_events(bootstrap: str, key: str, value: str) -> list[dict[str, Any]]:
    """FileUploaded events (read from the start, no consumer group) whose payload[key] == value."""

    async def run() -> list[dict[str, Any]]:
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        await consumer.start()
        try:
            partition = TopicPartition(FileUploaded.topic(), 0)
            consumer.assign([partition])
            await consumer.seek_to_beginning(partition)
            end = (await consumer.end_offsets([partition]))[partition]
            found = []
            while await consumer.position(partition) < end:
                batch = await consumer.getmany(partition, timeout_ms=1000)
                for record in batch.get(partition, []):
                    body = json.loads(record.value)
                    if body["payload"].get(key) == value:
                        found.append(body)
            return found
        finally:
            await consumer.stop()

    return asyncio.run(run())


def test_an_upload_is_stored_registered_and_announced(
    upload: str, store: ObjectStore, kafka_bootstrap: str, datasource: str
) -> None:
    response = post(upload, datasource, CSV, name="../../Mauzo Sales (Jan).csv")
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status"] == "received"
    task_id = body["task_id"]
    # The status URL answers at once, never 404.
    status = httpx.get(body["status_url"], auth=ADMIN)
    assert status.status_code == 200, status.text
    task = status.json()
    assert task["state"] in {"received", "validating", "failed"}  # no validator runs here
    key = f"uploads/{datasource}/{task_id}/Mauzo_Sales_Jan.csv"
    assert task["object_key"] == key
    assert task["sha256"] == hashlib.sha256(CSV).hexdigest()
    assert task["size_bytes"] == len(CSV)
    assert store.get_bytes(key) == CSV
    events = uploaded_events(kafka_bootstrap, "datasource", datasource)
    assert len(events) == 1
    assert events[0]["task_id"] == task_id
    assert events[0]["payload"] == {
        "mapping": {},
        "options": {},
        "datasource": datasource,
        "object_key": key,
        "file_name": "Mauzo_Sales_Jan.csv",
        "size_bytes": len(CSV),
        "sha256": hashlib.sha256(CSV).hexdigest(),
        "content_type": "text/csv",
        "file_kind": "csv",
    }


def test_over_the_limit_is_413_with_nothing_stored_and_no_event(
    upload: str, store: ObjectStore, kafka_bootstrap: str, datasource: str
) -> None:
    big = CSV * (LIMIT // len(CSV) + 2)

    def chunked() -> Iterator[bytes]:  # no Content-Length: the limit must hold while streaming
        boundary = "mauzo-boundary"
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="datasource"\r\n\r\n'
            f'{datasource}\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            'filename="big.csv"\r\n\r\n'
        ).encode()
        for start in range(0, len(big), 32 * 1024):
            yield big[start : start + 32 * 1024]
        yield f"\r\n--{boundary}--\r\n".encode()

    streamed = httpx.post(
        f"{upload}/api/ingest/upload",
        content=chunked(),
        headers={"content-type": "multipart/form-data; boundary=mauzo-boundary"},
        timeout=30,
        auth=ADMIN,
    )
    declared = post(upload, datasource, CSV * (2 * LIMIT // len(CSV)))
    for response in (streamed, declared):
        assert response.status_code == 413, response.text
        assert response.json()["error"]["code"] == "file_too_large"
    assert store.list(f"uploads/{datasource}/") == []
    assert uploaded_events(kafka_bootstrap, "datasource", datasource) == []


def test_binary_garbage_named_csv_is_415_with_nothing_stored(
    upload: str, store: ObjectStore, datasource: str
) -> None:
    response = post(upload, datasource, os.urandom(100_000), name="sales.csv")
    assert response.status_code == 415
    error = response.json()["error"]
    assert error["code"] == "unsupported_file_type"
    assert error["hint"]
    assert store.list(f"uploads/{datasource}/") == []


def test_the_same_bytes_again_are_a_duplicate_unless_replaced(
    upload: str, store: ObjectStore, datasource: str
) -> None:
    content = CSV + uuid.uuid4().hex.encode() + b"\n"
    first = post(upload, datasource, content).json()
    again = post(upload, datasource, content)
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert again.json()["task_id"] == again.json()["duplicate_of"] == first["task_id"]
    assert len(store.list(f"uploads/{datasource}/")) == 1
    replaced = post(upload, datasource, content, replace="true")
    assert replaced.status_code == 202
    assert replaced.json()["task_id"] != first["task_id"]
    assert len(store.list(f"uploads/{datasource}/")) == 2
    # The same bytes into another datasource are not a duplicate.
    assert post(upload, datasource + "_b", content).status_code == 202


def test_mapping_and_options_travel_with_the_task(
    upload: str, tracker: str, kafka_bootstrap: str, datasource: str
) -> None:
    response = httpx.post(
        f"{upload}/api/ingest/upload",
        data={
            "datasource": datasource,
            "mapping": json.dumps({"amount": "Net Sales", "time": "Tarehe"}),
            "options": json.dumps({"day_first": True, "timezone": "Africa/Nairobi"}),
        },
        files={"file": ("m.csv", CSV, "text/csv")},
        auth=ADMIN,
    )
    assert response.status_code == 202, response.text
    task = httpx.get(response.json()["status_url"], auth=ADMIN).json()
    assert task["mapping"] == {"amount": "Net Sales", "time": "Tarehe"}
    assert task["options"] == {"day_first": "true", "timezone": "Africa/Nairobi"}
    [event] = uploaded_events(kafka_bootstrap, "datasource", datasource)
    assert event["payload"]["mapping"] == task["mapping"]
    assert event["payload"]["options"] == task["options"]
    bad = httpx.post(
        f"{upload}/api/ingest/upload",
        data={"datasource": datasource, "mapping": "amount=Net"},
        files={"file": ("m.csv", CSV, "text/csv")},
        auth=ADMIN,
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "invalid_mapping"


def test_the_datasource_may_come_after_the_file(
    upload: str, store: ObjectStore, datasource: str
) -> None:
    boundary = "b0undary"
    raw = (
        (
            f"--{boundary}\r\nContent-Disposition: form-data; "
            'name="file"; filename="late.csv"\r\n\r\n'
        ).encode()
        + CSV
        + (
            f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="datasource"\r\n\r\n'
            f"{datasource}\r\n--{boundary}--\r\n"
        ).encode()
    )
    response = httpx.post(
        f"{upload}/api/ingest/upload",
        content=raw,
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
        auth=ADMIN,
    )
    assert response.status_code == 202, response.text
    task_id = response.json()["task_id"]
    assert store.get_bytes(f"uploads/{datasource}/{task_id}/late.csv") == CSV


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "named", "rename_to"),
    [("sales.csv", xlsx_bytes(), ".csv", ".xlsx"), ("sales.xlsx", CSV, ".xlsx", ".csv")],
)
def test_a_file_whose_name_contradicts_its_bytes_is_415_with_nothing_kept(
    upload: str,
    store: ObjectStore,
    kafka_bootstrap: str,
    datasource: str,
    name: str,
    content: bytes,
    named: str,
    rename_to: str,
) -> None:
    response = post(upload, datasource, content, name=name)
    assert response.status_code == 415, response.text
    error = response.json()["error"]
    assert error["code"] == "extension_mismatch"
    assert f"named {named}" in error["message"]
    assert f"Rename the file to {rename_to} and upload again" in error["hint"]
    assert store.list(f"uploads/{datasource}/") == []
    assert uploaded_events(kafka_bootstrap, "datasource", datasource) == []


def raw_form(upload: str, datasource: bytes, filename: bytes, content: bytes) -> httpx.Response:
    """A hand-made multipart body, so control bytes reach the server unescaped."""
    boundary = b"ctl-boundary"
    body = (
        b"--"
        + boundary
        + b'\r\nContent-Disposition: form-data; name="datasource"\r\n\r\n'
        + datasource
        + b"\r\n--"
        + boundary
        + b'\r\nContent-Disposition: form-data; name="file"; filename="'
        + filename
        + b'"\r\n\r\n'
        + content
        + b"\r\n--"
        + boundary
        + b"--\r\n"
    )
    return httpx.post(
        f"{upload}/api/ingest/upload",
        content=body,
        headers={"content-type": "multipart/form-data; boundary=ctl-boundary"},
        auth=ADMIN,
    )


def test_control_characters_in_the_file_name_are_cleaned_out_of_the_key(
    upload: str, store: ObjectStore, datasource: str
) -> None:
    response = raw_form(upload, datasource.encode(), b"Mauzo\x1b[2J\x00\x07sales\x7f\x08.csv", CSV)
    assert response.status_code == 202, response.text
    task = httpx.get(response.json()["status_url"], auth=ADMIN).json()
    assert task["file_name"] == "Mauzo_2J_sales.csv"
    assert task["object_key"] == f"uploads/{datasource}/{task['task_id']}/Mauzo_2J_sales.csv"
    assert store.get_bytes(task["object_key"]) == CSV


@pytest.mark.parametrize("control", [b"\x00", b"\x1b", b"\x7f", b"\xc2\x85", b"\xe2\x80\xae"])
def test_a_datasource_with_control_characters_is_refused_with_nothing_kept(
    upload: str, store: ObjectStore, datasource: str, control: bytes
) -> None:
    response = raw_form(upload, datasource.encode() + control, b"sales.csv", CSV)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_datasource"
    assert "control character U+" in error["message"]
    assert store.list(f"uploads/{datasource}/") == []


@pytest.mark.parametrize(
    ("datasource_value", "files", "status", "code"),
    [
        ("../etc", {"file": ("a.csv", CSV)}, 422, "invalid_datasource"),
        ("sales", {"note": (None, "no file here")}, 422, "missing_file"),
        ("sales", {"file": ("a.csv", b"")}, 422, "empty_file"),
    ],
)
def test_bad_requests_are_refused_with_the_error_shape(
    upload: str, datasource_value: str, files: Any, status: int, code: str
) -> None:
    response = httpx.post(
        f"{upload}/api/ingest/upload",
        data={"datasource": datasource_value},
        files=files,
        auth=ADMIN,
    )
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def test_not_multipart_is_415(upload: str) -> None:
    response = httpx.post(f"{upload}/api/ingest/upload", json={"file": "x"}, auth=ADMIN)
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "not_multipart"


def test_task_tracker_down_is_503_and_nothing_is_kept(
    upload_settings: UploadSettings, serve: Any, store: ObjectStore, datasource: str
) -> None:
    settings = upload_settings.model_copy(
        update={"task_tracker_url": f"http://127.0.0.1:{free_port()}"}
    )
    with serve(create_app(settings)) as served:
        response = post(served.url, datasource, CSV)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "task_tracker_unavailable"
    assert store.list(f"uploads/{datasource}/") == []


def test_broker_down_is_503_the_object_is_deleted_and_the_task_failed(
    upload_settings: UploadSettings,
    serve: Any,
    store: ObjectStore,
    tracker: str,
    datasource: str,
    tmp_path: Path,
) -> None:
    with tansu_broker(tmp_path / "broker.log") as bootstrap:
        settings = upload_settings.model_copy(
            update={"kafka_bootstrap": bootstrap, "publish_timeout_seconds": 2.0}
        )
        served = serve(create_app(settings)).__enter__()
    try:  # the broker is gone now
        response = post(served.url, datasource, CSV)
    finally:
        served.__exit__(None, None, None)
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "broker_unavailable"
    assert store.list(f"uploads/{datasource}/") == []
    tasks = httpx.get(
        f"{tracker}/api/ingest/tasks", params={"datasource": datasource}, auth=ADMIN
    ).json()
    assert [t["state"] for t in tasks["tasks"]] == ["failed"]
    assert tasks["tasks"][0]["error"]["code"] == "broker_unavailable"


def test_broker_and_tracker_gone_after_registration_leave_the_upload_to_recovery(
    upload_settings: UploadSettings,
    serve: Any,
    store: ObjectStore,
    kafka_bootstrap: str,
    datasource: str,
    tmp_path: Path,
) -> None:
    """Registered, then the broker and task-tracker went away (an embedded broker's restart
    stops every client): the task cannot be failed, so it keeps its file and the upload is
    accepted; the tracker's reconciler publishes FileUploaded for it once it is back."""
    tracker_settings = TrackerSettings(
        kafka_bootstrap=kafka_bootstrap,
        data_dir=tmp_path / "tracker",
        druid_overlord_url=f"http://127.0.0.1:{free_port()}",
    )
    tracker = serve(create_tracker(tracker_settings)).__enter__()
    with tansu_broker(tmp_path / "broker.log") as bootstrap:
        settings = upload_settings.model_copy(
            update={
                "kafka_bootstrap": bootstrap,
                "task_tracker_url": tracker.url,
                "publish_timeout_seconds": 2.0,
            }
        )
        served = serve(create_app(settings)).__enter__()

    def registered() -> bool:
        listed = httpx.get(
            f"{tracker.url}/api/ingest/tasks", params={"datasource": datasource}, auth=ADMIN
        )
        return bool(listed.json()["tasks"])

    def stop_tracker_once_registered() -> None:
        wait_until(registered, 20, "the upload registered")
        tracker.__exit__(None, None, None)

    stopper = threading.Thread(target=stop_tracker_once_registered)
    stopper.start()
    try:  # the broker is gone now, and the tracker goes while upload waits for it
        response = post(served.url, datasource, CSV)
    finally:
        stopper.join(30)
        served.__exit__(None, None, None)
    assert response.status_code == 202, response.text
    task_id = response.json()["task_id"]
    assert len(store.list(f"uploads/{datasource}/")) == 1, "the file is kept for the replay"
    with serve(create_tracker(tracker_settings)) as back:
        status = httpx.get(f"{back.url}/api/ingest/status/{task_id}", auth=ADMIN).json()
    assert status["state"] == "received", status


def test_unknown_route_validation_and_domain_errors_share_one_shape(upload: str) -> None:
    rid = {"x-request-id": "upload-rid-1"}
    unknown = httpx.get(f"{upload}/api/nowhere", headers=rid, auth=ADMIN)
    invalid = httpx.post(
        f"{upload}/api/ingest/upload?replace=maybe", json={}, headers=rid, auth=ADMIN
    )
    domain = httpx.post(f"{upload}/api/ingest/upload", json={"file": "x"}, headers=rid, auth=ADMIN)
    assert_error_body(unknown, 404, "not_found")
    assert "query.replace" in assert_error_body(invalid, 422, "invalid_request")["message"]
    assert assert_error_body(domain, 415, "not_multipart")["hint"]
    for response in (unknown, invalid, domain):
        assert response.headers["x-request-id"] == "upload-rid-1"
