"""Object store on a local directory: the embedded default."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mauzo_common.object_store.base import (
    Hasher,
    ObjectNotFound,
    StoredObject,
    check_key,
    iter_file,
)


class _FileWriter:
    def __init__(self, handle: tempfile._TemporaryFileWrapper[bytes]) -> None:
        self._handle = handle
        self._hasher = Hasher()

    def write(self, chunk: bytes) -> None:
        self._handle.write(chunk)
        self._hasher.update(chunk)

    @property
    def size(self) -> int:
        return self._hasher.size

    @property
    def sha256(self) -> str:
        return self._hasher.sha256


class LocalObjectStore:
    kind = "local"

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"object key {key!r} escapes the store root")
        return path

    @contextmanager
    def writer(self, key: str) -> Iterator[_FileWriter]:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target and rename: readers never see half an object.
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".part-", delete=False) as tmp:
            try:
                yield _FileWriter(tmp)
            except BaseException:
                tmp.close()
                os.unlink(tmp.name)
                raise
        os.replace(tmp.name, target)

    def put_bytes(self, key: str, data: bytes) -> StoredObject:
        with self.writer(key) as w:
            w.write(data)
        return StoredObject(key, w.size, w.sha256)

    def upload_file(self, key: str, path: Path) -> StoredObject:
        with self.writer(key) as w, path.open("rb") as src:
            for chunk in iter_file(src):
                w.write(chunk)
        return StoredObject(key, w.size, w.sha256)

    def move_file(self, key: str, path: Path) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(path, target)  # atomic: readers never see half an object
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            self.upload_file(key, path)  # another filesystem: copy beside the target, rename
            path.unlink()

    def get_bytes(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError as exc:
            raise ObjectNotFound(key) from exc

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        path = self.path(key)
        if not path.is_file():
            raise ObjectNotFound(key)
        yield path

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> None:
        shutil.rmtree(self.path(prefix.rstrip("/")), ignore_errors=True)

    def list(self, prefix: str) -> list[str]:
        base = self.root / prefix
        start = base if base.is_dir() else base.parent
        if not start.exists():
            return []
        keys = (p.relative_to(self.root).as_posix() for p in start.rglob("*") if p.is_file())
        return sorted(k for k in keys if k.startswith(prefix) and not Path(k).name.startswith("."))

    def uri(self, key: str) -> str:
        return self.path(key).as_uri()
