"""(c) The dashboard overview query set over HTTP on 10M rows: ingest time and a latency table.

cd /work/main && uv run python bench/olap_lite/sql_latency_10m.py [rows] [runs]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from common import (
    OVERVIEW,
    SqlClient,
    ingest_spec,
    median_ms,
    olap_lite_process,
    p95_ms,
    run_task,
    sales_parquet,
    timed,
)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    with tempfile.TemporaryDirectory(prefix="olap-bench-") as tmp:
        work = Path(tmp)
        began = time.perf_counter()
        parquet = sales_parquet(work / "sales.parquet", rows)
        print(
            f"rows={rows} generated in {time.perf_counter() - began:.1f}s "
            f"({parquet.stat().st_size / 1e6:.0f} MB parquet), runs={runs}"
        )
        with olap_lite_process(work / "olap") as client:
            began = time.perf_counter()
            status = run_task(client, ingest_spec("sales", [str(parquet)]), poll=0.05)
            assert status["statusCode"] == "SUCCESS", status
            print(f"ingest via index_parallel spec: {time.perf_counter() - began:.1f}s")
            sql = SqlClient(str(client.base_url))
            print(f"{'query':<15}{'median ms':>11}{'p95 ms':>9}{'rows':>6}")
            for name, body in OVERVIEW:
                answer = sql.post(body)
                samples = timed(lambda body=body: sql.post(body), runs)
                print(
                    f"{name:<15}{median_ms(samples):>11.1f}{p95_ms(samples):>9.1f}{len(answer):>6}"
                )


if __name__ == "__main__":
    main()
