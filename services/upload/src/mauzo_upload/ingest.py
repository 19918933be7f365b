"""The upload use case: receive → duplicate check → store → register → publish → answer.

Ordered so that nothing is half-done: the object becomes visible only after the duplicate check;
the task is registered before the answer (the status URL never 404s); if registration or
publishing fails, the object is deleted and the task (if registered) is marked failed. When a
registered task cannot be marked failed either (the broker and task-tracker both gone: an
embedded broker's restart stops every client), it keeps its file and is left to task-tracker's
reconciler, which publishes FileUploaded for a registration that never got it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

import structlog
from faststream.kafka import KafkaBroker

from mauzo_common.errors import StorageFull, is_disk_full
from mauzo_common.events import Envelope, ErrorInfo, FileUploaded
from mauzo_common.logging import bind
from mauzo_common.messaging import publish
from mauzo_common.object_store import ObjectStore
from mauzo_common.tasks import GONE, TERMINAL
from mauzo_common.tracker_client import TaskTrackerClient, TrackerUnavailable
from mauzo_common.uploads import UploadRegistration
from mauzo_upload.errors import DependencyUnavailable
from mauzo_upload.receiving import Received, receive
from mauzo_upload.settings import UploadSettings

log = structlog.get_logger(__name__)
PRODUCER = "upload"
LOOKUP_LIMIT = 500
T = TypeVar("T")


@dataclass(frozen=True)
class Outcome:
    task_id: str
    status_url: str
    status: Literal["received", "duplicate"]
    duplicate_of: str | None = None
    restarted: bool = False  # the duplicate had stalled, and dropping it again restarted it


class Uploader:
    def __init__(
        self,
        store: ObjectStore,
        tracker: TaskTrackerClient,
        broker: KafkaBroker,
        settings: UploadSettings,
    ) -> None:
        self.store = store
        self.tracker = tracker
        self.broker = broker
        self.settings = settings
        self.spool_dir = settings.data_dir / "upload-spool"

    async def ingest(
        self,
        chunks: AsyncIterator[bytes],
        content_type: str,
        *,
        datasource: str | None = None,
        replace: bool = False,
        owner: str | None = None,
    ) -> Outcome:
        task_id = uuid.uuid4().hex
        bind(task_id=task_id)
        upload = await receive(
            chunks,
            content_type,
            task_id=task_id,
            store=self.store,
            spool_dir=Path(self.spool_dir),
            max_bytes=self.settings.max_upload_bytes,
            datasource=datasource,
            replace=replace,
        )
        try:
            first = (
                None
                if upload.replace
                else await self._first_load_of(upload.datasource, upload.sha256)
            )
        except BaseException:
            await upload.discard()
            raise
        if first is not None:
            await upload.discard()
            restarted = first.get("state") not in TERMINAL and await self._restart(first)
            first_id = str(first["task_id"])
            log.info(
                "upload_duplicate", duplicate_of=first_id, sha256=upload.sha256, restarted=restarted
            )
            return Outcome(
                first_id,
                self.tracker.status_url(first_id),
                "duplicate",
                duplicate_of=first_id,
                restarted=restarted,
            )
        try:
            await upload.commit()
        except OSError as exc:
            await upload.discard()
            if is_disk_full(exc):
                raise StorageFull("The uploaded file") from exc
            raise
        await self._announce(upload, owner)
        log.info("upload_received", size=upload.size_bytes, kind=upload.kind, key=upload.object_key)
        return Outcome(task_id, self.tracker.status_url(task_id), "received")

    async def _announce(self, upload: Received, owner: str | None = None) -> None:
        try:
            await _recorded(
                self.tracker.register(
                    UploadRegistration(
                        task_id=upload.task_id,
                        datasource=upload.datasource,
                        file_name=upload.file_name,
                        object_key=upload.object_key,
                        size_bytes=upload.size_bytes,
                        sha256=upload.sha256,
                        mapping=upload.mapping or None,
                        options=upload.options or None,
                        replace=upload.replace,
                        file_kind=upload.kind,
                        owner=owner,
                    )
                )
            )
        except BaseException:
            await asyncio.to_thread(self.store.delete, upload.object_key)
            raise
        payload = FileUploaded(
            datasource=upload.datasource,
            object_key=upload.object_key,
            file_name=upload.file_name,
            size_bytes=upload.size_bytes,
            sha256=upload.sha256,
            content_type=upload.kind.content_type,
            file_kind=upload.kind,
            mapping=upload.mapping,
            options=upload.options,
        )
        envelope = Envelope.wrap(payload, task_id=upload.task_id, producer=PRODUCER)
        try:
            await asyncio.wait_for(
                publish(self.broker, envelope), self.settings.publish_timeout_seconds
            )
        except Exception as exc:
            log.error("publish_failed", error=repr(exc))
            error = DependencyUnavailable(
                "broker_unavailable",
                "The upload could not be handed to the pipeline (the message broker did not "
                "answer). Nothing was kept.",
                "Upload the file again in a moment; if it keeps failing, check the broker.",
            )
            if not await self._abort(upload.task_id, ErrorInfo(**error.as_dict())):
                # Deleting the file now would leave a task that says `received` with nothing to
                # load, and the same bytes dropped again would follow it into object_not_found.
                log.warning("upload_left_to_reconciler", error=repr(exc))
                return
            await asyncio.to_thread(self.store.delete, upload.object_key)
            raise error from exc

    async def _restart(self, task: dict[str, object]) -> bool:
        """The same bytes dropped again while their load is unfinished: if it stalled, the
        tracker starts it again, so a lost step never leaves the user following it forever."""
        try:
            return await _recorded(self.tracker.restart(str(task["task_id"])))
        except DependencyUnavailable as exc:
            log.warning("restart_not_requested", error=exc.message)
            return False

    async def _first_load_of(self, datasource: str, sha256: str) -> dict[str, object] | None:
        """The earliest task that loaded (or is loading) these bytes into this datasource.

        Failed tasks do not count: a failure was the system's, so the user may simply retry.
        Retracted ones neither: their rows are gone (deleted, or replaced by a replace=true
        upload, which is then the one pointed at).
        """
        found = await _recorded(
            self.tracker.tasks(datasource=datasource, sha256=sha256, limit=LOOKUP_LIMIT)
        )
        tasks = [t for t in found if t.get("state") not in GONE]
        if not tasks:
            return None
        return min(tasks, key=lambda t: str(t.get("created_at", "")))

    async def _abort(self, task_id: str, error: ErrorInfo) -> bool:
        """Mark a registered task failed when its upload could not be finished; False when the
        tracker could not be told."""
        try:
            await _recorded(self.tracker.abort(task_id, error))
        except DependencyUnavailable as exc:
            log.warning("abort_not_recorded", error=exc.message)
            return False
        return True


async def _recorded(call: Awaitable[T]) -> T:
    """A tracker call, its failure said as upload says it: nothing of the upload was kept."""
    try:
        return await call
    except TrackerUnavailable as exc:
        raise DependencyUnavailable(
            "task_tracker_unavailable",
            f"The task-tracker could not record the upload ({exc.detail}). Nothing was kept.",
            "Upload the file again in a moment; if it keeps failing, check that task-tracker runs.",
        ) from exc
