"""Progress percent and seconds per stage, from the task's history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mauzo_task_tracker.detail import links_of, percent_of, timings_of
from mauzo_task_tracker.schemas import HistoryEntry

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def entry(state: str, seconds: float) -> HistoryEntry:
    return HistoryEntry(state=state, at=T0 + timedelta(seconds=seconds))


def test_progress_follows_the_stage() -> None:
    assert [percent_of(s) for s in ("received", "validating", "validated", "submitted")] == [
        5,
        25,
        50,
        75,
    ]
    assert {percent_of(s) for s in ("succeeded", "failed", "rejected", "retracted")} == {100}


def test_timings_are_the_seconds_between_stages() -> None:
    history = [
        entry("received", 0),
        entry("validating", 1.5),
        entry("validated", 4),
        entry("submitted", 5),
        entry("succeeded", 9),
    ]
    assert timings_of(history) == {
        "received": 1.5,
        "validating": 2.5,
        "validated": 1.0,
        "submitted": 4.0,
    }


def test_a_running_stage_counts_until_now() -> None:
    history = [entry("received", 0), entry("validating", 2)]
    assert timings_of(history, now=T0 + timedelta(seconds=7)) == {
        "received": 2.0,
        "validating": 5.0,
    }


def test_links_are_present_only_for_what_exists() -> None:
    assert links_of("t1", "reports/x.json", None).model_dump() == {
        "report": "/api/ingest/tasks/t1/report",
        "rejected_rows": None,
    }
