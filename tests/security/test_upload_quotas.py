"""Upload quotas per identity, with upload's real neighbours (task-tracker, the Tansu broker)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mauzo_common.auth.principal import Role
from mauzo_common.auth.service import service_auth
from mauzo_common.testing.auth import test_tokens as signing_keys
from mauzo_common.testing.components import free_port
from mauzo_common.testing.services import Served
from mauzo_task_tracker.app import create_app as create_tracker
from mauzo_task_tracker.settings import TrackerSettings
from mauzo_upload.app import create_app as create_upload
from mauzo_upload.settings import UploadSettings

from .conftest import gated, headers_of

pytestmark = pytest.mark.kafka
FILES_PER_HOUR = 2
BYTES_PER_DAY = 40_000


def csv(rows: int) -> bytes:
    marker = uuid.uuid4().hex  # distinct bytes: never a duplicate of an earlier upload
    lines = "".join(
        f"2024-01-0{1 + i % 9} 10:00,Nairobi CBD,Sugar 2kg,Groceries,Amina,{marker},INV{i},2,"
        "300.50,250\n"
        for i in range(rows)
    )
    header = (
        "time,branch,product,product_line,salesperson,customer,invoice_id,quantity,amount,cost\n"
    )
    return (header + lines).encode()


@pytest.fixture(scope="module")
def upload(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tracker_settings = TrackerSettings(
        kafka_bootstrap=kafka_bootstrap,
        data_dir=tmp_path_factory.mktemp("tracker"),
        druid_overlord_url=f"http://127.0.0.1:{free_port()}",
    )
    data_dir: Path = tmp_path_factory.mktemp("upload")
    # The tracker as it is built (its own gate, once installed; upload sends its credentials).
    with Served(create_tracker(tracker_settings)) as tracker:
        settings = UploadSettings(
            kafka_bootstrap=kafka_bootstrap,
            task_tracker_url=tracker.url,
            data_dir=data_dir,
            max_upload_bytes=30_000,
            limits_enabled=True,
            upload_quota_files_per_hour=FILES_PER_HOUR,
            upload_quota_bytes_per_day=BYTES_PER_DAY,
        )
        app = gated(create_upload(settings))
        # The upload service's own credentials towards task-tracker (what its app.py sets once
        # service-to-service auth is in; setting them again changes nothing).
        app.state.uploader.tracker.client.auth = service_auth(signing_keys(), "upload")
        with Served(app) as served:
            yield served.url


def post(upload: str, who: str, content: bytes) -> httpx.Response:
    return httpx.post(
        f"{upload}/api/ingest/upload",
        data={"datasource": "sales"},
        files={"file": ("sales.csv", content, "text/csv")},
        headers=headers_of(who, Role.UPLOADER),
        timeout=30,
    )


def test_files_per_hour_quota_refuses_with_what_was_used_and_when_it_resets(upload: str):
    who = f"clerk-{uuid.uuid4().hex[:6]}"
    accepted = [post(upload, who, csv(5)).status_code for _ in range(FILES_PER_HOUR)]
    assert accepted == [202] * FILES_PER_HOUR
    refused = post(upload, who, csv(5))
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["code"] == "rate_limited"
    assert f"{FILES_PER_HOUR} files per hour" in error["message"]
    assert f"{FILES_PER_HOUR} used" in error["message"]
    assert "resets in" in error["message"]
    assert 0 < int(refused.headers["retry-after"]) <= 3600
    assert "MAUZO_UPLOAD_QUOTA_FILES_PER_HOUR" in error["hint"]
    # Another uploader has a quota of their own.
    assert post(upload, f"other-{uuid.uuid4().hex[:6]}", csv(5)).status_code == 202


def test_bytes_per_day_quota_counts_what_was_received(upload: str):
    who = f"bulk-{uuid.uuid4().hex[:6]}"
    big = csv(250)  # about 22 kB: one fits the day's 40 kB, two do not
    assert len(big) > BYTES_PER_DAY / 2
    assert post(upload, who, big).status_code == 202
    refused = post(upload, who, csv(250))
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert "Daily upload quota" in error["message"]
    assert "used" in error["message"]
    assert "resets in" in error["message"]
    assert int(refused.headers["retry-after"]) > 0


def test_a_single_file_over_the_size_limit_is_still_413(upload: str):
    answer = post(upload, f"huge-{uuid.uuid4().hex[:6]}", csv(1500))  # ~130 kB
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "file_too_large"


def test_a_file_bigger_than_the_whole_daily_quota_is_413_not_a_wait(upload: str):
    answer = post(upload, f"greedy-{uuid.uuid4().hex[:6]}", csv(480))  # ~41 kB > 40 kB a day
    assert answer.status_code == 413
    error = answer.json()["error"]
    assert error["code"] == "upload_over_quota"
    assert "daily upload quota of 39.1 KiB" in error["message"]


def test_services_are_not_counted(upload: str):
    codes = {
        httpx.post(
            f"{upload}/api/ingest/upload",
            data={"datasource": "sales"},
            files={"file": ("sales.csv", csv(3), "text/csv")},
            headers=headers_of("service:query-api", Role.ADMIN, kind="service"),
            timeout=30,
        ).status_code
        for _ in range(FILES_PER_HOUR + 1)
    }
    assert codes == {202}
