"""Receives one multipart upload as a stream: fields checked, file sniffed, sized and hashed on
the way into the store, the size limit enforced as bytes arrive. Holds at most a few MB.

The result is a `Received` upload whose object is not yet visible: the caller commits it (or
discards it, e.g. for a duplicate), so a refused upload never leaves anything behind.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from mauzo_common.errors import InputRejected
from mauzo_common.object_store import ObjectStore
from mauzo_upload.extensions import check_extension
from mauzo_upload.multipart import MultipartStream, PartData, PartEvent, PartStarted
from mauzo_upload.naming import check_datasource, object_key, safe_file_name
from mauzo_upload.overrides import parse_overrides
from mauzo_upload.sinks import Sink, SpoolSink, StoreSink
from mauzo_upload.sniffing import HEAD_BYTES, TAIL_BYTES, FileKind, confirm, sniff_head

WRITE_BATCH = 1024 * 1024
MAX_FIELD_BYTES = 16 * 1024
MAX_FIELDS = 16
FILE_FIELD = "file"
TRUE = frozenset({"1", "true", "yes", "on"})


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


def too_large(limit: int) -> InputRejected:
    return InputRejected(
        "file_too_large",
        f"The file is larger than the limit of {limit:,} bytes.",
        "Split the export (e.g. one file per month) or ask for a higher MAUZO_MAX_UPLOAD_BYTES.",
    )


class _FilePart:
    """The file part as it streams: sink, size limit, head and tail kept for sniffing."""

    def __init__(self, sink: Sink, limit: int, file_name: str) -> None:
        self.sink = sink
        self.file_name = file_name
        self.limit = limit
        self.size = 0
        self.head = bytearray()
        self.tail = bytearray()
        self.kind: FileKind | None = None
        self._batch = bytearray()

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
        self._batch += data
        if len(self._batch) >= WRITE_BATCH:
            await self.flush()

    async def flush(self) -> None:
        if self._batch:
            self.tail += self._batch[-TAIL_BYTES:]
            del self.tail[:-TAIL_BYTES]
            await self.sink.write(bytes(self._batch))
            self._batch.clear()

    async def finish(self) -> FileKind:
        await self.flush()
        kind = confirm(
            self.kind or sniff_head(bytes(self.head)), bytes(self.head), bytes(self.tail)
        )
        check_extension(self.file_name, kind)
        return kind


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
    except BaseException:
        if form.file is not None:
            await form.file.sink.discard()
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
            replace = (self._text("replace") or "").strip().lower() in TRUE
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
