"""The object-store protocol every implementation satisfies (see the shared contract tests)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from mauzo_common.errors import NotFound


class ObjectNotFound(NotFound):
    code = "object_not_found"

    def __init__(self, key: str) -> None:
        super().__init__(f"No object {key!r} in the store.")
        self.key = key


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    sha256: str


class ObjectWriter(Protocol):
    """Receives a body chunk by chunk; the object appears only when the writer closes cleanly."""

    def write(self, chunk: bytes) -> None: ...

    @property
    def size(self) -> int: ...

    @property
    def sha256(self) -> str: ...


class ObjectStore(Protocol):
    kind: str

    def writer(self, key: str) -> AbstractContextManager[ObjectWriter]: ...

    def put_bytes(self, key: str, data: bytes) -> StoredObject: ...

    def get_bytes(self, key: str) -> bytes: ...

    def local_copy(self, key: str) -> AbstractContextManager[Path]:
        """A filesystem path holding the object for as long as the context is open."""
        ...

    def upload_file(self, key: str, path: Path) -> StoredObject: ...

    def move_file(self, key: str, path: Path) -> None:
        """Store the file under `key` and consume it: renamed into place where the store can,
        so a local store neither copies nor hashes it."""
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...

    def list(self, prefix: str) -> list[str]: ...

    def uri(self, key: str) -> str:
        """Where an external reader (Druid) finds the object: `file:///abs` or `s3://bucket/key`."""
        ...


def check_key(key: str) -> str:
    """Keys are server-generated, but a bad one must never escape the store's root."""
    parts = key.split("/")
    if not key or key.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\\" in key:
        raise ValueError(f"invalid object key {key!r}")
    return key


class Hasher:
    """Counts and hashes bytes as they stream past."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.size = 0

    def update(self, chunk: bytes) -> None:
        self._hash.update(chunk)
        self.size += len(chunk)

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()


def iter_file(handle: BinaryIO, chunk_size: int = 1 << 20) -> Iterator[bytes]:
    while chunk := handle.read(chunk_size):
        yield chunk
