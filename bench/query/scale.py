"""Overview page at scale: for each size, olap-lite's ingest time, disk and memory, and the
Overview GraphQL document's uncached p50 / p95 through a real query-api.

    uv run python bench/query/scale.py --rows 10000000 50000000 100000000
    uv run python bench/query/scale.py --rows 20000 --iterations 3      # the test suite's size

Each size gets a fresh olap-lite (its own DuckDB file) loaded with one index_parallel task over
demo-shaped Parquet parts (datagen.write_parts, cached in --work). Measured per size:
- ingest: seconds from task submission to SUCCESS;
- disk: bytes of olap-lite's data directory after the load (DuckDB file and WAL, logs excluded);
- latency: the Overview document (run.py's: KPIs, previous period, 30-day daily trend, the last 30
  days of data) against a query-api with result caching off, after 3 warm-up requests;
- memory: olap-lite's RSS after the queries and its peak (VmHWM) over load and queries, with
  DuckDB's memory_limit set by --memory-limit (MAUZO_OLAP_LITE_MEMORY_LIMIT; the goal is an
  olap-lite under 8 GB at 100M rows, and DuckDB's own default is 80 % of the machine's RAM);
- reference: the same SQL statements query-api sends, run in an in-process DuckDB over the same
  Parquet (run.py's floor), and the ratio to it: a figure that survives a busy machine, which
  the milliseconds do not (--no-reference skips it, e.g. at 100M rows).
Prints one JSON line per size and a final JSON list.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import UTC, date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import httpx
import polars as pl

sys.path.insert(0, str(Path(__file__).parent))

import datagen
import stack
from run import OVERVIEW, overview_statements, summary, timed, to_duckdb

from mauzo_query_api.olap.catalog import DatasourceSchema

DATASOURCE = "bench_sales"
ZONE = ZoneInfo("Africa/Nairobi")


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process, in kB, from /proc."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


def disk_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and p.suffix != ".log")


def last_days(parts: list[Path]) -> tuple[date, date]:
    """The last 30 days of data, in the business zone."""
    latest = pl.scan_parquet(parts).select(pl.col("__time").max()).collect().item()
    last = latest.replace(tzinfo=UTC).astimezone(ZONE).date()
    return last - timedelta(days=29), last


def overview_body(first: date, last: date) -> bytes:
    variables = {"f": {"dateFrom": first.isoformat(), "dateTo": last.isoformat()}}
    return json.dumps({"query": OVERVIEW, "variables": variables}).encode()


def reference(parts: list[Path], first: date, last: date, iterations: int) -> dict[str, Any]:
    """run.py's floor: query-api's statements in an in-process DuckDB table of the same rows."""
    duck = duckdb.connect()
    duck.execute("SET TimeZone = 'UTC'")
    files = [str(p) for p in parts]
    duck.execute(f"CREATE TABLE {DATASOURCE} AS SELECT * FROM read_parquet(?)", [files])
    columns = {r[0]: str(r[1]) for r in duck.execute(f"DESCRIBE {DATASOURCE}").fetchall()}
    statements = [
        to_duckdb(q)
        for q in overview_statements(DatasourceSchema(DATASOURCE, columns), first, last)
    ]

    def run() -> None:
        for text, params in statements:
            duck.execute(text, params).fetchall()

    try:
        return summary("duckdb_in_process", timed(run, iterations, 3))
    finally:
        duck.close()


def measure(
    rows: int, iterations: int, work: Path, with_reference: bool, memory_limit: str
) -> dict[str, Any]:
    parts = datagen.write_parts(work / f"parts-{rows}", rows)
    olap_dir = Path(tempfile.mkdtemp(prefix=f"scale-{rows}-", dir=work))
    pids: dict[str, int] = {}
    limit = {"MAUZO_OLAP_LITE_MEMORY_LIMIT": memory_limit}
    with stack.olap_lite(olap_dir, pids, **limit) as olap:
        result: dict[str, Any] = {"rows": rows, "memory_limit": memory_limit}
        result["ingest_seconds"] = round(stack.load(olap, DATASOURCE, parts), 2)
        result["disk_bytes"] = disk_bytes(olap_dir)
        first, last = last_days(parts)
        body = overview_body(first, last)
        with (
            stack.query_api(
                olap, DATASOURCE, olap_dir / "qa.log", MAUZO_CACHE_TTL_SECONDS="0"
            ) as api,
            httpx.Client(base_url=api, timeout=600, auth=stack.ADMIN) as client,
        ):

            def post() -> None:
                response = client.post(
                    "/graphql", content=body, headers={"content-type": "application/json"}
                )
                assert response.status_code == 200, response.text
                assert b'"errors"' not in response.content, response.text

            latency = summary(f"overview_uncached_{rows}", timed(post, iterations, 3))
        result["p50_ms"], result["p95_ms"] = latency["p50_ms"], latency["p95_ms"]
        memory = memory_kb(pids[olap])
        result["rss_mb"] = round(memory["VmRSS"] / 1024)
        result["peak_rss_mb"] = round(memory["VmHWM"] / 1024)
    if with_reference:
        floor = reference(parts, first, last, iterations)
        result["duckdb_p50_ms"], result["duckdb_p95_ms"] = floor["p50_ms"], floor["p95_ms"]
        result["ratio_p50"] = round(result["p50_ms"] / floor["p50_ms"], 2)
        result["ratio_p95"] = round(result["p95_ms"] / floor["p95_ms"], 2)
    print(json.dumps(result), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000_000])
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--no-reference", action="store_true")
    parser.add_argument("--memory-limit", default="6GB", help="olap-lite's DuckDB memory_limit")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "mauzo-bench")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results = [
        measure(rows, args.iterations, args.work, not args.no_reference, args.memory_limit)
        for rows in args.rows
    ]
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
