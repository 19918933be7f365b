"""Status long-polling: a client asks to be answered once its task leaves the state it last saw.

Waiting clients are woken as soon as this process records an event or a completion; changes
recorded by another task-tracker replica are picked up by re-reading the task every `recheck`
seconds, so a long-poll never waits on a change it could not hear of.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

from mauzo_task_tracker.schemas import TaskStatus


class TaskChanges:
    def __init__(self, recheck: float = 0.25) -> None:
        self._changed = asyncio.Event()
        self._recheck = recheck

    def notify(self) -> None:
        """Wake every waiter (each re-reads its own task)."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for_change(
        self, read: Callable[[], TaskStatus], seen: str, longest: float
    ) -> TaskStatus:
        """The task once its state is no longer `seen`, or as it is after `longest` seconds."""
        deadline = time.monotonic() + longest
        while True:
            changed = self._changed  # taken before reading, so no notification is missed
            task = await asyncio.to_thread(read)
            remaining = deadline - time.monotonic()
            if task.state != seen or remaining <= 0:
                return task
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), min(remaining, self._recheck))
