"""The built dashboard runs under its Content-Security-Policy: no violation in a real browser.

Needs the built dashboard (`bash services/query-api/dashboard/scripts/build.sh`, which `make`
runs) and Debian's chromium; skips with the reason otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mauzo_common.testing.services import Served, olap_lite_process
from mauzo_query_api.app import create_app
from mauzo_query_api.dashboard import default_dist
from mauzo_query_api.settings import QueryApiSettings

from .test_abuse_corpus import DATASOURCE, load

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
    pytest.mark.skipif(
        not (default_dist() / "index.html").is_file(),
        reason="the dashboard is not built (bash services/query-api/dashboard/scripts/build.sh)",
    ),
]


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("csp-olap")
    with olap_lite_process(data_dir) as olap:
        load(olap, data_dir)
        settings = QueryApiSettings(
            druid_router_url=olap,
            druid_overlord_url=olap,
            default_datasource=DATASOURCE,
            consume_events=False,
        )
        with Served(create_app(settings)) as served:
            yield served.url


def test_every_page_loads_without_a_content_security_policy_violation(dashboard: str) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    violations: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            tab: Any = browser.new_page()
            tab.on(
                "console",
                lambda m: (
                    violations.append(m.text) if "Content Security Policy" in m.text else None
                ),
            )
            for path in ("/", "/overview", "/sales", "/explore", "/data", "/diagnostics"):
                answer = tab.goto(f"{dashboard}{path}")
                assert answer is not None
                assert "script-src 'self' 'sha256-" in answer.headers["content-security-policy"]
                tab.wait_for_function("document.querySelector('#app')?.children.length > 0")
                # (no "networkidle": without a signed-in user the app keeps asking)
                tab.wait_for_timeout(1000)
                # the theme script ran: it is the inline one the policy allows by its hash
                assert tab.evaluate("document.documentElement.dataset.theme") in ("light", "dark")
        finally:
            browser.close()
    assert violations == []
