"""(b) The dashboard overview query set over HTTP (real olap-lite process) versus the same SQL
in-process in DuckDB on the same data, same run. The in-process side runs exactly the DuckDB SQL
olap-lite's translator produces (same plan), so the difference is olap-lite's overhead: HTTP,
JSON, parameter binding, translation cache, result formatting.

    cd /work/main && uv run python bench/olap_lite/sql_overhead.py [rows] [runs]
Goal: median overhead <= 2 ms per query.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from common import (
    OVERVIEW,
    SqlClient,
    ingest_spec,
    median_ms,
    olap_lite_process,
    run_task,
    sales_parquet,
)

from mauzo_olap_lite.sql.context import parse_context
from mauzo_olap_lite.sql.parameters import bind_value
from mauzo_olap_lite.sql.translate import translate


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    with tempfile.TemporaryDirectory(prefix="olap-bench-") as tmp:
        work = Path(tmp)
        parquet = sales_parquet(work / "sales.parquet", rows)
        local = duckdb.connect(str(work / "local.duckdb"))
        local.execute("SET TimeZone = 'UTC'")
        local.execute(f"CREATE TABLE sales AS SELECT * FROM read_parquet('{parquet}')")
        with olap_lite_process(work / "olap") as client:
            assert run_task(client, ingest_spec("sales", [str(parquet)]))["statusCode"] == "SUCCESS"
            sql = SqlClient(str(client.base_url))
            print(f"rows={rows} runs={runs} (medians; overhead = HTTP - in-process DuckDB)")
            print(f"{'query':<15}{'http ms':>10}{'duckdb ms':>11}{'overhead ms':>13}")
            overheads = []
            for name, body in OVERVIEW:
                ctx = parse_context(body.get("context"), 300_000)
                params = body.get("parameters", [])
                tr = translate(body["query"], {"sales"}, ctx, params)
                values = [bind_value(params[i], ctx.time_zone) for i in tr.bind]
                for _ in range(3):  # warm both sides
                    sql.post(body)
                    local.execute(tr.sql, values).fetchall()
                http, inproc = [], []
                for _ in range(runs):  # interleaved, so load changes hit both sides alike
                    began = time.perf_counter()
                    sql.post(body)
                    http.append(time.perf_counter() - began)
                    began = time.perf_counter()
                    local.execute(tr.sql, values).fetchall()
                    inproc.append(time.perf_counter() - began)
                h, d = median_ms(http), median_ms(inproc)
                overheads.append(h - d)
                print(f"{name:<15}{h:>10.2f}{d:>11.2f}{h - d:>13.2f}")
            print(
                f"median overhead per query: {statistics.median(overheads):.2f} ms (goal <= 2 ms)"
            )


if __name__ == "__main__":
    main()
