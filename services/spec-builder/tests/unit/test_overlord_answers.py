"""What each documented Overlord answer to a task submission means.

See docs/druid.md#overlord-task-api.
"""

from __future__ import annotations

from typing import Any

import pytest

from mauzo_common.errors import TransientError
from mauzo_spec_builder.errors import OverlordRefused, OverlordUnavailable
from mauzo_spec_builder.overlord import read_submission

TASK = "mauzo_sales_0f3c2a9d"


def test_accepted_task_is_submitted() -> None:
    submission = read_submission(TASK, 200, {"task": TASK})
    assert submission.druid_task_id == TASK
    assert not submission.already_submitted


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
    submission = read_submission(TASK, status, body)
    assert submission.druid_task_id == TASK
    assert submission.already_submitted


def test_a_spec_the_overlord_refuses_is_our_bug_and_not_transient() -> None:
    body = {
        "error": "druidException",
        "errorCode": "invalidInput",
        "category": "INVALID_INPUT",
        "errorMessage": "Cannot construct instance of `ParallelIndexIngestionSpec`",
    }
    with pytest.raises(OverlordRefused, match="ParallelIndexIngestionSpec") as refused:
        read_submission(TASK, 400, body)
    assert refused.value.status_code == 400
    assert not isinstance(refused.value, TransientError)


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_server_errors_and_throttling_are_transient(status: int) -> None:
    with pytest.raises(OverlordUnavailable):
        read_submission(TASK, status, {"error": "Overlord is not leader"})
