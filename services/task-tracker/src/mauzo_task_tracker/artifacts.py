"""Downloads of what the validator left for a task: the quality report and the rejected rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from mauzo_common.errors import NotFound
from mauzo_common.object_store import ObjectNotFound, ObjectStore

CHUNK = 1 << 16


class ArtifactMissing(NotFound):
    code = "artifact_not_found"
    hint = (
        "Only validated files have a quality report; only files with bad rows have "
        "rejected rows. See `links` in the task status."
    )

    def __init__(self, task_id: str, what: str) -> None:
        super().__init__(f"Task {task_id!r} has no {what}.")
        self.task_id = task_id
        self.what = what


def read_report(store: ObjectStore, task_id: str, key: str | None) -> Any:
    if not key:
        raise ArtifactMissing(task_id, "quality report")
    try:
        return json.loads(store.get_bytes(key))
    except (ObjectNotFound, FileNotFoundError) as exc:
        raise ArtifactMissing(task_id, "quality report") from exc


def check_rejected_rows(store: ObjectStore, task_id: str, key: str | None) -> str:
    if not key or not store.exists(key):
        raise ArtifactMissing(task_id, "rejected rows")
    return key


def stream_object(store: ObjectStore, key: str) -> Iterator[bytes]:
    """The object in chunks, from a local copy that lives while the response streams."""
    with store.local_copy(key) as path, path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk
