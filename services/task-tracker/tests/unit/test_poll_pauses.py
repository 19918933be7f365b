"""How often the Overlord is polled: soon after a submission, then less and less often."""

from __future__ import annotations

import pytest

from mauzo_task_tracker.follower import PollPauses
from mauzo_task_tracker.settings import TrackerSettings


def test_a_submission_brings_the_next_poll_close_then_pauses_grow_to_the_longest() -> None:
    pauses = PollPauses(first=0.05, longest=1.0, factor=2.0)
    assert pauses.current == 1.0  # idle: the slow tick
    pauses.advance(nudged=True)
    seen = [pauses.current]
    for _ in range(6):
        pauses.advance(nudged=False)
        seen.append(pauses.current)
    assert seen == pytest.approx([0.05, 0.1, 0.2, 0.4, 0.8, 1.0, 1.0])


def test_the_delay_before_a_completion_is_seen_stays_a_fraction_of_the_run_time() -> None:
    """With the default backoff a task is seen done at most ~10 % (+ the first pause) late."""
    defaults = TrackerSettings()
    pauses = PollPauses(
        defaults.overlord_first_poll_seconds,
        defaults.overlord_poll_seconds,
        defaults.overlord_poll_backoff,
    )
    pauses.advance(nudged=True)
    polls, now = [], 0.0
    while now < 30:
        now += pauses.current
        polls.append(now)
        pauses.advance(nudged=False)
    for finished in (0.3, 1.0, 2.0, 5.0):
        seen = next(p for p in polls if p >= finished)
        assert seen - finished <= 0.1 * finished + 0.05
