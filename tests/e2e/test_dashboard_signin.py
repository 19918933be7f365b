"""Signing in to the dashboard in a real headless Chromium, against the whole stack.

The sign-in form posts the OAuth2 password grant to query-api's own origin, whose gateway
passes it to task-tracker's real token endpoint; users are made through task-tracker's admin
API by the bootstrap admin. Then: a viewer sees answers and no upload; a wrong password says
so; signing out forgets the token; an admin sees the admin pages; a branch-scoped user sees
the scope; a lapsed access token is renewed once with the refresh token, and a session that
cannot be renewed returns to sign-in with a message.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mauzo_common.testing.stack import RunningStack, start_stack

CHROMIUM = Path("/usr/bin/chromium")
DIST = Path(__file__).resolve().parents[2] / "services" / "query-api" / "dashboard" / "dist"
SHOTS = Path(__file__).resolve().parent / "screenshots"
ADMIN_PASSWORD = "e2e-admin-password-1"  # this test's own stack
USERS = {
    "vera": ("viewer-pass-1", "viewer", None),
    "ulla": ("uploader-pass-1", "uploader", None),
    "ada": ("admin-pass-1", "admin", None),
    "ken": ("scoped-pass-1", "viewer", ["Kisumu", "Eldoret"]),
}
ADMIN_PAGES = {"Explore", "Data", "Diagnostics", "Audit"}

if not CHROMIUM.exists():
    pytest.skip(
        "Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
        allow_module_level=True,
    )
if not (DIST / "index.html").exists():
    pytest.skip("the dashboard is not built: run `make install`", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


def sign_in_by_api(url: str, username: str, password: str) -> dict[str, Any]:
    answer = httpx.post(
        f"{url}/api/auth/token",
        data={"grant_type": "password", "username": username, "password": password},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """A stack of its own, with a little demo data and one user of each kind."""
    data_dir = tmp_path_factory.mktemp("signin")
    running = start_stack(
        data_dir,
        {"MAUZO_ADMIN_PASSWORD": ADMIN_PASSWORD, "MAUZO_AUTH_KEYS": os.environ["MAUZO_AUTH_KEYS"]},
    )
    try:
        admin = sign_in_by_api(running.url("QUERY_API"), "admin", ADMIN_PASSWORD)
        bearer = {"Authorization": f"Bearer {admin['access_token']}"}
        running.http.headers.update(bearer)  # the stack's helpers upload as the first admin
        demo = data_dir / "demo.csv"
        mauzo = Path(sys.executable).parent / "mauzo"
        subprocess.run(
            [str(mauzo), "demo-data", str(demo), "--rows", "3000"], check=True, capture_output=True
        )
        task = running.upload(demo, "sales")
        assert running.wait_for_task(task["task_id"])["state"] == "succeeded"
        for name, (password, role, branches) in USERS.items():
            made = httpx.post(
                running.url("TASK_TRACKER") + "/api/users",
                json={"username": name, "password": password, "role": role, "branches": branches},
                headers=bearer,
                timeout=30,
            )
            assert made.status_code == 201, made.text
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
    context = browser.new_context(viewport={"width": 1366, "height": 900}, bypass_csp=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.errors = errors
    yield tab
    context.close()


def sign_in(page: Any, url: str, username: str, password: str) -> None:
    page.goto(f"{url}/overview")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def settle(page: Any) -> None:
    page.wait_for_selector("main h1", timeout=30_000)
    page.wait_for_function("!document.querySelector('[aria-busy=true]')", timeout=30_000)


def nav(page: Any) -> set[str]:
    return set(page.locator("nav[aria-label=Pages] a").all_inner_texts())


BREAK_TOKENS = """(which) => {
  const s = JSON.parse(sessionStorage.getItem('mauzo.session'));
  if (which.includes('access')) s.accessToken = 'no-longer-valid';
  if (which.includes('refresh')) s.refreshToken = 'no-longer-valid';
  sessionStorage.setItem('mauzo.session', JSON.stringify(s));
}"""


def stored_session(page: Any) -> str | None:
    value: str | None = page.evaluate("sessionStorage.getItem('mauzo.session')")
    return value


def test_a_viewer_signs_in_and_sees_answers_but_no_upload(stack: RunningStack, page: Any) -> None:
    url = stack.url("QUERY_API")
    sign_in(page, url, "vera", USERS["vera"][0])
    settle(page)
    assert page.locator("main h1").inner_text() == "Overview"
    page.wait_for_selector("[data-kpi]", timeout=30_000)
    assert page.locator("[data-state=error]").count() == 0
    pages = nav(page)
    assert "Overview" in pages
    assert not pages & ADMIN_PAGES, "a viewer is offered pages the server would refuse"
    assert page.get_by_text("vera · viewer").count() == 1
    assert page.get_by_test_id("branch-scope").count() == 0
    page.goto(f"{url}/data")
    assert "needs the uploader role" in page.get_by_test_id("needs-role").inner_text()
    assert page.locator("[data-testid=dropzone]").count() == 0
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "signed-in-viewer.png"))
    assert page.errors == []


def test_a_wrong_password_is_a_clear_error_and_signs_nobody_in(
    stack: RunningStack, page: Any
) -> None:
    sign_in(page, stack.url("QUERY_API"), "vera", "not-her-password")
    alert = page.get_by_test_id("signin-error")
    alert.wait_for(timeout=30_000)
    assert alert.inner_text() == "Wrong username or password."
    assert page.get_by_label("Password").is_visible()
    assert stored_session(page) is None
    assert page.locator("main h1").inner_text() == "Sign in to Mauzo"


def test_sign_out_returns_to_sign_in_and_forgets_the_token(stack: RunningStack, page: Any) -> None:
    url = stack.url("QUERY_API")
    sign_in(page, url, "vera", USERS["vera"][0])
    settle(page)
    assert stored_session(page) is not None
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Username").wait_for()
    assert page.get_by_test_id("signin-notice").inner_text() == "You signed out."
    assert stored_session(page) is None
    page.reload()
    page.get_by_label("Username").wait_for()
    assert page.locator("[data-kpi]").count() == 0


def test_an_admin_sees_the_admin_parts_and_the_audit_log(stack: RunningStack, page: Any) -> None:
    url = stack.url("QUERY_API")
    sign_in(page, url, "ada", USERS["ada"][0])
    settle(page)
    assert nav(page) >= ADMIN_PAGES | {"Overview"}
    page.goto(f"{url}/audit")
    settle(page)
    log = page.get_by_role("region", name="Audit log (scrollable)")
    log.wait_for(timeout=30_000)
    text = log.inner_text()
    assert "auth.token" in text, "sign-ins are in the log"
    assert "ada" in text, "her own sign-in is in the log"
    page.goto(f"{url}/diagnostics")
    settle(page)
    assert page.locator("[data-health=task-tracker]").inner_text() == "ok"
    assert page.errors == []


def test_an_uploader_gets_the_data_page_but_no_admin_pages(stack: RunningStack, page: Any) -> None:
    url = stack.url("QUERY_API")
    sign_in(page, url, "ulla", USERS["ulla"][0])
    settle(page)
    pages = nav(page)
    assert "Data" in pages
    assert not pages & (ADMIN_PAGES - {"Data"})
    page.goto(f"{url}/data")
    settle(page)
    assert page.locator("[data-testid=dropzone]").count() == 1


def test_a_branch_scoped_user_sees_the_scope(stack: RunningStack, page: Any) -> None:
    sign_in(page, stack.url("QUERY_API"), "ken", USERS["ken"][0])
    settle(page)
    assert page.get_by_test_id("branch-scope").inner_text() == "Branches: Eldoret, Kisumu"


def test_a_lapsed_token_is_renewed_once_and_an_unrenewable_one_ends_the_session(
    stack: RunningStack, page: Any
) -> None:
    url = stack.url("QUERY_API")
    sign_in(page, url, "ada", USERS["ada"][0])
    settle(page)
    log = page.get_by_role("region", name="Audit log (scrollable)")
    # The access token stops holding (as after a key rotation): one 401, one refresh grant.
    page.evaluate(BREAK_TOKENS, ["access"])
    page.goto(f"{url}/audit")
    log.wait_for(timeout=30_000)
    assert "no-longer-valid" not in (stored_session(page) or "")
    # Neither token holds: back to sign-in, saying why.
    page.evaluate(BREAK_TOKENS, ["access", "refresh"])
    page.goto(f"{url}/audit")
    notice = page.get_by_test_id("signin-notice")
    notice.wait_for(timeout=30_000)
    assert "session has ended" in notice.inner_text()
    assert stored_session(page) is None
    assert page.errors == []
