"""One thread that enforces query timeouts (a thread per query would cost ~0.5 ms each)."""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable


class Watchdog:
    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._cancelled: set[int] = set()
        self._ids = itertools.count()
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._loop, name="olap-sql-watchdog", daemon=True)
        self._thread.start()

    def schedule(self, seconds: float, action: Callable[[], None]) -> int:
        """Run `action` after `seconds` unless cancelled; returns a handle for `cancel`."""
        handle = next(self._ids)
        entry = (time.monotonic() + seconds, handle, action)
        with self._cond:
            heapq.heappush(self._heap, entry)
            if self._heap[0] is entry:  # only an earlier deadline needs the thread awake
                self._cond.notify()
        return handle

    def cancel(self, handle: int) -> None:
        with self._cond:
            self._cancelled.add(handle)

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._heap:
                    self._cond.wait()
                deadline, handle, action = self._heap[0]
                delay = deadline - time.monotonic()
                if delay > 0:
                    self._cond.wait(delay)
                    continue
                heapq.heappop(self._heap)
                if handle in self._cancelled:
                    self._cancelled.discard(handle)
                    continue
            action()
