"""Rows are stored in time order whatever order the input had (docs/druid.md#time-ordered-storage):
what lets a question about a few days skip the row groups of every other day."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from mauzo_olap_lite.database import connection_config

ROWS = 300_000  # more than two DuckDB row groups


def shuffled_sales(rows: int) -> pl.DataFrame:
    """Sales over 100 days, in an order unrelated to time."""
    start = datetime(2024, 1, 1)
    minutes = [(i * 7919) % (100 * 24 * 60) for i in range(rows)]
    return pl.DataFrame(
        {
            "__time": [start + timedelta(minutes=m) for m in minutes],
            "branch": [f"b{i % 8}" for i in range(rows)],
            "gross_revenue": [float(i % 100) for i in range(rows)],
        },
        schema_overrides={"__time": pl.Datetime("ms")},
    ).sample(fraction=1.0, shuffle=True, seed=7)


def stored_times(data_dir: Path, datasource: str) -> list[datetime]:
    """__time in storage order (rowid), read through the server's own DuckDB instance."""
    path = str(data_dir / "olap-lite.duckdb")
    with duckdb.connect(path, config=connection_config(2, None)) as db:
        rows = db.execute(f'SELECT "__time" FROM "{datasource}" ORDER BY rowid').fetchall()
    return [r[0] for r in rows]


def test_shuffled_input_is_stored_in_time_order(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    frame = shuffled_sales(ROWS)
    path = tmp_path / "sales.parquet"
    frame.write_parquet(path)
    body = make_spec(
        unique_name,
        {"type": "local", "files": [str(path)]},
        dimensions=["branch"],
        metrics=[{"type": "doubleSum", "name": "gross_revenue", "fieldName": "gross_revenue"}],
        append=True,
    )
    assert druid.run(body)["statusCode"] == "SUCCESS"

    times = stored_times(druid.data_dir, unique_name)
    assert len(times) == ROWS
    assert times == sorted(times)
    # the answers are the input's, only the storage order changed
    total = druid.sql(f'SELECT SUM(gross_revenue) AS s, COUNT(*) AS n FROM "{unique_name}"')
    assert total == [{"s": frame["gross_revenue"].sum(), "n": ROWS}]


def test_a_rolled_up_load_is_stored_in_time_order(
    druid: Any, make_spec: Any, tmp_path: Path, unique_name: str
) -> None:
    frame = shuffled_sales(ROWS)
    path = tmp_path / "sales.parquet"
    frame.write_parquet(path)
    body = make_spec(
        unique_name,
        {"type": "local", "files": [str(path)]},
        dimensions=["branch"],
        metrics=[{"type": "doubleSum", "name": "gross_revenue", "fieldName": "gross_revenue"}],
        granularity={"segmentGranularity": "day", "queryGranularity": "hour", "rollup": True},
        append=True,
    )
    assert druid.run(body)["statusCode"] == "SUCCESS"

    times = stored_times(druid.data_dir, unique_name)
    assert times == sorted(times)
    total = druid.sql(f'SELECT SUM(gross_revenue) AS s FROM "{unique_name}"')
    assert total == [{"s": frame["gross_revenue"].sum()}]
