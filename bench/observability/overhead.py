"""What metrics and tracing cost: two stacks, with and without (MAUZO_OBSERVABILITY=false), in
one run, measured in alternating rounds so that the machine's drift falls on both alike.

    uv run python bench/observability/overhead.py --rows 1000000 --rounds 3

1. upload → succeeded of the same 1M-row CSV (94 MB), median over the rounds, and the ratio;
2. a cached GraphQL answer (the Overview's KPIs): p50 / p95 over many sequential requests per
   round, medians over the rounds, and the ratios. Within a round the two stacks take turns every
   --block requests, so a busy neighbour's burst (seconds long on a shared 2-core machine) falls
   on both alike instead of on whichever stack's turn it was. Also query-api's CPU time per
   cached answer (from /proc), a figure a busy machine disturbs far less than latency. With
   --twin a second stack without observability takes its turns too: the ratio of the two
   identical stacks says how large a ratio noise alone gives in that run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parents[1] / "ingest"))

from sales_csv import write_sales_csv

from mauzo_common.testing.stack import RunningStack, start_stack

QUERY = '{ salesOverview(datasource: "bench_obs_0") { netSales grossProfit transactions } }'


def ingest_seconds(stack: RunningStack, csv: Path, datasource: str, rows: int) -> float:
    os.sync()
    started = time.perf_counter()
    status = stack.wait_for_task(stack.upload(csv, datasource)["task_id"], timeout=1800)
    elapsed = time.perf_counter() - started
    if status["state"] != "succeeded" or status["rows_ingested"] != rows:
        raise SystemExit(f"{datasource} did not load every row: {status}")
    return elapsed


def query_api_cpu_seconds(stack: RunningStack) -> float:
    """User + system CPU time query-api has used so far (its pid from the launcher's status)."""
    status = json.loads((stack.data_dir / "logs" / "stack.json").read_text())
    (pid,) = [s["pid"] for s in status["services"] if s["name"] == "query-api"]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cached_latencies(
    stacks: dict[str, RunningStack], requests: int, block: int
) -> dict[str, list[float]]:
    """`requests` cached answers from each stack, the stacks taking turns every `block`."""
    clients = {name: httpx.Client(timeout=30, auth=stack.auth) for name, stack in stacks.items()}
    urls = {name: stack.url("QUERY_API") + "/graphql" for name, stack in stacks.items()}
    latencies: dict[str, list[float]] = {name: [] for name in stacks}
    try:
        for name, client in clients.items():
            client.post(urls[name], json={"query": QUERY}).raise_for_status()  # fills the cache
        for turn in range(0, requests, block):
            order = list(stacks) if (turn // block) % 2 == 0 else list(reversed(stacks))
            for name in order:
                for _ in range(min(block, requests - turn)):
                    started = time.perf_counter()
                    clients[name].post(urls[name], json={"query": QUERY}).raise_for_status()
                    latencies[name].append(time.perf_counter() - started)
    finally:
        for client in clients.values():
            client.close()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--block", type=int, default=100)
    parser.add_argument(
        "--twin",
        action="store_true",
        help="a second stack without observability answers the cached questions too: how far "
        "two identical stacks differ in the same run is what noise alone gives",
    )
    args = parser.parse_args()
    load = f"{os.getloadavg()[0]:.1f} at start"
    with tempfile.TemporaryDirectory(prefix="mauzo-bench-obs-") as tmp:
        work = Path(tmp)
        csv = write_sales_csv(work / "sales.csv", args.rows)
        stacks = {
            "with": start_stack(work / "with"),
            "without": start_stack(work / "without", {"MAUZO_OBSERVABILITY": "false"}),
        }
        if args.twin:
            stacks["twin"] = start_stack(work / "twin", {"MAUZO_OBSERVABILITY": "false"})
        ingest: dict[str, list[float]] = {"with": [], "without": []}
        p50: dict[str, list[float]] = {name: [] for name in stacks}
        p95: dict[str, list[float]] = {name: [] for name in stacks}
        cpu: dict[str, list[float]] = {name: [] for name in stacks}
        try:
            for stack in stacks.values():  # warm-up: first imports, first task
                ingest_seconds(stack, csv, "bench_obs_0", args.rows)
            for round_ in range(args.rounds):
                order = list(ingest) if round_ % 2 == 0 else list(reversed(ingest))
                for name in order:
                    datasource = f"bench_obs_{round_ + 1}"
                    ingest[name].append(ingest_seconds(stacks[name], csv, datasource, args.rows))
                before = {name: query_api_cpu_seconds(stack) for name, stack in stacks.items()}
                for name, latencies in cached_latencies(stacks, args.requests, args.block).items():
                    used = query_api_cpu_seconds(stacks[name]) - before[name]
                    cpu[name].append(used / len(latencies) * 1e6)
                    p50[name].append(statistics.median(latencies) * 1000)
                    p95[name].append(statistics.quantiles(latencies, n=20)[-1] * 1000)
        finally:
            for stack in stacks.values():
                stack.stop()
    load += f", {os.getloadavg()[0]:.1f} at end"
    print(f"file: {args.rows:,} rows; {args.rounds} alternating rounds; load average {load}")
    for name in stacks:
        ingested = (
            f"ingest median {statistics.median(ingest[name]):.2f}s {ingest[name]}; "
            if name in ingest
            else ""
        )
        print(
            f"{name:>8}: {ingested}"
            f"cached GraphQL p50 {statistics.median(p50[name]):.3f} ms, "
            f"p95 {statistics.median(p95[name]):.3f} ms, "
            f"query-api CPU {statistics.median(cpu[name]):.0f} us per answer"
        )
    ratio = statistics.median(ingest["with"]) / statistics.median(ingest["without"])
    print(f"ingest with / without: {ratio:.3f} (goal <= 1.03)")
    for label, values in (("p50", p50), ("p95", p95), ("CPU per answer", cpu)):
        r = statistics.median(values["with"]) / statistics.median(values["without"])
        print(f"cached GraphQL {label} with / without: {r:.3f} (goal <= 1.03)")
        if args.twin:
            r = statistics.median(values["twin"]) / statistics.median(values["without"])
            print(f"cached GraphQL {label} twin / without: {r:.3f} (noise alone)")


if __name__ == "__main__":
    main()
