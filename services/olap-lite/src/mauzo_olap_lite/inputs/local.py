"""`local` input source: `files` or `baseDir` + `filter` (a wildcard on file names, recursive)."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mauzo_olap_lite.inputs.base import InputError, InputFile
from mauzo_olap_lite.settings import OlapLiteSettings


@dataclass(frozen=True)
class LocalInputSource:
    files: tuple[str, ...]
    base_dir: str | None
    filter: str | None

    def fetch(self, workdir: Path) -> list[InputFile]:
        paths: list[Path] = []
        if self.base_dir is not None:
            base = Path(self.base_dir)
            if not base.is_dir():
                raise InputError(f"baseDir[{base}] does not exist or is not a directory")
            pattern = self.filter or "*"
            paths.extend(
                p
                for p in sorted(base.rglob("*"))
                if p.is_file() and fnmatch.fnmatch(p.name, pattern)
            )
        for name in self.files:
            path = Path(name)
            if not path.is_file():
                raise InputError(f"File[{path}] does not exist")
            paths.append(path)
        return [InputFile(p.resolve(), p.resolve().as_uri(), p.stat().st_size) for p in paths]


def local_source(config: dict[str, Any], settings: OlapLiteSettings) -> LocalInputSource:
    files = tuple(str(f) for f in config.get("files") or [])
    base_dir = config.get("baseDir")
    if not files and base_dir is None:
        raise ValueError("At least one of baseDir or files should be specified")
    if base_dir is not None and not config.get("filter"):
        raise ValueError("filter is required when baseDir is set")
    return LocalInputSource(files, base_dir, config.get("filter"))
