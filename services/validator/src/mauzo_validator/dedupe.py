"""The stream stage's durable memory of event ids, so a line sent twice is loaded once.

A SQLite file beside the other embedded state (one writer: the stream stage's group member). An id
is remembered with what became of it (`loaded` or `rejected`) and when; ids older than the
retention (default 8 days, the contract promises at least 7) are forgotten in small sweeps. A
record rejected before may load later under the same id once it is fixed; a loaded one never again.

A batch's ids travel to SQLite as one JSON array (`json_each`), in order: binding them one by
one cost more in Python than SQLite's own work, and sorted keys walk the index's pages in
order instead of at random. The stream stage hands them over as a Polars column, which sorts a
batch's 20 000 ids in half the time Python's `sorted` takes. The stream stage looks ids up for
one batch while it remembers the batch before, from two threads: a lock keeps the connection's
statements apart.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal

import polars as pl

Outcome = Literal["loaded", "rejected"]


class SeenEvents:
    def __init__(self, path: Path, *, retention_seconds: float) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS seen_events (event_id TEXT PRIMARY KEY, "
            "outcome TEXT NOT NULL, seen_at REAL NOT NULL) WITHOUT ROWID"
        )
        self._db.execute("CREATE INDEX IF NOT EXISTS seen_events_at ON seen_events (seen_at)")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS stream_datasources (datasource TEXT PRIMARY KEY)"
        )
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS clean_offsets (topic TEXT NOT NULL, part INTEGER NOT "
            "NULL, next_offset INTEGER NOT NULL, PRIMARY KEY (topic, part))"
        )
        self.retention_seconds = retention_seconds
        self._lock = threading.Lock()

    def outcomes(self, event_ids: Iterable[str]) -> dict[str, Outcome]:
        """What became of each id seen before (within the retention)."""
        since = time.time() - self.retention_seconds
        with self._lock:
            rows = self._db.execute(
                "SELECT event_id, outcome FROM seen_events WHERE event_id IN "
                "(SELECT value FROM json_each(?)) AND seen_at >= ?",
                (_sorted_json(event_ids), since),
            )
            return dict(rows.fetchall())

    def remember(
        self,
        loaded: Iterable[str] = (),
        rejected: Iterable[str] = (),
        offsets: Mapping[tuple[str, int], int] | None = None,
    ) -> None:
        """The ids of a published batch by outcome and, in the same transaction, where each
        clean partition's end was after it (recovery reads the clean topics from there)."""
        now = time.time()
        by_outcome: dict[Outcome, Iterable[str]] = {"loaded": loaded, "rejected": rejected}
        with self._lock, self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT INTO clean_offsets (topic, part, next_offset) VALUES (?, ?, ?) "
                "ON CONFLICT (topic, part) DO UPDATE SET next_offset = "
                "MAX(next_offset, excluded.next_offset)",
                ((t, p, o) for (t, p), o in (offsets or {}).items()),
            )
            for outcome, ids in by_outcome.items():
                # `WHERE true`: SQLite's rule for an upsert from a SELECT.
                self._db.execute(
                    "INSERT INTO seen_events (event_id, outcome, seen_at) "
                    "SELECT value, ?, ? FROM json_each(?) WHERE true "
                    "ON CONFLICT (event_id) DO UPDATE SET outcome = excluded.outcome, "
                    "seen_at = excluded.seen_at",
                    (outcome, now, _sorted_json(ids)),
                )

    def clean_offsets(self) -> dict[tuple[str, int], int]:
        with self._lock:
            rows = self._db.execute("SELECT topic, part, next_offset FROM clean_offsets")
            return {(topic, part): offset for topic, part, offset in rows}

    def forget_old(self, limit: int = 10_000) -> int:
        cutoff = time.time() - self.retention_seconds
        with self._lock:
            cursor = self._db.execute(
                "DELETE FROM seen_events WHERE event_id IN (SELECT event_id FROM seen_events "
                "WHERE seen_at < ? LIMIT ?)",
                (cutoff, limit),
            )
            return cursor.rowcount

    def unknown_datasources(self, names: Iterable[str]) -> list[str]:
        """The names never streamed before (remembered once their StreamOpened is out)."""
        with self._lock:
            known = {r[0] for r in self._db.execute("SELECT datasource FROM stream_datasources")}
        return sorted(set(names) - known)

    def remember_datasources(self, names: Iterable[str]) -> None:
        with self._lock, self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR IGNORE INTO stream_datasources (datasource) VALUES (?)",
                ((name,) for name in names),
            )

    def close(self) -> None:
        self._db.close()


def _sorted_json(ids: Iterable[str]) -> str:
    column = ids if isinstance(ids, pl.Series) else pl.Series(list(ids), dtype=pl.String)
    return json.dumps(column.sort().to_list())
