"""Processed Parquet as the validator writes it, for tests that load uploads into olap-lite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

START = datetime(2024, 3, 1, 6, tzinfo=UTC)


def write_upload(folder: Path, task_id: str, revenues: list[float]) -> Path:
    """One row per revenue, 9 hours apart from START (so over two days), tagged with the upload."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table(
        {
            "__time": pa.array(
                [START + timedelta(hours=9 * i) for i in range(len(revenues))],
                pa.timestamp("ms", "UTC"),
            ),
            "branch": [f"b{i % 2}" for i in range(len(revenues))],
            "upload_id": [task_id] * len(revenues),
            "gross_revenue": revenues,
        }
    )
    path = folder / f"{task_id}.parquet"
    pq.write_table(table, path)
    return path
