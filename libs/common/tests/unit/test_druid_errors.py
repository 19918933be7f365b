"""What each of Druid's error answers means (docs/druid.md#error-bodies)."""

from __future__ import annotations

from typing import Any

import pytest

from mauzo_common.druid.errors import DruidAnswer, DruidRefused, DruidUnavailable, druid_error
from mauzo_common.errors import TransientError

TASK = "mauzo_sales_0f3c2a9d"
URL = "http://127.0.0.1:8888/druid/indexer/v1/task"


@pytest.mark.parametrize(
    ("status", "body"),
    [
        pytest.param(400, {"error": f"Task[{TASK}] already exists!"}, id="legacy 400"),
        pytest.param(
            400,
            {
                "error": "druidException",
                "errorCode": "entryAlreadyExists",
                "persona": "USER",
                "category": "INVALID_INPUT",
                "errorMessage": f"Task[{TASK}] already exists",
                "context": {},
            },
            id="DruidException EntryAlreadyExists",
        ),
        pytest.param(
            409,
            {
                "error": "druidException",
                "errorCode": "conflict",
                "category": "CONFLICT",
                "errorMessage": "duplicate task id",
            },
            id="409 conflict",
        ),
        pytest.param(400, f"Task[{TASK}] already exists!", id="plain text body"),
    ],
)
def test_duplicate_task_id_counts_as_already_submitted(status: int, body: Any) -> None:
    assert DruidAnswer.read(status, body).already_exists


def test_a_message_that_merely_mentions_existence_is_not_a_duplicate() -> None:
    body = {
        "error": "druidException",
        "errorCode": "invalidInput",
        "category": "INVALID_INPUT",
        "errorMessage": "Column [x] already exists in the schema",
    }
    assert not DruidAnswer.read(400, body).already_exists


def test_a_spec_the_overlord_refuses_is_our_bug_and_not_transient() -> None:
    body = {
        "error": "druidException",
        "errorCode": "invalidInput",
        "category": "INVALID_INPUT",
        "errorMessage": "Cannot construct instance of `ParallelIndexIngestionSpec`",
    }
    refused = druid_error("POST", URL, DruidAnswer.read(400, body))
    assert isinstance(refused, DruidRefused)
    assert refused.answer.status == 400
    assert "ParallelIndexIngestionSpec" in str(refused)
    assert not isinstance(refused, TransientError)


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_server_errors_and_throttling_are_transient(status: int) -> None:
    error = druid_error("POST", URL, DruidAnswer.read(status, {"error": "Overlord is not leader"}))
    assert isinstance(error, DruidUnavailable)
    assert isinstance(error, TransientError)


def test_the_new_shape_is_read_into_every_field() -> None:
    answer = DruidAnswer.read(
        400,
        {
            "error": "druidException",
            "errorCode": "invalidInput",
            "persona": "USER",
            "category": "INVALID_INPUT",
            "errorMessage": "Column [nope] not found",
            "context": {"line": 1},
        },
    )
    assert (answer.status, answer.error_code, answer.category, answer.persona) == (
        400,
        "invalidInput",
        "INVALID_INPUT",
        "USER",
    )
    assert answer.message == "Column [nope] not found"
    assert answer.context == {"line": "1"}


def test_legacy_query_errors_keep_their_class_host_and_code() -> None:
    answer = DruidAnswer.read(
        504,
        {
            "error": "Query timeout",
            "errorClass": "org.apache.druid.query.QueryTimeoutException",
            "host": "broker-1:8082",
            "errorCode": "legacyQueryException",
            "category": "TIMEOUT",
            "errorMessage": "Query [q1] timed out",
        },
    )
    assert answer.error == "Query timeout"
    assert answer.error_class == "org.apache.druid.query.QueryTimeoutException"
    assert answer.host == "broker-1:8082"
    assert answer.timed_out
    assert not answer.busy


def test_old_servers_give_only_error_and_message() -> None:
    answer = DruidAnswer.read(400, {"error": "SQL parse failed", "errorMessage": "bad token"})
    assert (answer.error, answer.message, answer.category) == ("SQL parse failed", "bad token", "")
    assert not answer.timed_out
    assert not answer.transient


@pytest.mark.parametrize(
    ("status", "category"),
    [(429, ""), (503, ""), (500, "SERVICE_UNAVAILABLE"), (400, "CAPACITY_EXCEEDED")],
)
def test_busy_answers(status: int, category: str) -> None:
    assert DruidAnswer.read(status, {"category": category, "errorMessage": "busy"}).busy
