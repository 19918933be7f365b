"""How long a cached answer may live: short for streamed datasources (docs/architecture.md#streams).

A file load ends with `IngestionCompleted`, which drops the datasource's cached answers at once. A
stream has no such end: its supervisor publishes rows every second. So an answer that read a
streamed datasource is kept only `stream_cache_ttl_seconds` (1 s by default, the goal is ≤ 2 s),
every other answer `cache_ttl_seconds`. The streamed names come from the supervisors Druid lists at
start and from `StreamOpened` events after that.
"""

from __future__ import annotations

from collections.abc import Iterable

ANY_DATASOURCE = "*"  # as response_cache.py tags an answer that may read any datasource


class Freshness:
    def __init__(self, *, ttl_seconds: float, stream_ttl_seconds: float) -> None:
        self.ttl = ttl_seconds
        self.stream_ttl = min(stream_ttl_seconds, ttl_seconds)
        self.streamed: set[str] = set()

    def add_streams(self, names: Iterable[str]) -> None:
        self.streamed.update(names)

    def ttl_for(self, datasources: Iterable[str]) -> float:
        """The TTL of an answer that read these datasources (`*`: possibly any of them)."""
        for name in datasources:
            if name in self.streamed or (name == ANY_DATASOURCE and self.streamed):
                return self.stream_ttl
        return self.ttl
