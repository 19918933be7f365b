"""(a) Ingest a 1M-row Parquet file through an index_parallel spec (HTTP, real olap-lite process)
versus DuckDB `CREATE TABLE AS SELECT * FROM read_parquet(...)` on the same file, same run.

    cd /work/main && uv run python bench/olap_lite/ingest_vs_ctas.py [rows] [runs]
Goal: median(spec) / median(CTAS) <= 1.2.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import duckdb
from common import ingest_spec, median_ms, olap_lite_process, run_task, sales_parquet


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with tempfile.TemporaryDirectory(prefix="olap-bench-") as tmp:
        work = Path(tmp)
        parquet = sales_parquet(work / "sales.parquet", rows)
        print(f"rows={rows} parquet={parquet.stat().st_size / 1e6:.1f} MB runs={runs}")
        ctas, spec = [], []
        with olap_lite_process(work / "olap") as client:
            for run in range(runs):
                # DuckDB baseline: a fresh file-backed database, CTAS, commit, close
                began = time.perf_counter()
                con = duckdb.connect(str(work / f"ctas-{run}.duckdb"))
                con.execute(f"CREATE TABLE sales AS SELECT * FROM read_parquet('{parquet}')")
                con.close()
                ctas.append(time.perf_counter() - began)
                # olap-lite: submit the spec and poll until SUCCESS (a fresh datasource each run)
                began = time.perf_counter()
                status = run_task(client, ingest_spec(f"sales_{run}", [str(parquet)]))
                spec.append(time.perf_counter() - began)
                assert status["statusCode"] == "SUCCESS", status
        c, s = median_ms(ctas), median_ms(spec)
        print(f"duckdb CTAS read_parquet   median {c:8.1f} ms   runs {_ms(ctas)}")
        print(f"olap-lite index_parallel   median {s:8.1f} ms   runs {_ms(spec)}")
        print(f"ratio spec/CTAS = {s / c:.2f} (goal <= 1.2)")


def _ms(samples: list[float]) -> list[int]:
    return [round(x * 1000) for x in samples]


if __name__ == "__main__":
    main()
