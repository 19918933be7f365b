"""The one DuckDB file olap-lite owns: datasource tables in `main`, bookkeeping in `olap_meta`.

DuckDB takes a file lock, so a second process cannot open the same file: one process owns it.
Every thread works through its own cursor (a DuckDB connection to the same database); writers
that change datasources serialise on `write_lock` so chunk replacement never races.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

META = "olap_meta"

_SCHEMA = f"""
CREATE SCHEMA IF NOT EXISTS {META};
CREATE TABLE IF NOT EXISTS {META}.tasks (
    id VARCHAR NOT NULL, group_id VARCHAR, type VARCHAR, datasource VARCHAR,
    created_time TIMESTAMP, status VARCHAR, runner_status VARCHAR, duration BIGINT,
    error_msg VARCHAR, payload VARCHAR, report VARCHAR, log VARCHAR
);
CREATE TABLE IF NOT EXISTS {META}.segments (
    id VARCHAR NOT NULL, datasource VARCHAR, start_ts TIMESTAMP, end_ts TIMESTAMP,
    version VARCHAR, partition_num INTEGER, task_id VARCHAR, num_rows BIGINT,
    size_bytes BIGINT, used BOOLEAN, dimensions VARCHAR, metrics VARCHAR
);
CREATE TABLE IF NOT EXISTS {META}.columns (
    datasource VARCHAR NOT NULL, name VARCHAR NOT NULL, role VARCHAR, duck_type VARCHAR,
    position INTEGER
);
"""


DuckDBConfig = dict[str, str | bool | int | float | list[str]]


def connection_config(
    threads: int | None, memory_limit: str | None, checkpoint_threshold: str | None = None
) -> DuckDBConfig:
    """The one configuration every connection to the database file must share (DuckDB refuses
    a second connection to the same file with another)."""
    # Druid keeps no row order but time (queries order only by ORDER BY), and DuckDB loads a
    # file about twice as fast when it need not keep the order rows were read in.
    config: DuckDBConfig = {"preserve_insertion_order": False}
    if threads:
        config["threads"] = threads
    if memory_limit:
        config["memory_limit"] = memory_limit
    if checkpoint_threshold:
        config["checkpoint_threshold"] = checkpoint_threshold
    return config


class Database:
    def __init__(
        self,
        path: Path,
        *,
        threads: int | None = None,
        memory_limit: str | None = None,
        checkpoint_threshold: str | None = None,
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        config = connection_config(threads, memory_limit, checkpoint_threshold)
        self._conn = duckdb.connect(str(path), config=config)
        self._local = threading.local()
        self.write_lock = threading.RLock()
        self._datasource_locks: dict[str, threading.RLock] = {}
        self._locks_guard = threading.Lock()
        self._conn.execute("SET TimeZone = 'UTC'")
        self._conn.execute(_SCHEMA)

    def datasource_lock(self, datasource: str) -> threading.RLock:
        """Held by an overwriting task from start to publish, and by every publish to it.

        Druid's time-chunk locks: a task that replaces a datasource's chunks (a reindex above
        all, which reads the rows it rewrites) runs alone against it, so an append published
        meanwhile is never overwritten by rows read or built before it existed.
        """
        with self._locks_guard:
            return self._datasource_locks.setdefault(datasource, threading.RLock())

    def publish_lock(self, datasource: str) -> PublishLock:
        """The datasource's lock, then the write lock (always in that order: no deadlock)."""
        return PublishLock(self.datasource_lock(datasource), self.write_lock)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A fresh connection to the database, in UTC (the caller closes it)."""
        cur = self._conn.cursor()
        cur.execute("SET TimeZone = 'UTC'")
        return cur

    def thread_cursor(self) -> duckdb.DuckDBPyConnection:
        """The calling thread's reusable cursor (one query at a time per thread)."""
        cur: duckdb.DuckDBPyConnection | None = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self.cursor()
            self._local.cursor = cur
        return cur

    def close(self) -> None:
        try:
            self._conn.execute("CHECKPOINT")
        finally:
            self._conn.close()


@contextmanager
def transaction(cur: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN ... COMMIT; rolled back when the block (or the commit) raises anything."""
    cur.execute("BEGIN TRANSACTION")
    try:
        yield cur
        cur.execute("COMMIT")
    except BaseException:
        cur.execute("ROLLBACK")
        raise


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class PublishLock:
    """Two reentrant locks taken in a fixed order; reusable like a lock."""

    def __init__(self, first: threading.RLock, second: threading.RLock) -> None:
        self._first, self._second = first, second

    def __enter__(self) -> None:
        self._first.acquire()
        self._second.acquire()

    def __exit__(self, *exc: object) -> None:
        self._second.release()
        self._first.release()
