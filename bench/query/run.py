"""Overview-page benchmark: query-api (GraphQL, olap-lite) vs the same SQL in DuckDB in-process.

    uv run python bench/query/run.py --rows 10000000            # or --rows 1000000

Measures, in one run on one machine:
1. the Overview page's GraphQL document (KPIs + previous period + daily trend for the last 30
   days) against a query-api with result caching off: p50 / p95;
2. the very SQL statements query-api sends (built by its own statement builders), run
   sequentially in an in-process DuckDB on a table loaded from the same Parquet: p50 / p95,
   and the ratio GraphQL / DuckDB;
3. the same document against a caching query-api: p50 / p95 (after one warm-up);
4. throughput of that cached document at 32 concurrent clients with wrk (or loadgen.py).
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import duckdb
import httpx

sys.path.insert(0, str(Path(__file__).parent))

import datagen
import stack

from mauzo_common.auth.principal import Role
from mauzo_common.testing.auth import bearer
from mauzo_query_api.graphql.resolvers.overview import OVERVIEW_DISTINCT
from mauzo_query_api.olap.catalog import DatasourceSchema
from mauzo_query_api.olap.client import SqlQuery
from mauzo_query_api.sql.filters import SalesFilter
from mauzo_query_api.sql.split import kpi_queries
from mauzo_query_api.sql.statements import KpiStatement
from mauzo_query_api.sql.timewindow import Granularity, window

DATASOURCE = "bench_sales"
ZONE = ZoneInfo("Africa/Nairobi")
KPIS = (
    "netSales grossRevenue returnsValue cost grossProfit grossMargin transactions "
    "averageTransactionValue returnRate unitsSold unitsReturned uniqueCustomers lines"
)
OVERVIEW = f"""query Overview($f: SalesFilterInput) {{
  salesOverview(filter: $f) {{ {KPIS} uniqueProducts uniqueBranches uniqueSalespeople
    period {{ dateFrom dateTo }} previous {{ {KPIS} }}
    growth {{ netSales grossProfit grossMargin transactions averageTransactionValue }} }}
  salesTrend(filter: $f, granularity: DAY) {{ bucket netSales grossProfit transactions }}
}}"""


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(call: Callable[[], Any], n: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        call()
    out = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    return out


def summary(name: str, ms: list[float]) -> dict[str, Any]:
    row = {
        "name": name,
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 3),
        "p95_ms": round(percentile(ms, 0.95), 3),
    }
    print(json.dumps(row), flush=True)
    return row


def overview_statements(schema: DatasourceSchema, first: date, last: date) -> list[SqlQuery]:
    """What the salesOverview and salesTrend resolvers send for this filter (see resolvers/):
    each KPI question as split.py's parts."""
    flt = SalesFilter(first, last)
    before = window(first, last, ZONE).previous(ZONE)
    specs = [
        (flt, KpiStatement(distinct=OVERVIEW_DISTINCT)),
        (flt.with_dates(before.date_from, before.date_to), KpiStatement()),
        # OVERVIEW's salesTrend selects no uniqueCustomers
        (flt, KpiStatement(bucket=Granularity.DAY, limit=10_001, customers=False)),
    ]
    return [q for f, spec in specs for q in kpi_queries(schema, f, ZONE, spec)]


TIME_FLOOR = re.compile(r"TIME_FLOOR\(__time, 'P1D', NULL, '([A-Za-z_/]+)'\)")


def to_duckdb(query: SqlQuery) -> tuple[str, list[Any]]:
    """The one Druid function in these statements, in DuckDB spelling; parameters typed."""
    text = TIME_FLOOR.sub(r"time_bucket(INTERVAL 1 DAY, __time, '\1')", query.text)
    if text != query.text:
        # Results carry the bucket as text (as olap-lite renders it): no pytz needed here.
        text = f"SELECT * REPLACE (CAST(bucket AS VARCHAR) AS bucket) FROM ({text})"
    params: list[Any] = [
        datetime.fromisoformat(str(p.value) + "+00:00") if p.type == "TIMESTAMP" else p.value
        for p in query.params
    ]
    return text, params


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--cached-iterations", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "mauzo-bench")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    parquet = datagen.write(args.work / f"sales-{args.rows}.parquet", args.rows)
    results: dict[str, Any] = {"rows": args.rows}

    olap_dir = Path(tempfile.mkdtemp(prefix="olap-", dir=args.work))
    with stack.olap_lite(olap_dir) as olap:
        results["load_seconds"] = round(stack.load(olap, DATASOURCE, parquet), 1)
        print(json.dumps({"load_seconds": results["load_seconds"]}), flush=True)

        duck = duckdb.connect()
        duck.execute("SET TimeZone = 'UTC'")
        duck.execute(f"CREATE TABLE {DATASOURCE} AS SELECT * FROM read_parquet(?)", [str(parquet)])
        columns = {r[0]: str(r[1]) for r in duck.execute(f"DESCRIBE {DATASOURCE}").fetchall()}
        schema = DatasourceSchema(DATASOURCE, columns)
        last = duck.execute(
            f"SELECT CAST(timezone('Africa/Nairobi', MAX(__time)) AS DATE) FROM {DATASOURCE}"
        ).fetchone()[0]  # type: ignore[index]
        first = last - timedelta(days=29)
        statements = [to_duckdb(q) for q in overview_statements(schema, first, last)]
        variables = {"f": {"dateFrom": first.isoformat(), "dateTo": last.isoformat()}}
        body = json.dumps({"query": OVERVIEW, "variables": variables}).encode()

        def run_duck() -> None:
            for text, params in statements:
                duck.execute(text, params).fetchall()

        def poster(_: httpx.Client, url: str) -> Callable[[], None]:
            """A keep-alive http.client connection: less client overhead than httpx."""
            connection = http.client.HTTPConnection(urlsplit(url).netloc, timeout=120)
            headers = {"content-type": "application/json", **bearer(Role.ADMIN)}

            def post() -> None:
                connection.request("POST", "/graphql", body=body, headers=headers)
                response = connection.getresponse()
                answer = response.read()
                assert response.status == 200, answer
                assert b'"errors"' not in answer, answer

            return post

        with (
            stack.query_api(
                olap, DATASOURCE, args.work / "qa-uncached.log", MAUZO_CACHE_TTL_SECONDS="0"
            ) as uncached,
            httpx.Client(timeout=120, auth=stack.ADMIN) as client,
        ):
            gql = summary("graphql_uncached", timed(poster(client, uncached), args.iterations, 3))
        duck_row = summary("duckdb_in_process", timed(run_duck, args.iterations, 3))
        results["uncached"] = gql
        results["duckdb"] = duck_row
        results["ratio_p50"] = round(gql["p50_ms"] / duck_row["p50_ms"], 3)
        results["ratio_p95"] = round(gql["p95_ms"] / duck_row["p95_ms"], 3)

        with (
            stack.query_api(olap, DATASOURCE, args.work / "qa-cached.log") as cached,
            httpx.Client(timeout=120, auth=stack.ADMIN) as client,
        ):
            post = poster(client, cached)
            results["cached"] = summary("graphql_cached", timed(post, args.cached_iterations, 5))
            results["throughput"] = throughput(cached, body, args)
    print(json.dumps(results, indent=2))


def throughput(url: str, body: bytes, args: argparse.Namespace) -> dict[str, Any]:
    body_file = args.work / "overview.json"
    body_file.write_bytes(body)
    wrk = shutil.which("wrk")
    authorization = bearer(Role.ADMIN)["Authorization"]  # one token: it outlasts --seconds
    if wrk:
        script = args.work / "post.lua"
        script.write_text(
            'wrk.method = "POST"\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
            f"wrk.body = [==[{body.decode()}]==]\n"
        )
        command = [
            wrk,
            "-t2",
            f"-c{args.clients}",
            f"-d{int(args.seconds)}s",
            "--latency",
            "-H",
            f"Authorization: {authorization}",
            "-s",
            str(script),
            f"{url}/graphql",
        ]
        tool = "wrk"
    else:
        loadgen = Path(__file__).parent / "loadgen.py"
        command = [sys.executable, str(loadgen), f"{url}/graphql", str(body_file)]
        command += [str(args.clients), str(args.seconds), authorization]
        tool = "loadgen.py (asyncio httpx, separate process)"
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    row = {
        "tool": tool,
        "clients": args.clients,
        "req_per_s": float(found.group(1)) if found else None,
        "non_2xx": "Non-2xx" in out,
    }
    print(out, flush=True)
    print(json.dumps(row), flush=True)
    return row


if __name__ == "__main__":
    main()
