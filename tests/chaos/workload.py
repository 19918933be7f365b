"""A 20-file workload with totals known in advance, and a client that retries like a user."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from mauzo_common.testing.stack import TERMINAL, RunningStack

FILES = 20
LINES = 300
BRANCHES = ("Nairobi", "Mombasa", "Kisumu", "Nakuru", "Eldoret")


@dataclass(frozen=True)
class Workload:
    files: list[Path]
    lines: int
    units: int
    revenue_cents: int


def write_workload(folder: Path, salt: str) -> Workload:
    """Every file different (so none is a duplicate of another); amounts in whole cents."""
    folder.mkdir(parents=True, exist_ok=True)
    files, units, cents = [], 0, 0
    for f in range(FILES):
        rows = ["Date,Invoice,Branch,Product,Quantity,Total"]
        for i in range(LINES):
            quantity = 1 + (f * 7 + i) % 5
            total_cents = 1000 + (f * 131 + i * 17) % 90_000
            units += quantity
            cents += total_cents
            day = 1 + (f + i) % 28
            rows.append(
                f"2025-06-{day:02d} {8 + i % 10:02d}:{i % 60:02d},{salt}-{f}-{i},"
                f"{BRANCHES[i % len(BRANCHES)]},P{i % 40},{quantity},{total_cents / 100:.2f}"
            )
        path = folder / f"{salt}_{f:02d}.csv"
        path.write_text("\n".join(rows) + "\n")
        files.append(path)
    return Workload(files, FILES * LINES, units, cents)


def drop_until_accepted(stack: RunningStack, path: Path, datasource: str, timeout: float) -> str:
    """Upload as `mauzo drop` would be retried by a user: a refused or broken connection, or a
    5xx, is tried again; the answer (new task or the duplicate's task) names the task to follow."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            with path.open("rb") as handle:
                response = httpx.post(
                    stack.url("UPLOAD") + "/api/ingest/upload",
                    data={"datasource": datasource},
                    files={"file": (path.name, handle, "text/csv")},
                    timeout=30,
                    auth=stack.auth,
                )
            if response.status_code in (200, 202):
                return str(response.json()["task_id"])
            last = f"HTTP {response.status_code}: {response.text[:300]}"
            if response.status_code < 500:
                raise AssertionError(f"{path.name} refused: {last}")
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.5)
    raise TimeoutError(f"{path.name} never accepted within {timeout}s; last: {last}")


def states(stack: RunningStack, task_ids: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for task_id in task_ids:
        try:
            response = httpx.get(
                f"{stack.url('TASK_TRACKER')}/api/ingest/status/{task_id}",
                timeout=10,
                auth=stack.auth,
            )
        except httpx.HTTPError:
            continue
        if response.status_code == 200:
            found[task_id] = response.json()
    return found


def all_terminal(stack: RunningStack, task_ids: list[str]) -> bool:
    found = states(stack, task_ids)
    return len(found) == len(task_ids) and all(s["state"] in TERMINAL for s in found.values())


def totals(stack: RunningStack, datasource: str) -> tuple[int, int, int]:
    """Rows, units and revenue in cents, straight from the OLAP."""
    response = httpx.post(
        stack.url("OLAP_LITE") + "/druid/v2/sql",
        json={
            "query": "SELECT COUNT(*) AS n, SUM(units_sold) AS units, "
            "SUM(gross_revenue) AS revenue FROM ? ".replace("?", f'"{datasource}"')
        },
        timeout=30,
        auth=stack.auth,
    )
    response.raise_for_status()
    row = response.json()[0]
    return int(row["n"]), int(row["units"] or 0), round(float(row["revenue"] or 0) * 100)
