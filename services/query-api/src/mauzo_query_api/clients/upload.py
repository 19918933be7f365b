"""Forward an uploaded file to the upload service as a streamed multipart request.

The GraphQL multipart parser spools the file (memory up to 1 MB, then a temporary file); this
module reads it back in 64 KiB chunks into the outgoing request body, so a large file is never
held whole in memory here. The upload service answers 202 {task_id, status_url, status}.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
import structlog

from mauzo_query_api.errors import UploadRejected, UploadUnavailable

log = structlog.get_logger(__name__)

CHUNK = 64 * 1024
ERROR_CODE = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")
UNSAFE_NAME = re.compile(r'["\\\r\n\x00-\x1f]')


class ReadableFile(Protocol):
    """What a parsed upload offers (starlette's UploadFile)."""

    filename: str | None
    content_type: str | None
    size: int | None

    async def read(self, size: int = -1) -> bytes: ...


@dataclass(frozen=True)
class UploadAnswer:
    task_id: str
    status_url: str
    status: str


def safe_file_name(name: str | None) -> str:
    base = (name or "upload").replace("\\", "/").rsplit("/", 1)[-1]
    return UNSAFE_NAME.sub("_", base)[:255] or "upload"


@dataclass(frozen=True)
class MultipartBody:
    """A multipart/form-data body: the datasource field, then the file streamed in chunks."""

    file: ReadableFile
    datasource: str
    boundary: str

    @property
    def head(self) -> bytes:
        b = self.boundary
        media = self.file.content_type or "application/octet-stream"
        return (
            f'--{b}\r\nContent-Disposition: form-data; name="datasource"\r\n\r\n'
            f"{self.datasource}\r\n"
            f'--{b}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{safe_file_name(self.file.filename)}"\r\n'
            f"Content-Type: {UNSAFE_NAME.sub('_', media)}\r\n\r\n"
        ).encode()

    @property
    def tail(self) -> bytes:
        return f"\r\n--{self.boundary}--\r\n".encode()

    def headers(self) -> dict[str, str]:
        out = {"content-type": f"multipart/form-data; boundary={self.boundary}"}
        if self.file.size is not None:
            out["content-length"] = str(len(self.head) + self.file.size + len(self.tail))
        return out

    async def chunks(self) -> AsyncIterator[bytes]:
        yield self.head
        while chunk := await self.file.read(CHUNK):
            yield chunk
        yield self.tail


def rejection(response: httpx.Response) -> UploadRejected:
    """The upload service's own refusal (file type, size, name ...), passed on with its code."""
    try:
        body: Any = response.json()
    except ValueError:
        body = {}
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        error = {}
    message = str(error.get("message") or "the upload was refused")[:500]
    hint = str(error["hint"])[:300] if error.get("hint") else None
    code = str(error.get("code") or "")
    return UploadRejected(message, code=code if ERROR_CODE.match(code) else None, hint=hint)


class UploadForwarder:
    def __init__(self, uploader_url: str, client: httpx.AsyncClient) -> None:
        self.url = f"{uploader_url.rstrip('/')}/api/ingest/upload"
        self.client = client

    async def forward(self, file: ReadableFile, datasource: str, request_id: str) -> UploadAnswer:
        body = MultipartBody(file, datasource, secrets.token_hex(16))
        headers = {**body.headers(), "x-request-id": request_id}
        try:
            response = await self.client.post(
                self.url,
                content=body.chunks(),
                headers=headers,
                timeout=httpx.Timeout(600, connect=5),
            )
        except httpx.HTTPError as exc:
            log.warning("upload_unreachable", error=repr(exc))
            raise UploadUnavailable("the upload service is not reachable") from exc
        if 400 <= response.status_code < 500 and response.status_code not in (408, 429):
            log.info("upload_refused", status=response.status_code, body=response.text[:500])
            raise rejection(response)
        if response.status_code not in (200, 201, 202):
            log.error("upload_failed", status=response.status_code, body=response.text[:500])
            raise UploadUnavailable("the upload service could not take the file; try again")
        answer = response.json()
        log.info("upload_forwarded", task_id=answer.get("task_id"), datasource=datasource)
        return UploadAnswer(
            task_id=str(answer["task_id"]),
            status_url=str(answer["status_url"]),
            status=str(answer.get("status", "received")),
        )
