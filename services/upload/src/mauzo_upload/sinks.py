"""Where streamed file bytes go: the object store directly, or a spool file on disk when the
datasource (and so the key) is only known after the file. Blocking I/O runs in threads; bytes
are hashed and counted on the way. Nothing is visible in the store before `commit`.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager, suppress
from pathlib import Path
from typing import Protocol

from mauzo_common.object_store import ObjectStore, ObjectWriter


class Sink(Protocol):
    size: int

    @property
    def sha256(self) -> str: ...

    async def write(self, chunks: list[bytes]) -> None:
        """Store the chunks in order (in a thread: the event loop keeps receiving meanwhile)."""
        ...

    async def commit(self, key: str) -> None: ...

    async def discard(self) -> None: ...


class StoreSink:
    """Streams straight into `store.writer(key)` (an S3 multipart upload or a temp file).

    The writer hashes what it stores, so its sha256 is the upload's: hashing here as well would
    double the CPU spent per byte (sha256 is most of it)."""

    def __init__(self, store: ObjectStore, key: str) -> None:
        self.key = key
        self.size = 0
        self._context: AbstractContextManager[ObjectWriter] = store.writer(key)
        self._writer: ObjectWriter | None = None

    @property
    def sha256(self) -> str:
        assert self._writer is not None
        return self._writer.sha256

    async def open(self) -> StoreSink:
        self._writer = await asyncio.to_thread(self._context.__enter__)
        return self

    async def write(self, chunks: list[bytes]) -> None:
        assert self._writer is not None
        self.size += sum(map(len, chunks))
        await asyncio.to_thread(_write_all, self._writer.write, chunks)

    async def commit(self, key: str) -> None:
        assert key == self.key, "a StoreSink writes to the key it was opened with"
        await asyncio.to_thread(self._context.__exit__, None, None, None)

    async def discard(self) -> None:
        error = RuntimeError("upload discarded")
        try:
            await asyncio.to_thread(self._context.__exit__, RuntimeError, error, None)
        except RuntimeError as exc:
            if exc is not error:
                raise


class SpoolSink:
    """Spools to a temporary file; `commit` moves it into the store once the key is known."""

    def __init__(self, store: ObjectStore, spool_dir: Path) -> None:
        spool_dir.mkdir(parents=True, exist_ok=True)
        self.size = 0
        self._store = store
        self._hash = hashlib.sha256()
        self._file = tempfile.NamedTemporaryFile(dir=spool_dir, prefix="upload-", delete=False)  # noqa: SIM115

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def _write(self, chunks: list[bytes]) -> None:
        for chunk in chunks:
            self._hash.update(chunk)
            self._file.write(chunk)

    async def write(self, chunks: list[bytes]) -> None:
        self.size += sum(map(len, chunks))
        await asyncio.to_thread(self._write, chunks)

    async def commit(self, key: str) -> None:
        self._file.close()
        try:
            # Moved, not copied: a local store renames the spool file into place, and no store
            # hashes it again (its sha256 was taken on the way in).
            await asyncio.to_thread(self._store.move_file, key, Path(self._file.name))
        finally:
            await self.discard()

    async def discard(self) -> None:
        self._file.close()
        await asyncio.to_thread(_unlink, self._file.name)


def _write_all(write: Callable[[bytes], object], chunks: list[bytes]) -> None:
    for chunk in chunks:
        write(chunk)


def _unlink(path: str) -> None:
    with suppress(FileNotFoundError):
        os.unlink(path)
