"""Asking the Overlord follower to poll now, without holding the follower.

Whoever submits a task to the Overlord (the IngestionSubmitted handler, the retractor) nudges;
the follower waits on the nudges between its rounds. Both sides share this object, made in app.py,
so no submitter imports the follower and the follower calls nobody back.
"""

from __future__ import annotations

import asyncio
import contextlib


class Nudges:
    def __init__(self) -> None:
        self._nudged = asyncio.Event()

    def nudge(self) -> None:
        """Poll now (a task was just submitted) instead of waiting for the next tick."""
        self._nudged.set()

    async def wait(self, seconds: float) -> bool:
        """Return at once when nudged since the last call, else after a nudge or `seconds`.

        True when a nudge ended the wait. A nudge that arrives during the wait stays set, so
        the round after it is followed at once by one more: a task submitted while a round was
        being polled is seen without waiting a full pause.
        """
        nudged = self._nudged.is_set()
        self._nudged.clear()
        if not nudged:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._nudged.wait(), seconds)
                nudged = True
        return nudged
