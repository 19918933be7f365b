"""`mauzo drop`: stream a file to the upload service with a progress bar and follow its task."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

from mauzo_common import tasks

# "duplicate" is upload's answer for bytes already loaded: nothing more will happen to follow.
TERMINAL = frozenset({*tasks.TERMINAL, "duplicate"})
CHUNK = 1 << 20


def multipart_body(
    path: Path, fields: dict[str, str], boundary: str, on_chunk: Callable[[int], None]
) -> Iterator[bytes]:
    """A multipart/form-data body generated chunk by chunk, so a big file never sits in memory."""
    for name, value in fields.items():
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    safe_name = path.name.replace('"', "_")
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{safe_name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            on_chunk(len(chunk))
            yield chunk
    yield f"\r\n--{boundary}--\r\n".encode()


def upload(
    upload_url: str,
    path: Path,
    datasource: str,
    on_chunk: Callable[[int], None],
    extra: dict[str, str] | None = None,
    auth: httpx.Auth | None = None,
) -> dict[str, Any]:
    boundary = uuid.uuid4().hex
    fields = {"datasource": datasource, **(extra or {})}
    response = httpx.post(
        f"{upload_url}/api/ingest/upload",
        content=multipart_body(path, fields, boundary, on_chunk),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        timeout=httpx.Timeout(60, read=600),
        auth=auth,
    )
    body: dict[str, Any] = response.json()
    if response.status_code >= 400:
        raise DropRefused(response.status_code, body)
    return body


class DropRefused(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        error = body.get("error") or body
        super().__init__(f"HTTP {status}: {error}")
        self.status = status
        self.body = body


def follow(
    status_url: str,
    timeout: float,
    on_state: Callable[[dict[str, Any]], None],
    auth: httpx.Auth | None = None,
) -> dict[str, Any]:
    """Poll the task until it reaches a terminal state (or the deadline passes)."""
    deadline = time.monotonic() + timeout
    last: dict[str, Any] = {}
    while time.monotonic() < deadline:
        response = httpx.get(status_url, timeout=10, auth=auth)
        if response.status_code == 200:
            last = response.json()
            on_state(last)
            if last.get("state") in TERMINAL:
                return last
        time.sleep(0.2)
    raise TimeoutError(f"task did not finish within {timeout:.0f}s; last state {last.get('state')}")
