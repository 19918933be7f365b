"""The uncached Overview document at one size, this checkout against another git ref, in one run.

    uv run python bench/query/scale_ab.py --rows 100000000 --base c7bc40d --rounds 30

scale.py's milliseconds follow the machine's load, which other work on a shared 2-core VM moves
from run to run by 2x and more. Here both versions answer side by side, so they share the load:
- the rows are loaded once (by this checkout's olap-lite) and the database copied for the other;
- the base ref's services/, libs/ and bench/ are exported with `git archive` and its olap-lite and
  query-api run from this virtualenv with PYTHONPATH pointing at them (same dependencies);
- after 3 warm-up requests each, requests alternate base / this (the order flipping every round),
  and every answer of both must be equal, so a faster phrasing that changes an answer fails here.
Prints one JSON line: p50 / p95 and RSS per version, their ratios, and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))

import datagen
import stack
from run import percentile
from scale import DATASOURCE, last_days, memory_kb, overview_body

ROOT = Path(__file__).parents[2]


def export(ref: str, into: Path) -> str:
    """The ref's source folders under `into`; the PYTHONPATH that imports them."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "services", "libs"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    sources = [into / "libs" / "common" / "src", *sorted(into.glob("services/*/src"))]
    return os.pathsep.join(str(p) for p in sources)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--base", default="main", help="git ref to compare against")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--memory-limit", default="6GB")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "mauzo-bench")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    parts = datagen.write_parts(args.work / f"parts-{args.rows}", args.rows)
    limit = {"MAUZO_OLAP_LITE_MEMORY_LIMIT": args.memory_limit}
    with tempfile.TemporaryDirectory(dir=args.work) as scratch:
        folders = {"base": Path(scratch) / "base", "this": Path(scratch) / "this"}
        folders["this"].mkdir()
        with stack.olap_lite(folders["this"], None, **limit) as olap:
            ingest = stack.load(olap, DATASOURCE, parts)
        shutil.copytree(folders["this"], folders["base"])
        code = Path(scratch) / "code"
        code.mkdir()
        envs = {"base": {"PYTHONPATH": export(args.base, code)}, "this": {}}
        first, last = last_days(parts)
        result = compare(folders, envs, limit, overview_body(first, last), args.rounds)
    print(
        json.dumps(
            {"rows": args.rows, "base_ref": args.base, "ingest_seconds": round(ingest, 1)} | result
        ),
        flush=True,
    )


def compare(
    folders: dict[str, Path],
    envs: dict[str, dict[str, str]],
    limit: dict[str, str],
    body: bytes,
    rounds: int,
) -> dict[str, Any]:
    pids: dict[str, int] = {}
    clients: dict[str, httpx.Client] = {}
    with ExitStack() as running:
        for name, folder in folders.items():
            started: dict[str, int] = {}
            olap = running.enter_context(stack.olap_lite(folder, started, **limit, **envs[name]))
            pids[name] = started[olap]
            api = running.enter_context(
                stack.query_api(
                    olap, DATASOURCE, folder / "qa.log", MAUZO_CACHE_TTL_SECONDS="0", **envs[name]
                )
            )
            clients[name] = running.enter_context(
                httpx.Client(base_url=api, timeout=600, auth=stack.ADMIN)
            )

        def ask(name: str) -> Any:
            response = clients[name].post(
                "/graphql", content=body, headers={"content-type": "application/json"}
            )
            assert response.status_code == 200, response.text
            assert b'"errors"' not in response.content, response.text
            return response.json()

        expected = [ask(name) for name in clients for _ in range(3)][-1]
        load_before = os.getloadavg()
        ms: dict[str, list[float]] = {name: [] for name in clients}
        for n in range(rounds):
            for name in ("base", "this") if n % 2 == 0 else ("this", "base"):
                started_at = time.perf_counter()
                answer = ask(name)
                ms[name].append((time.perf_counter() - started_at) * 1000)
                assert answer == expected, f"{name}'s answer differs"
        load_after = os.getloadavg()
        memory = {name: memory_kb(pid) for name, pid in pids.items()}
    out: dict[str, Any] = {
        "rounds": rounds,
        "load": [round(load_before[0], 1), round(load_after[0], 1)],
    }
    for name, samples in ms.items():
        out[name] = {
            "p50_ms": round(statistics.median(samples), 1),
            "p95_ms": round(percentile(samples, 0.95), 1),
            "rss_mb": round(memory[name]["VmRSS"] / 1024),
            "peak_rss_mb": round(memory[name]["VmHWM"] / 1024),
        }
    for q in ("p50_ms", "p95_ms"):
        out[f"ratio_{q[:3]}"] = round(out["this"][q] / out["base"][q], 3)
    return out


if __name__ == "__main__":
    main()
