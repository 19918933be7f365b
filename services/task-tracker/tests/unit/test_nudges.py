"""A submitter's nudge reaches the follower's wait without either holding the other."""

from __future__ import annotations

import asyncio
import time

from mauzo_task_tracker.nudges import Nudges


async def test_a_nudge_before_the_wait_ends_it_at_once() -> None:
    nudges = Nudges()
    nudges.nudge()
    started = time.monotonic()
    assert await nudges.wait(5.0)
    assert time.monotonic() - started < 1.0


async def test_without_a_nudge_the_wait_runs_out() -> None:
    assert not await Nudges().wait(0.02)


async def test_a_nudge_during_the_wait_ends_it_and_the_next_one_too() -> None:
    nudges = Nudges()
    asyncio.get_running_loop().call_later(0.02, nudges.nudge)
    assert await nudges.wait(5.0)
    assert await nudges.wait(5.0)  # the nudge is still set: one more round right away
    assert not await nudges.wait(0.02)
