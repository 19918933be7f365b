"""HTTP routes of the validator: schema analysis of a file before loading (nothing is stored).

POST /api/ingest/analyze-schema takes multipart `file` plus optional `options` and `mapping` (JSON
objects) or the single options as fields (day_first, decimal_comma, timezone, sheet). The body is
counted while it streams to a temporary file and refused past `analyze_max_bytes`.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
from collections.abc import AsyncGenerator, AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartParser

from mauzo_common.auth.dependencies import guarded
from mauzo_common.auth.principal import Role
from mauzo_common.datasources import RULE, is_datasource_name
from mauzo_common.errors import MalformedRequest, TooLarge
from mauzo_common.options import OPTION_NAMES
from mauzo_validator.analysis import SchemaAnalysis, analyze
from mauzo_validator.errors import Code, rejected
from mauzo_validator.sale_events import sale_events
from mauzo_validator.settings import ValidatorSettings

# Both turn the caller's own file into an answer (its schema, its sale events) on the way to a
# load: the uploader's work. Nothing is stored and nothing already loaded is read.
router = APIRouter(prefix="/api/ingest", dependencies=guarded(Role.UPLOADER))
_SLACK = 64 * 1024  # multipart boundaries and small fields on top of the file itself


def too_large(limit: int) -> TooLarge:
    return TooLarge(
        "file_too_large",
        f"The file is larger than the {limit:,} bytes accepted.",
        "Analyse a smaller extract of the file (the first rows are enough).",
    )


@router.post("/analyze-schema", response_model=SchemaAnalysis)
async def analyze_schema(request: Request) -> SchemaAnalysis:
    settings: ValidatorSettings = request.app.state.settings
    limit = settings.analyze_max_bytes
    if int(request.headers.get("content-length") or 0) > limit + _SLACK:
        raise too_large(limit)
    _need_multipart(request)
    parser = MultiPartParser(
        request.headers, _limited(request.stream(), limit + _SLACK), max_files=1, max_fields=16
    )
    form = await parser.parse()
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise rejected(
                Code.EMPTY_FILE, "No file was sent.", "Send the file in a field named 'file'."
            )
        options, mapping = _options(form), _json_field(form, "mapping")
        with tempfile.TemporaryDirectory(prefix="analyze-", dir=settings.scratch_dir()) as tmp:
            path = Path(tmp) / "upload.bin"
            await asyncio.to_thread(_save, upload, path)
            return await asyncio.to_thread(
                analyze, path, settings, Path(tmp), options=options, mapping=mapping
            )
    finally:
        await form.close()


@router.post("/sale-events")
async def sale_events_of_file(request: Request) -> Response:
    """A sales file's rows as sale events (NDJSON), mapped and checked as a drop would be; the
    `X-Rows-Read` and `X-Rows-Refused` headers count what was read and what the rules refused."""
    settings: ValidatorSettings = request.app.state.settings
    limit = settings.analyze_max_bytes
    _need_multipart(request)  # else the parser fails on the missing boundary (a 500)
    parser = MultiPartParser(
        request.headers, _limited(request.stream(), limit + _SLACK), max_files=1, max_fields=16
    )
    form = await parser.parse()
    try:
        upload, datasource = form.get("file"), form.get("datasource")
        if not isinstance(upload, UploadFile):
            raise rejected(
                Code.EMPTY_FILE, "No file was sent.", "Send the file in a field named 'file'."
            )
        if not isinstance(datasource, str) or not is_datasource_name(datasource):
            raise MalformedRequest("invalid_datasource", f"Send a datasource: {RULE}.")
        with tempfile.TemporaryDirectory(prefix="events-", dir=settings.scratch_dir()) as tmp:
            path = Path(tmp) / "upload.bin"
            await asyncio.to_thread(_save, upload, path)
            found = await asyncio.to_thread(
                sale_events, path, datasource, settings, options=_options(form)
            )
    finally:
        await form.close()
    body = found.events.write_ndjson() if found.events.height else ""
    headers = {"x-rows-read": str(found.rows_read), "x-rows-refused": str(found.rows_refused)}
    return Response(body, media_type="application/x-ndjson", headers=headers)


def _need_multipart(request: Request) -> None:
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise rejected(
            Code.UNREADABLE_FILE,
            "Send the file as multipart/form-data in a field named 'file'.",
            "Use a form upload.",
        )


async def _limited(stream: AsyncIterator[bytes], limit: int) -> AsyncGenerator[bytes, None]:
    total = 0
    async for chunk in stream:
        total += len(chunk)
        if total > limit:
            raise too_large(limit - _SLACK)
        yield chunk


def _save(upload: UploadFile, path: Path) -> None:
    upload.file.seek(0)
    with path.open("wb") as out:
        shutil.copyfileobj(upload.file, out, 1 << 20)


def _json_field(form: FormData, name: str) -> dict[str, str]:
    raw = form.get(name)
    if not isinstance(raw, str) or not raw.strip():
        return {}
    try:
        value: Any = json.loads(raw)
    except ValueError as exc:
        raise rejected(
            Code.INVALID_OPTION, f"Field {name!r} is not valid JSON.", "Send a JSON object."
        ) from exc
    if not isinstance(value, dict):
        raise rejected(Code.INVALID_OPTION, f"Field {name!r} must be a JSON object.", "")
    return {str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in value.items()}


def _options(form: FormData) -> dict[str, str]:
    options = _json_field(form, "options")
    for name in OPTION_NAMES:
        value = form.get(name)
        if isinstance(value, str):
            options[name] = value
    return options
