"""The task state machine: order, duplicates and terminal states never change the outcome."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import reduce
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mauzo_common.events import (
    DEAD_LETTER_TOPIC,
    ColumnInfo,
    DeadLettered,
    Envelope,
    ErrorInfo,
    FileRejected,
    FileUploaded,
    FileValidated,
    IngestionCompleted,
    IngestionSubmitted,
    Payload,
    ValidationStarted,
)
from mauzo_common.tasks import TaskState
from mauzo_task_tracker.lifecycle import Progress, apply

TASK = "a" * 32
DS = "sales"


def event(payload: Payload, producer: str = "test") -> Envelope[Any]:
    return Envelope.wrap(payload, task_id=TASK, producer=producer)


UPLOADED = event(
    FileUploaded(
        datasource=DS,
        object_key=f"uploads/{DS}/{TASK}/a.csv",
        file_name="a.csv",
        size_bytes=10,
        sha256="0" * 64,
    )
)
STARTED = event(ValidationStarted(datasource=DS), "validator")
VALIDATED = event(
    FileValidated(
        datasource=DS,
        processed_keys=["p"],
        row_count=7,
        columns=[ColumnInfo(name="__time", type="timestamp", role="time")],
        interval_start=datetime(2024, 1, 1, tzinfo=UTC),
        interval_end=datetime(2024, 1, 2, tzinfo=UTC),
    ),
    "validator",
)
REJECTED = event(
    FileRejected(datasource=DS, error=ErrorInfo(code="no_time_column", message="m", hint="h")),
    "validator",
)
SUBMITTED = event(
    IngestionSubmitted(datasource=DS, druid_task_id=f"mauzo_{DS}_{TASK}", expected_rows=7),
    "spec-builder",
)
SUCCEEDED = event(
    IngestionCompleted(
        datasource=DS, druid_task_id=f"mauzo_{DS}_{TASK}", status="succeeded", rows_ingested=7
    ),
    "task-tracker",
)
FAILED = event(
    IngestionCompleted(
        datasource=DS,
        druid_task_id=f"mauzo_{DS}_{TASK}",
        status="failed",
        rows_ingested=0,
        error=ErrorInfo(code="druid_task_failed", message="boom"),
    ),
    "task-tracker",
)


def dead_letter(source: type[Payload], producer: str) -> Envelope[Any]:
    letter = DeadLettered(
        source_topic=source.topic(),
        attempts=4,
        error=ErrorInfo(code="handler_failed", message="store unreachable"),
        original=UPLOADED.model_dump(mode="json"),
    )
    return event(letter, producer)


DEAD_IN_VALIDATOR = dead_letter(FileUploaded, "validator")

# Every way one task's life can go: a prefix of the happy path plus at most one ending.
LIFECYCLES: list[list[Envelope[Any]]] = [
    [UPLOADED],
    [UPLOADED, STARTED],
    [UPLOADED, STARTED, VALIDATED],
    [UPLOADED, STARTED, VALIDATED, SUBMITTED],
    [UPLOADED, STARTED, VALIDATED, SUBMITTED, SUCCEEDED],
    [UPLOADED, STARTED, VALIDATED, SUBMITTED, FAILED],
    [UPLOADED, STARTED, REJECTED],
    [UPLOADED, STARTED, DEAD_IN_VALIDATOR],
    [UPLOADED, STARTED, VALIDATED, dead_letter(FileValidated, "spec-builder")],
]


def fold(events: list[Envelope[Any]]) -> Progress:
    return reduce(apply, events, Progress())


@st.composite
def shuffled_with_duplicates(draw: st.DrawFn) -> tuple[list[Envelope[Any]], list[Envelope[Any]]]:
    life = draw(st.sampled_from(LIFECYCLES))
    extra = draw(st.lists(st.sampled_from(life), max_size=6))
    return life, draw(st.permutations(life + extra))


@given(shuffled_with_duplicates())
def test_any_order_and_duplication_of_a_tasks_events_gives_the_same_task(
    case: tuple[list[Envelope[Any]], list[Envelope[Any]]],
) -> None:
    in_order, delivered = case
    assert fold(delivered) == fold(in_order)


def test_happy_path_collects_every_fact() -> None:
    task = fold([UPLOADED, STARTED, VALIDATED, SUBMITTED, SUCCEEDED])
    assert task.state == TaskState.SUCCEEDED
    assert (task.datasource, task.file_name, task.size_bytes) == (DS, "a.csv", 10)
    assert (task.rows_validated, task.expected_rows, task.rows_ingested) == (7, 7, 7)
    assert task.druid_task_id == f"mauzo_{DS}_{TASK}"
    assert task.error is None


def test_the_mapping_the_validator_applied_wins_over_the_users_in_any_order() -> None:
    sent = event(
        FileUploaded(
            datasource=DS,
            object_key="k",
            file_name="a.csv",
            size_bytes=1,
            sha256="0" * 64,
            mapping={"amount": "Net"},
            options={"day_first": "true"},
        )
    )
    applied = {"amount": "Net", "time": "Date"}
    done = event(VALIDATED.payload.model_copy(update={"mapping": applied, "rows_rejected": 2}))
    for order in ([sent, done], [done, sent]):
        task = fold(order)
        assert task.mapping == applied
        assert task.options == {"day_first": "true"}
        assert task.rows_rejected == 2


def test_validated_before_validation_started_still_ends_validated() -> None:
    assert fold([UPLOADED, VALIDATED, STARTED]).state == TaskState.VALIDATED


def test_rejection_keeps_the_validators_reason() -> None:
    task = fold([UPLOADED, STARTED, REJECTED])
    assert task.state == TaskState.REJECTED
    assert task.error == ErrorInfo(code="no_time_column", message="m", hint="h")


def test_a_late_event_does_not_reopen_a_rejected_task() -> None:
    assert fold([REJECTED, UPLOADED, STARTED, VALIDATED]).state == TaskState.REJECTED


def test_a_dead_letter_from_another_service_fails_the_task_with_its_error() -> None:
    task = fold([UPLOADED, STARTED, DEAD_IN_VALIDATOR])
    assert task.state == TaskState.FAILED
    assert task.error is not None
    assert task.error.code == "handler_failed"
    assert "validator" in task.error.message
    assert "store unreachable" in task.error.message


def test_a_dead_letter_of_the_completion_does_not_fail_the_ingestion() -> None:
    cache_failed = dead_letter(IngestionCompleted, "query-api")
    assert fold([UPLOADED, STARTED, VALIDATED, SUBMITTED, cache_failed]).state == (
        TaskState.SUBMITTED
    )
    assert fold([SUBMITTED, SUCCEEDED, cache_failed]).state == TaskState.SUCCEEDED


def test_dead_letters_of_dead_letters_and_of_the_trackers_own_failures_change_nothing() -> None:
    letter = DeadLettered(
        source_topic=DEAD_LETTER_TOPIC,
        attempts=1,
        error=ErrorInfo(code="x", message="y"),
        original={},
    )
    assert fold([UPLOADED, event(letter, "task-tracker")]).state == TaskState.RECEIVED
    own = dead_letter(ValidationStarted, "task-tracker")
    assert fold([UPLOADED, own]).state == TaskState.RECEIVED


def test_an_overlord_out_of_reach_leaves_the_load_validated_for_recovery() -> None:
    unreachable = DeadLettered(
        source_topic=FileValidated.topic(),
        attempts=4,
        error=ErrorInfo(code="olap_unavailable", message="POST …/druid/indexer/v1/task failed"),
        original={},
    )
    assert fold([UPLOADED, STARTED, VALIDATED, event(unreachable, "spec-builder")]).state == (
        TaskState.VALIDATED
    )
    refused = unreachable.model_copy(update={"error": ErrorInfo(code="olap_refused", message="")})
    assert fold([UPLOADED, VALIDATED, event(refused, "spec-builder")]).state == TaskState.FAILED


def test_an_event_for_an_unknown_task_creates_it_with_what_the_event_knows() -> None:
    task = fold([SUBMITTED])
    assert task.state == TaskState.SUBMITTED
    assert task.datasource == DS
    assert task.file_name is None
