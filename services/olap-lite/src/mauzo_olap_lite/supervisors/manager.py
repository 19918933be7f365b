"""The supervisor manager: create/update, suspend, resume, reset, terminate; persisted in DuckDB.

Every supervisor lives in `olap_meta.supervisors`; at start-up each one is loaded again and the
ones not suspended resume from their stored offsets. Operations answer like SupervisorResource:
an unknown id is 404 `{"error": "[id] does not exist"}`; suspending a suspended supervisor is 400
`{"error": "[id] is already suspended"}` (and resuming a running one "... is already running").
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

import duckdb
import structlog

from mauzo_olap_lite.database import Database
from mauzo_olap_lite.errors import OverlordError
from mauzo_olap_lite.supervisors import store
from mauzo_olap_lite.supervisors.runner import SupervisorRunner
from mauzo_olap_lite.supervisors.spec import SupervisorSpec, parse_supervisor

log = structlog.get_logger(__name__)
T = TypeVar("T")


class SupervisorManager:
    def __init__(self, db: Database, on_published: Callable[[str], None]) -> None:
        self._db = db
        self._on_published = on_published
        self._runners: dict[str, SupervisorRunner] = {}
        self._lock = asyncio.Lock()

    async def open(self) -> int:
        """Create the tables, load every supervisor and start the ones not suspended."""
        await self._in_db(store.create_schema)
        loaded = await self._in_db(store.load_all)
        for body, totals in loaded:
            try:
                spec = parse_supervisor(body)
            except OverlordError as exc:  # stored by an older version; keep it visible in logs
                log.warning("supervisor_not_loaded", error=exc.message)
                continue
            runner = SupervisorRunner(spec, self._db, self._on_published, totals)
            self._runners[spec.id] = runner
            if not spec.suspended:
                runner.start()
            await self._show_stored(runner)
        return len(self._runners)

    async def close(self) -> None:
        await asyncio.gather(*(r.stop() for r in self._runners.values()))

    async def submit(self, body: Any) -> str:
        spec = parse_supervisor(body)
        async with self._lock:
            old = self._runners.get(spec.id)
            totals = dict(old.live.totals) if old else {}
            if old is not None:
                await old.stop()  # an update hands off to a new consumer at the stored offsets
            await self._in_db(lambda cur: store.save(cur, spec.id, spec.datasource, spec.body))
            runner = SupervisorRunner(spec, self._db, self._on_published, totals)
            self._runners[spec.id] = runner
            if not spec.suspended:
                runner.start()
        log.info("supervisor_submitted", supervisor_id=spec.id, suspended=spec.suspended)
        return spec.id

    def ids(self) -> list[str]:
        return sorted(self._runners)

    def runners(self) -> list[SupervisorRunner]:
        return [self._runners[i] for i in self.ids()]

    def get(self, sup_id: str) -> SupervisorRunner:
        runner = self._runners.get(sup_id)
        if runner is None:
            raise OverlordError(404, f"[{sup_id}] does not exist")
        return runner

    async def set_suspended(self, sup_id: str, suspended: bool) -> dict[str, Any]:
        async with self._lock:
            runner = self.get(sup_id)
            if runner.spec.suspended == suspended:
                word = "suspended" if suspended else "running"
                raise OverlordError(400, f"[{sup_id}] is already {word}")
            spec = runner.spec.with_suspended(suspended)
            await runner.stop()
            await self._in_db(lambda cur: store.save(cur, spec.id, spec.datasource, spec.body))
            self._runners[sup_id] = self._replace(runner, spec)
            await self._show_stored(self._runners[sup_id])
        return spec.body

    async def reset(self, sup_id: str) -> None:
        """Forget the stored offsets: reading restarts per useEarliestOffset (may skip or
        duplicate data, as Druid warns)."""
        async with self._lock:
            runner = self.get(sup_id)
            await runner.stop()
            await self._in_db(lambda cur: store.clear_offsets(cur, runner.spec.datasource))
            self._runners[sup_id] = self._replace(runner, runner.spec)
            await self._show_stored(self._runners[sup_id])

    async def terminate(self, sup_id: str) -> None:
        async with self._lock:
            runner = self.get(sup_id)
            await runner.stop()
            await self._in_db(lambda cur: store.remove(cur, sup_id))
            del self._runners[sup_id]

    async def history(self, sup_id: str | None) -> dict[str, list[Any]]:
        return await self._in_db(lambda cur: store.history(cur, sup_id))

    def _replace(self, old: SupervisorRunner, spec: SupervisorSpec) -> SupervisorRunner:
        runner = SupervisorRunner(spec, self._db, self._on_published, old.live.totals)
        runner.live.errors = old.live.errors
        if not spec.suspended:
            runner.start()
        return runner

    async def _show_stored(self, runner: SupervisorRunner) -> None:
        """A suspended supervisor reads nothing; its status shows the stored offsets."""
        if runner.spec.suspended:
            spec = runner.spec
            stored = await self._in_db(lambda cur: store.offsets(cur, spec.datasource, spec.topic))
            runner.live.current = stored

    async def _in_db(self, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        def run() -> T:
            cur = self._db.cursor()
            try:
                with self._db.write_lock:
                    return work(cur)
            finally:
                cur.close()

        return await asyncio.to_thread(run)
