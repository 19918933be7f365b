"""What every input source yields: files on local disk, with the URI they came from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from mauzo_olap_lite.settings import OlapLiteSettings


@dataclass(frozen=True)
class InputFile:
    path: Path
    uri: str
    size: int


class InputSource(Protocol):
    def fetch(self, workdir: Path) -> list[InputFile]:
        """Make every input readable on local disk (downloading into `workdir` if needed)."""
        ...


class InputSourceFactory(Protocol):
    def __call__(self, config: dict[str, Any], settings: OlapLiteSettings) -> InputSource: ...


class InputError(Exception):
    """The input cannot be read: the task fails with this message."""


def password(value: Any) -> str | None:
    """Druid's PasswordProvider: a plain string or {"type": "default", "password": ...}."""
    if value is None:
        return None
    if isinstance(value, dict):
        secret = value.get("password")
        return None if secret is None else str(secret)
    return str(value)
