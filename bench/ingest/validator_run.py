"""Run the validator pipeline (read + parse + validate + Parquet write) on a local CSV file."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from mauzo_common.events import FileUploaded
from mauzo_common.file_kinds import FileKind
from mauzo_common.object_store.local import LocalObjectStore
from mauzo_validator.pipeline import Outcome, validate_upload
from mauzo_validator.settings import ValidatorSettings


def run_validator(csv: Path, root: Path, task_id: str) -> Outcome:
    """Validate `csv` as an upload held in a local object store under `root` (hard-linked in)."""
    key = f"uploads/sales/{task_id}/sales.csv"
    target = root / key
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        os.link(csv, target)
    upload = FileUploaded(
        datasource="sales",
        object_key=key,
        file_name="sales.csv",
        size_bytes=csv.stat().st_size,
        sha256=hashlib.sha256(b"bench").hexdigest(),
        file_kind=FileKind.CSV,
    )
    settings = ValidatorSettings(object_store_root=root, data_dir=root)
    return validate_upload(LocalObjectStore(root), upload, task_id, settings)
