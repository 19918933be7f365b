"""What authentication adds to a cached GraphQL answer: the stack's query-api (every request's
bearer token verified) against the same query-api with the gate swapped for one that trusts
everyone (gateless.py), both over the same olap-lite, measured in alternating rounds.

    uv run python bench/auth/overhead.py --rows 100000 --rounds 5 --requests 3000

Prints p50 / p95 of each side (medians over the rounds), the added milliseconds and the ratio.
The goal is at most 0.3 ms added.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parents[1] / "ingest"))

from sales_csv import write_sales_csv

from mauzo_common.auth.local_secrets import auth_keys, druid_password
from mauzo_common.auth.principal import Role
from mauzo_common.testing.components import free_port, wait_until
from mauzo_common.testing.stack import RunningStack, start_stack

QUERY = '{ salesOverview(datasource: "bench_auth") { netSales grossProfit transactions } }'


def latencies(url: str, headers: dict[str, str], requests: int) -> list[float]:
    with httpx.Client(timeout=30, headers=headers) as client:
        client.post(url, json={"query": QUERY}).raise_for_status()  # fills the cache
        measured = []
        for _ in range(requests):
            started = time.perf_counter()
            client.post(url, json={"query": QUERY}).raise_for_status()
            measured.append(time.perf_counter() - started)
    return measured


def start_gateless(stack: RunningStack, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    # The stack made its own secrets; the gateless query-api reads them as the stack's does.
    secrets = {
        "MAUZO_AUTH_KEYS": json.dumps(auth_keys(stack.data_dir)),
        "MAUZO_DRUID_PASSWORD": druid_password(stack.data_dir),
    }
    env = {**stack.env, **secrets, "MAUZO_QUERY_API_PORT": str(port)}
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("gateless.py"))],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return httpx.get(url + "/api/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return process.poll() is not None

    wait_until(healthy, 120, "the gateless query-api")
    if process.poll() is not None:
        raise SystemExit(f"gateless query-api exited: {log.read_text()[-2000:]}")
    return process, url + "/graphql"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mauzo-bench-auth-") as tmp:
        work = Path(tmp)
        csv = write_sales_csv(work / "sales.csv", args.rows)
        stack = start_stack(work / "stack")
        gateless = None
        try:
            status = stack.wait_for_task(stack.upload(csv, "bench_auth")["task_id"], timeout=600)
            if status["state"] != "succeeded":
                raise SystemExit(f"the bench data did not load: {status}")
            gateless, gateless_url = start_gateless(stack, work / "gateless.log")
            sides = {
                "with": (stack.url("QUERY_API") + "/graphql", stack.bearer(Role.VIEWER)),
                "without": (gateless_url, {}),
            }
            p50: dict[str, list[float]] = {name: [] for name in sides}
            p95: dict[str, list[float]] = {name: [] for name in sides}
            for url, headers in sides.values():  # warm-up
                latencies(url, headers, 300)
            for round_ in range(args.rounds):
                order = list(sides) if round_ % 2 == 0 else list(reversed(sides))
                for name in order:
                    url, headers = sides[name]
                    measured = latencies(url, headers, args.requests)
                    p50[name].append(statistics.median(measured) * 1000)
                    p95[name].append(statistics.quantiles(measured, n=20)[-1] * 1000)
        finally:
            if gateless is not None:
                gateless.terminate()
                gateless.wait(30)
            stack.stop()
    print(f"cached GraphQL answer; {args.rounds} alternating rounds of {args.requests} requests")
    for label, values in (("p50", p50), ("p95", p95)):
        with_ms = statistics.median(values["with"])
        without_ms = statistics.median(values["without"])
        print(
            f"{label}: with auth {with_ms:.3f} ms, without {without_ms:.3f} ms, "
            f"added {with_ms - without_ms:+.3f} ms (goal <= 0.3), ratio {with_ms / without_ms:.3f}"
        )


if __name__ == "__main__":
    main()
