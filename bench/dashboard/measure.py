"""Dashboard figures in headless Chromium against the demo stack.

1. JS shipped per page (gzip, as sent over the wire): the compressed bodies of every script a
   fresh browser loads to show the page, from the Resource Timing entries.
2. Navigation -> the Overview's KPIs painted: the time from the navigation's start to the first
   frame after every KPI element is in the page (an init script watches the DOM and stamps the
   next animation frame), on a fresh browser context (cold HTTP cache), median of --runs.

    uv run python bench/dashboard/measure.py                # own stack, 120 000 demo lines
    uv run python bench/dashboard/measure.py --url http://127.0.0.1:8000  # `mauzo up --demo`
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, sync_playwright

from mauzo_common.auth.principal import Role
from mauzo_common.testing.auth import bearer
from mauzo_common.testing.stack import start_stack

CHROMIUM = "/usr/bin/chromium"
PAGES = [
    "overview",
    "sales",
    "products",
    "branches",
    "profitability",
    "customers",
    "returns",
    "explore",
    "data",
    "diagnostics",
]
KPIS = 8
WATCH_KPIS = f"""
(() => {{
  const done = () => document.querySelectorAll('[data-kpi]').length >= {KPIS};
  const stamp = () => requestAnimationFrame(() => {{ window.__kpisPainted = performance.now(); }});
  const observer = new MutationObserver(() => {{
    if (done()) {{ observer.disconnect(); stamp(); }}
  }});
  observer.observe(document, {{ childList: true, subtree: true }});
}})();
"""
SCRIPTS_KB = """
() => performance.getEntriesByType('resource')
  .filter(e => e.name.endsWith('.js'))
  .reduce((n, e) => n + e.encodedBodySize, 0) / 1000
"""


@contextmanager
def demo_stack(lines: int) -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="mauzo-dash-bench-") as tmp:
        stack = start_stack(Path(tmp))
        try:
            demo = Path(tmp) / "demo.csv"
            mauzo = Path(sys.executable).parent / "mauzo"
            subprocess.run([str(mauzo), "demo-data", str(demo), "--rows", str(lines)], check=True)
            task = stack.upload(demo, "sales")
            assert stack.wait_for_task(task["task_id"], 300)["state"] == "succeeded"
            yield stack.url("QUERY_API")
        finally:
            stack.stop()


def js_per_page(browser: Browser, url: str, query: str) -> dict[str, float]:
    sizes = {}
    for name in PAGES:
        # an admin's token on every request, until the dashboard signs in itself
        context = browser.new_context(extra_http_headers=bearer(Role.ADMIN))
        page = context.new_page()
        page.goto(f"{url}/{name}{query}")
        page.wait_for_selector("main h1", timeout=60_000)
        page.wait_for_function("!document.querySelector('[aria-busy=true]')", timeout=60_000)
        page.wait_for_load_state("networkidle")
        sizes[name] = page.evaluate(SCRIPTS_KB)
        context.close()
    return sizes


def kpis_painted(browser: Browser, url: str, query: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs + 1):  # the first run warms the server's caches and is dropped
        context = browser.new_context(extra_http_headers=bearer(Role.ADMIN))
        context.add_init_script(WATCH_KPIS)
        page = context.new_page()
        page.goto(f"{url}/overview{query}")
        page.wait_for_function("window.__kpisPainted !== undefined", timeout=60_000)
        times.append(float(page.evaluate("window.__kpisPainted")))
        context.close()
    return times[1:]


def measure(url: str, runs: int, query: str) -> dict[str, Any]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            sizes = js_per_page(browser, url, query)
            times = kpis_painted(browser, url, query, runs)
        finally:
            browser.close()
    return {"js_kb": sizes, "kpi_ms": times}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="a running stack's query-api (default: start one)")
    parser.add_argument("--lines", type=int, default=120_000, help="demo lines for own stack")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--query", default="?dateFrom=2025-01-01&dateTo=2025-12-31", help="the view's filter"
    )
    args = parser.parse_args()
    if args.url:
        result = measure(args.url.rstrip("/"), args.runs, args.query)
    else:
        with demo_stack(args.lines) as url:
            result = measure(url, args.runs, args.query)
    for name, kb in result["js_kb"].items():
        print(f"JS gzip  /{name:<14} {kb:7.1f} kB")
    times = result["kpi_ms"]
    print(
        f"navigation -> Overview KPIs painted: median {statistics.median(times):.0f} ms "
        f"({' / '.join(f'{t:.0f}' for t in times)})"
    )


if __name__ == "__main__":
    main()
