"""Shared helpers: run the validation pipeline on bytes put in a local object store."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mauzo_common.events import FileUploaded
from mauzo_common.file_kinds import HEAD_BYTES, kind_of
from mauzo_common.object_store.local import LocalObjectStore
from mauzo_validator.pipeline import Outcome, validate_upload
from mauzo_validator.settings import ValidatorSettings

sys.path.insert(0, str(Path(__file__).parent))

NOW = datetime(2025, 6, 1, tzinfo=UTC)
REAL_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "real"

SKELETON_HEADER = (
    "time,branch,product,product_line,salesperson,customer,invoice_id,quantity,amount,cost"
)


def uploaded(store: LocalObjectStore, data: bytes, name: str, task_id: str) -> FileUploaded:
    key = f"uploads/sales/{task_id}/{name}"
    store.put_bytes(key, data)
    return FileUploaded(
        datasource="sales",
        object_key=key,
        file_name=name,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        file_kind=kind_of(data[:HEAD_BYTES]),  # what upload would have detected
    )


Run = Callable[..., tuple[Outcome, LocalObjectStore]]


@pytest.fixture
def run(tmp_path: Path) -> Run:
    store = LocalObjectStore(tmp_path / "objects")

    def go(
        data: bytes, name: str = "sales.csv", task_id: str = "task1", **options: Any
    ) -> tuple[Outcome, LocalObjectStore]:
        settings = ValidatorSettings(object_store_root=tmp_path / "objects", **options)
        return validate_upload(
            store, uploaded(store, data, name, task_id), task_id, settings, now=NOW
        ), store

    return go


def skeleton_csv(rows: list[str]) -> bytes:
    return ("\n".join([SKELETON_HEADER, *rows]) + "\n").encode()


def good_rows(n: int, *, day: int = 1) -> list[str]:
    return [
        f"2024-03-{day:02d} 10:{i % 60:02d}:00,Nairobi CBD,Soap,Home,Amina,ACME,"
        f"INV{i},2,{100 + i},60"
        for i in range(n)
    ]
