"""Dashboard figures in headless Chromium against the demo stack.

1. JS shipped per page (gzip, as sent over the wire): the compressed bodies of every script a
   fresh browser loads to show the page, from the Resource Timing entries.
2. Navigation -> the Overview's KPIs painted: the time from the navigation's start to the first
   frame after every KPI element is in the page (an init script watches the DOM and stamps the
   next animation frame), on a fresh browser context (cold HTTP cache), median of --runs.

    uv run python bench/dashboard/measure.py                # own stack, 120 000 demo lines
    uv run python bench/dashboard/measure.py --url http://127.0.0.1:8000 --user admin
        # `mauzo up --demo`; the password from MAUZO_BENCH_PASSWORD

Every browser context opens signed in (the session the sign-in page would store), so the
figures are the pages' own and the sign-in happens once, outside them: on its own stack with a
test token, on a running one with the password grant (without --user, the pages are opened
as they are, for a stack that needs no sign-in).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from mauzo_common.testing.auth import install_test_keys
from mauzo_common.testing.dashboard import minted_session, session_of, session_script
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
    install_test_keys()  # the stack verifies the bench's test token
    with tempfile.TemporaryDirectory(prefix="mauzo-dash-bench-") as tmp:
        stack = start_stack(Path(tmp), {"MAUZO_AUTH_KEYS": os.environ["MAUZO_AUTH_KEYS"]})
        try:
            demo = Path(tmp) / "demo.csv"
            mauzo = Path(sys.executable).parent / "mauzo"
            subprocess.run([str(mauzo), "demo-data", str(demo), "--rows", str(lines)], check=True)
            task = stack.upload(demo, "sales")
            assert stack.wait_for_task(task["task_id"], 300)["state"] == "succeeded"
            yield stack.url("QUERY_API")
        finally:
            stack.stop()


def signed_in_by_password(url: str, user: str, password: str) -> dict[str, Any]:
    answer = httpx.post(
        f"{url}/api/auth/token",
        data={"grant_type": "password", "username": user, "password": password},
        timeout=30,
    )
    if answer.status_code != 200:
        raise SystemExit(f"sign-in as {user} failed: HTTP {answer.status_code} {answer.text}")
    return session_of(answer.json(), user)


def fresh_context(browser: Browser, session: dict[str, Any] | None) -> BrowserContext:
    context = browser.new_context(bypass_csp=True)  # eval for wait_for_function; see tests/e2e
    if session is not None:
        context.add_init_script(session_script(session))
    return context


def js_per_page(
    browser: Browser, url: str, query: str, session: dict[str, Any] | None
) -> dict[str, float]:
    sizes = {}
    for name in PAGES:
        context = fresh_context(browser, session)
        page = context.new_page()
        page.goto(f"{url}/{name}{query}")
        page.wait_for_selector("main h1", timeout=60_000)
        page.wait_for_function("!document.querySelector('[aria-busy=true]')", timeout=60_000)
        page.wait_for_load_state("networkidle")
        sizes[name] = page.evaluate(SCRIPTS_KB)
        context.close()
    return sizes


def kpis_painted(
    browser: Browser, url: str, query: str, runs: int, session: dict[str, Any] | None
) -> list[float]:
    times = []
    for _ in range(runs + 1):  # the first run warms the server's caches and is dropped
        context = fresh_context(browser, session)
        context.add_init_script(WATCH_KPIS)
        page = context.new_page()
        page.goto(f"{url}/overview{query}")
        page.wait_for_function("window.__kpisPainted !== undefined", timeout=60_000)
        times.append(float(page.evaluate("window.__kpisPainted")))
        context.close()
    return times[1:]


def measure(url: str, runs: int, query: str, session: dict[str, Any] | None) -> dict[str, Any]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            sizes = js_per_page(browser, url, query, session)
            times = kpis_painted(browser, url, query, runs, session)
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
    parser.add_argument("--user", help="sign in as this user on --url (password grant)")
    args = parser.parse_args()
    if args.url:
        url = args.url.rstrip("/")
        session = None
        if args.user:
            password = os.environ.get("MAUZO_BENCH_PASSWORD")
            if not password:
                raise SystemExit("--user needs the password in MAUZO_BENCH_PASSWORD")
            session = signed_in_by_password(url, args.user, password)
        result = measure(url, args.runs, args.query, session)
    else:
        with demo_stack(args.lines) as url:
            result = measure(url, args.runs, args.query, minted_session())
    for name, kb in result["js_kb"].items():
        print(f"JS gzip  /{name:<14} {kb:7.1f} kB")
    times = result["kpi_ms"]
    print(
        f"navigation -> Overview KPIs painted: median {statistics.median(times):.0f} ms "
        f"({' / '.join(f'{t:.0f}' for t in times)})"
    )


if __name__ == "__main__":
    main()
