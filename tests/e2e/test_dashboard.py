"""The dashboard in a real headless Chromium against the whole stack with demo data.

Every page renders without an error; the KPI values it shows (data-kpi / data-value) equal the
GraphQL answers for the same filter; a file dropped on the Data page reaches `succeeded` and its
rows show on Overview. Screenshots of each page go to tests/e2e/screenshots/ (git-ignored).
Each browser context opens signed in as an admin (a test token in the dashboard's session
storage); signing in itself is test_dashboard_signin.py's.

Chromium is Debian's (/usr/bin/chromium), driven by the PyPI `playwright` package; no browser is
downloaded. The tests skip with the reason when it or the built dashboard is missing.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mauzo_common.testing.dashboard import minted_session, session_script
from mauzo_common.testing.stack import RunningStack, start_stack

CHROMIUM = Path("/usr/bin/chromium")
DIST = Path(__file__).resolve().parents[2] / "services" / "query-api" / "dashboard" / "dist"
SHOTS = Path(__file__).resolve().parent / "screenshots"
DEMO_LINES = 20_000

if not CHROMIUM.exists():
    pytest.skip(
        "Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
        allow_module_level=True,
    )
if not (DIST / "index.html").exists():
    pytest.skip("the dashboard is not built: run `make install`", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")

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
KPI_FIELDS = (
    "netSales grossProfit grossMargin transactions averageTransactionValue unitsSold "
    "uniqueCustomers returnRate"
)
OVERVIEW = f"""
query ($filter: SalesFilterInput) {{ salesOverview(filter: $filter) {{ {KPI_FIELDS} }} }}
"""
RETURNS = """
query ($filter: SalesFilterInput) {
  returnsAnalysis(filter: $filter) { total { returnsValue unitsReturned returnRate } }
}
"""


@pytest.fixture(scope="module")
def demo_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """An embedded stack of its own with demo data in the default datasource."""
    data_dir = tmp_path_factory.mktemp("dashboard")
    running = start_stack(data_dir, {"MAUZO_AUTH_KEYS": os.environ["MAUZO_AUTH_KEYS"]})
    try:
        demo = data_dir / "demo.csv"
        mauzo = Path(sys.executable).parent / "mauzo"
        subprocess.run(
            [str(mauzo), "demo-data", str(demo), "--rows", str(DEMO_LINES)],
            check=True,
            capture_output=True,
        )
        task = running.upload(demo, "sales")
        assert running.wait_for_task(task["task_id"])["state"] == "succeeded"
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    # The policy forbids eval, which Playwright's wait_for_function polls with; the policy
    # itself is tested without this in tests/security/test_dashboard_csp.py.
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, accept_downloads=True, bypass_csp=True
    )
    context.add_init_script(session_script(minted_session()))
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.errors = errors
    yield tab
    context.close()


def base(stack: RunningStack) -> str:
    return stack.url("QUERY_API")


def settle(page: Any) -> None:
    """Waits until no loading indicator is left on the page."""
    page.wait_for_selector("main h1", timeout=30_000)
    page.wait_for_function("!document.querySelector('[aria-busy=true]')", timeout=30_000)


def shown_kpis(page: Any) -> dict[str, float | None]:
    values: dict[str, str] = page.eval_on_selector_all(
        "[data-kpi]",
        "els => Object.fromEntries(els.map(e => [e.dataset.kpi, e.dataset.value]))",
    )
    return {k: (float(v) if v != "" else None) for k, v in values.items()}


def expect_same(shown: dict[str, float | None], answer: dict[str, Any]) -> None:
    assert shown, "no KPI elements on the page"
    for field, value in shown.items():
        assert field in answer, f"data-kpi={field} is not a field of the GraphQL answer"
        expected = answer[field]
        assert value == (None if expected is None else float(expected)), field


FILTERS = [
    ({"dateFrom": "2025-01-01", "dateTo": "2025-12-31"}, {}),
    (
        {"dateFrom": "2024-01-01", "dateTo": "2024-03-31"},
        {"branches": ["Kisumu", "Eldoret"]},
    ),
]


def link(path: str, dates: dict[str, str], lists: dict[str, list[str]]) -> str:
    parts = [f"{k}={v}" for k, v in dates.items()]
    parts += [f"{k}={','.join(v)}" for k, v in lists.items()]
    return f"/{path}?{'&'.join(parts)}"


def test_every_page_renders_without_an_error_and_is_saved_as_a_screenshot(
    demo_stack: RunningStack, page: Any
) -> None:
    SHOTS.mkdir(exist_ok=True)
    for name in PAGES:
        page.goto(base(demo_stack) + link(name, *FILTERS[0]))
        settle(page)
        assert page.locator("[data-state=error], .state.error").count() == 0, name
        assert page.locator("main h1").inner_text().lower() == name
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert page.errors == []


def test_overview_kpis_equal_the_graphql_answer_for_the_same_filter(
    demo_stack: RunningStack, page: Any
) -> None:
    for dates, lists in FILTERS:
        page.goto(base(demo_stack) + link("overview", dates, lists))
        settle(page)
        answer = demo_stack.graphql(OVERVIEW, {"filter": dates | lists})["salesOverview"]
        shown = shown_kpis(page)
        assert set(shown) == set(KPI_FIELDS.split())
        expect_same(shown, answer)
        assert page.url.endswith(link("overview", dates, lists)), "the link keeps the view"


def test_returns_kpis_equal_the_graphql_answer(demo_stack: RunningStack, page: Any) -> None:
    dates, lists = FILTERS[1]
    page.goto(base(demo_stack) + link("returns", dates, lists))
    settle(page)
    answer = demo_stack.graphql(RETURNS, {"filter": dates | lists})["returnsAnalysis"]["total"]
    expect_same(shown_kpis(page), answer)


def test_a_filter_that_matches_nothing_says_so_and_shows_no_number(
    demo_stack: RunningStack, page: Any
) -> None:
    page.goto(base(demo_stack) + "/overview?dateFrom=2025-01-01&dateTo=2025-01-31&branches=Nowhere")
    settle(page)
    assert page.locator("[data-state=empty]").count() == 1
    assert page.locator("[data-kpi]").count() == 0


def test_an_unreachable_api_is_an_explicit_error(demo_stack: RunningStack, page: Any) -> None:
    page.route("**/graphql", lambda route: route.abort())
    page.goto(base(demo_stack) + "/overview?dateFrom=2025-01-01&dateTo=2025-01-31")
    page.wait_for_selector("[data-state=error]", timeout=30_000)
    assert "not reachable" in page.locator("[data-state=error]").first.inner_text()
    assert page.locator("[data-kpi]").count() == 0


def test_phone_and_dark_theme(demo_stack: RunningStack, browser: Any) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        color_scheme="dark",
        is_mobile=True,
        bypass_csp=True,  # see the page fixture
    )
    context.add_init_script(session_script(minted_session()))
    phone = context.new_page()
    phone.goto(base(demo_stack) + link("overview", *FILTERS[0]))
    settle(phone)
    assert phone.evaluate("document.documentElement.dataset.theme") == "dark"
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    SHOTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(SHOTS / "overview-phone-dark.png"), full_page=True)
    context.close()


def write_sales(path: Path, branch: str) -> float:
    """A small sales file for one new branch in March 2025; returns its net sales."""
    rows = [
        ["time", "branch", "product", "product_line", "salesperson", "customer",
         "invoice_id", "quantity", "amount", "cost"],
    ]  # fmt: skip
    total = 0.0
    for i in range(40):
        amount = round(1000 + i * 37.5, 2)
        total += amount
        rows.append([
            f"2025-03-{1 + i % 28:02d} 10:{i % 60:02d}:00", branch, "Kimbo 1kg",
            "Cooking Oils & Fats", "E2E Seller", f"Customer {i % 7}", f"INV-E2E-{i}",
            "2", f"{amount:.2f}", f"{amount * 0.8:.2f}",
        ])  # fmt: skip
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return total


def test_a_dropped_file_reaches_succeeded_and_its_rows_show_on_overview(
    demo_stack: RunningStack, page: Any, tmp_path: Path
) -> None:
    branch = f"E2E {uuid.uuid4().hex[:6]}"
    path = tmp_path / "dropped-sales.csv"
    total = write_sales(path, branch)
    page.goto(base(demo_stack) + "/data")
    settle(page)
    data = path.read_text()
    transfer = page.evaluate_handle(
        """([name, text]) => {
            const dt = new DataTransfer();
            dt.items.add(new File([text], name, { type: "text/csv" }));
            return dt;
        }""",
        [path.name, data],
    )
    page.dispatch_event("[data-testid=dropzone]", "drop", {"dataTransfer": transfer})
    page.get_by_role("button", name=f"Load {path.name}").click(timeout=30_000)
    card = page.locator(f"[data-file='{path.name}']")
    card.locator("[data-task-state=succeeded]").wait_for(timeout=120_000)
    assert card.get_by_role("link", name="Quality report").count() == 1
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "data-after-drop.png"), full_page=True)

    dates = {"dateFrom": "2025-03-01", "dateTo": "2025-03-31"}
    overview = page.context.new_page()
    overview.goto(base(demo_stack) + link("overview", dates, {"branches": [branch]}))
    settle(overview)
    shown = shown_kpis(overview)
    assert shown["netSales"] == pytest.approx(total, abs=0.005)
    answer = demo_stack.graphql(OVERVIEW, {"filter": dates | {"branches": [branch]}})
    expect_same(shown, answer["salesOverview"])

    # Retraction from the same card: the rows leave, and Overview says nothing matches.
    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="Retract this upload").click()
    card.locator("[data-task-state=retracted]").wait_for(timeout=120_000)
    overview.reload()
    settle(overview)
    assert overview.locator("[data-state=empty]").count() == 1
    assert page.errors == []


def test_a_mapping_changed_before_loading_is_the_one_loaded(
    demo_stack: RunningStack, page: Any, tmp_path: Path
) -> None:
    datasource = f"mapped_{uuid.uuid4().hex[:6]}"
    path = tmp_path / "remapped.csv"
    write_sales(path, "Kisumu")
    page.goto(base(demo_stack) + "/data")
    settle(page)
    page.get_by_label("Datasource").fill(datasource)
    page.locator("input[type=file]").set_input_files(str(path))
    proposal = page.get_by_label("Source column for branch")
    proposal.wait_for(timeout=30_000)
    assert proposal.input_value() == "branch", "the analysis proposed the branch column"
    proposal.select_option("customer")  # the override: branches are the customer column
    page.get_by_role("button", name=f"Load {path.name}").click()
    card = page.locator(f"[data-file='{path.name}']")
    card.locator("[data-task-state=succeeded]").wait_for(timeout=120_000)
    answer = demo_stack.graphql(
        "query ($d: String) { filterOptions(datasource: $d) { branches } }", {"d": datasource}
    )
    assert answer["filterOptions"]["branches"] == [f"Customer {i}" for i in range(7)]
