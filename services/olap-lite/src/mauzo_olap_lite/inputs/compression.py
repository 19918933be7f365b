"""Compressed inputs Druid detects by file extension that DuckDB cannot read itself.

DuckDB reads `.gz` and `.zst` directly; `.bz2`, `.xz` and `.zip` are decompressed (streamed, in
chunks) into the task's work directory first. As in Druid, a `.zip` contributes its first entry.
"""

from __future__ import annotations

import bz2
import lzma
import shutil
import zipfile
from pathlib import Path
from typing import IO

from mauzo_olap_lite.inputs.base import InputError, InputFile

SUFFIXES = (".bz2", ".xz", ".zip")
CHUNK = 1 << 20


def decompressed(files: list[InputFile], workdir: Path) -> list[InputFile]:
    """The files, with every .bz2 / .xz / .zip replaced by its decompressed copy."""
    found = []
    for index, item in enumerate(files):
        suffix = item.path.suffix.lower()
        if suffix not in SUFFIXES:
            found.append(item)
            continue
        target = workdir / f"decompressed-{index}" / item.path.stem
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            _copy(item.path, suffix, target)
        except (OSError, EOFError, lzma.LZMAError, zipfile.BadZipFile) as exc:
            raise InputError(f"Cannot decompress [{item.uri}]: {exc}") from exc
        found.append(InputFile(target, item.uri, item.size))
    return found


def _copy(path: Path, suffix: str, target: Path) -> None:
    if suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            entries = [e for e in archive.infolist() if not e.is_dir()]
            if not entries:
                raise InputError(f"Zip file [{path.name}] has no entries")
            with archive.open(entries[0]) as source:
                _write(source, target)
        return
    opener = bz2.open if suffix == ".bz2" else lzma.open
    with opener(path, "rb") as source:
        _write(source, target)


def _write(source: IO[bytes], target: Path) -> None:
    with target.open("wb") as sink:
        shutil.copyfileobj(source, sink, CHUNK)
