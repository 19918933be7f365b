"""Receives one multipart upload as a stream: fields checked, file sniffed, sized and hashed on
the way into the store, the size limit enforced as bytes arrive. Holds at most a few MB.

The result is a `Received` upload whose object is not yet visible: the caller commits it (or
discards it, e.g. for a duplicate), so a refused upload never leaves anything behind.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from mauzo_common.errors import InputRejected, StorageFull, TooLarge, is_disk_full
from mauzo_common.file_kinds import HEAD_BYTES, FileKind
from mauzo_common.object_store import ObjectStore
from mauzo_common.options import parse_bool
from mauzo_upload.extensions import check_extension
from mauzo_upload.multipart import MultipartStream, PartData, PartEvent, PartStarted
from mauzo_upload.naming import check_datasource, object_key, safe_file_name
from mauzo_upload.overrides import parse_overrides
from mauzo_upload.sinks import Sink, SpoolSink, StoreSink
from mauzo_upload.sniffing import TAIL_BYTES, confirm, sniff_head

WRITE_BATCH = 1024 * 1024
MAX_FIELD_BYTES = 16 * 1024
MAX_FIELDS = 16
FILE_FIELD = "file"


@dataclass
class Received:
    task_id: str
    datasource: str
    file_name: str
    object_key: str
    size_bytes: int
    sha256: str
    kind: FileKind
    replace: bool
    sink: Sink
    mapping: dict[str, str] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)

    async def commit(self) -> None:
        await self.sink.commit(self.object_key)

    async def discard(self) -> None:
        await self.sink.discard()


def too_large(limit: int) -> TooLarge:
    return TooLarge(
        "file_too_large",
        f"The file is larger than the limit of {limit:,} bytes.",
        "Split the export (e.g. one file per month) or ask for a higher MAUZO_MAX_UPLOAD_BYTES.",
    )


class _FilePart:
    """The file part as it streams: sink, size limit, head and tail kept for sniffing.

    Chunks are batched by reference, never copied, and a batch is written (hashed and stored, in
    a thread) while the next one arrives: one write at a time, so about two batches are held.
    """

    def __init__(self, sink: Sink, limit: int, file_name: str) -> None:
        self.sink = sink
        self.file_name = file_name
        self.limit = limit
        self.size = 0
        self.head = bytearray()
        self.kind: FileKind | None = None
        self._batch: list[bytes] = []
        self._batched = 0
        # The batch last handed to the sink: at least WRITE_BATCH >= TAIL_BYTES long unless it
        # is the only one, so the tail is always within it and the batch being filled.
        self._previous: list[bytes] = []
        self._writing: asyncio.Task[None] | None = None

    async def add(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise too_large(self.limit)
        if len(self.head) < HEAD_BYTES:
            self.head += data[: HEAD_BYTES - len(self.head)]
            if len(self.head) >= HEAD_BYTES:
                self.kind = sniff_head(bytes(self.head))  # refuse garbage before streaming on
                if self.kind is not FileKind.XLSX:  # any ZIP says XLSX until its end is seen
                    check_extension(self.file_name, self.kind)
        self._batch.append(data)
        self._batched += len(data)
        if self._batched >= WRITE_BATCH:
            await self._flush()

    async def _flush(self) -> None:
        await self._written()
        if self._batch:
            self._writing = asyncio.create_task(self.sink.write(self._batch))
            self._previous, self._batch, self._batched = self._batch, [], 0

    async def _written(self) -> None:
        if self._writing is not None:
            # Shielded: a cancelled upload must still let the write end before `discard`.
            await asyncio.shield(self._writing)
            self._writing = None

    async def finish(self) -> FileKind:
        tail = _last_bytes(self._previous + self._batch, TAIL_BYTES)
        await self._flush()
        await self._written()
        head = bytes(self.head)
        kind = confirm(self.kind or sniff_head(head), head, tail)
        check_extension(self.file_name, kind)
        return kind

    async def discard(self) -> None:
        if self._writing is not None:
            with suppress(Exception):  # a failed write is moot: nothing is kept
                await asyncio.shield(self._writing)
        await self.sink.discard()


def _last_bytes(chunks: list[bytes], count: int) -> bytes:
    """The last `count` bytes of the chunks, joining only the chunks they span."""
    start, spanned = len(chunks), 0
    while start > 0 and spanned < count:
        start -= 1
        spanned += len(chunks[start])
    return b"".join(chunks[start:])[-count:]


async def receive(
    chunks: AsyncIterator[bytes],
    content_type: str,
    *,
    task_id: str,
    store: ObjectStore,
    spool_dir: Path,
    max_bytes: int,
    datasource: str | None = None,
    replace: bool = False,
) -> Received:
    """Stream one upload into a not-yet-visible object; raises InputRejected with nothing kept."""
    form = _Form(task_id, store, spool_dir, max_bytes, datasource)
    stream = MultipartStream(content_type)
    try:
        async for chunk in chunks:
            for event in stream.feed(chunk):
                await form.handle(event)
        stream.finish()
        return await form.result(replace)
    except BaseException as exc:
        if form.file is not None:
            await form.file.discard()
        if is_disk_full(exc):
            raise StorageFull("The uploaded file") from exc
        raise


class _Form:
    """The form's fields and its one file, filled in as part events arrive."""

    def __init__(
        self,
        task_id: str,
        store: ObjectStore,
        spool_dir: Path,
        max_bytes: int,
        datasource: str | None,
    ) -> None:
        self.task_id = task_id
        self.store = store
        self.spool_dir = spool_dir
        self.max_bytes = max_bytes
        self.datasource = datasource
        self.fields: dict[str, bytearray] = {}
        self.file: _FilePart | None = None
        self.file_name = ""
        self._field: bytearray | None = None
        self._in_file = False

    async def handle(self, event: PartEvent) -> None:
        if isinstance(event, PartStarted):
            if event.name == FILE_FIELD and event.filename is not None:
                await self._start_file(event.filename)
            else:
                self._start_field(event.name)
        elif isinstance(event, PartData):
            if self._in_file and self.file is not None:
                await self.file.add(event.data)
            elif self._field is not None:
                self._field += event.data
                if len(self._field) > MAX_FIELD_BYTES:
                    raise InputRejected(
                        "field_too_long",
                        "A form field is too long.",
                        f"Fields other than the file hold at most {MAX_FIELD_BYTES} bytes.",
                    )
        else:
            self._in_file, self._field = False, None

    async def _start_file(self, filename: str) -> None:
        if self.file is not None:
            raise InputRejected(
                "too_many_files", "More than one file was sent.", "Upload one file per request."
            )
        self.file_name = safe_file_name(filename)
        if "datasource" in self.fields:
            self.datasource = self.fields["datasource"].decode("utf-8", "replace")
        sink: Sink
        if self.datasource is None:
            # The datasource field comes after the file: spool to disk until the key is known.
            sink = SpoolSink(self.store, self.spool_dir)
        else:
            key = object_key(self.datasource, self.task_id, self.file_name)
            sink = await StoreSink(self.store, key).open()
        self.file = _FilePart(sink, self.max_bytes, self.file_name)
        self._in_file = True

    def _start_field(self, name: str) -> None:
        if name in self.fields:
            raise InputRejected(
                "duplicate_field",
                f"The form field {name[:40]!r} was sent twice.",
                "Send each form field once.",
            )
        if len(self.fields) >= MAX_FIELDS:
            raise InputRejected(
                "too_many_fields",
                "The form has too many fields.",
                "Send `file`, `datasource` and optionally `replace`, `mapping`, `options`.",
            )
        self._field = self.fields[name] = bytearray()

    async def result(self, replace: bool) -> Received:
        if self.file is None:
            raise InputRejected(
                "missing_file",
                "No file was sent.",
                "Send the file in a form field named `file` (curl -F file=@sales.csv …).",
            )
        if "datasource" in self.fields:
            self.datasource = self.fields["datasource"].decode("utf-8", "replace")
        datasource = check_datasource(self.datasource)
        if "replace" in self.fields:
            replace = parse_bool(self._text("replace")) is True
        mapping = parse_overrides("mapping", self._text("mapping"))
        options = parse_overrides("options", self._text("options"))
        key = object_key(datasource, self.task_id, self.file_name)
        if isinstance(self.file.sink, StoreSink) and self.file.sink.key != key:
            raise InputRejected(
                "conflicting_datasource",
                "The form's datasource differs from the one in the URL.",
                "Give the datasource once, as a form field or as ?datasource=.",
            )
        kind = await self.file.finish()
        return Received(
            task_id=self.task_id,
            datasource=datasource,
            file_name=self.file_name,
            object_key=key,
            size_bytes=self.file.sink.size,
            sha256=self.file.sink.sha256,
            kind=kind,
            replace=replace,
            sink=self.file.sink,
            mapping=mapping,
            options=options,
        )

    def _text(self, name: str) -> str | None:
        value = self.fields.get(name)
        return value.decode("utf-8", "replace") if value is not None else None
