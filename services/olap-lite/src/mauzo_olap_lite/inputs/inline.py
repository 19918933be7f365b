"""`inline` input source: the data is in the spec (`data`), written to one work file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mauzo_olap_lite.inputs.base import InputFile
from mauzo_olap_lite.settings import OlapLiteSettings


@dataclass(frozen=True)
class InlineInputSource:
    data: str

    def fetch(self, workdir: Path) -> list[InputFile]:
        path = workdir / "inline-data"
        path.write_text(self.data, encoding="utf-8")
        return [InputFile(path, "inline", path.stat().st_size)]


def inline_source(config: dict[str, Any], settings: OlapLiteSettings) -> InlineInputSource:
    data = config.get("data")
    if not isinstance(data, str):
        raise ValueError("inline input source needs a string `data`")
    return InlineInputSource(data)
