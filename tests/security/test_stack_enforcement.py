"""The whole stack as `mauzo up` runs it, with its own generated secrets: a file an uploader
drops goes upload -> task-tracker (a service token) -> validator -> spec-builder -> olap-lite
(the Druid credentials) and is answered to a viewer by query-api (the Druid credentials again),
while every door refuses a caller without the right credentials."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest

from mauzo_common.auth.local_secrets import auth_keys, druid_password
from mauzo_common.auth.principal import Principal, Role
from mauzo_common.auth.tokens import Tokens
from mauzo_common.settings import MauzoSettings
from mauzo_common.testing.auth import TEST_KEY, TEST_KEY_ID
from mauzo_common.testing.components import wait_until
from mauzo_common.testing.stack import RunningStack, start_stack

pytestmark = [pytest.mark.e2e, pytest.mark.kafka]

SERVICES = ("UPLOAD", "TASK_TRACKER", "VALIDATOR", "SPEC_BUILDER", "QUERY_API")
OVERVIEW = (
    """query($f: SalesFilterInput!) { salesOverview(filter: $f) { netSales transactions } }"""
)
CSV = (
    "time,branch,product,product_line,salesperson,customer,invoice_id,quantity,amount,cost\n"
    "2025-04-01 10:00:00,Mombasa,Bread,Bakery,Kamau,Customer 01,INV-1,2,120.00,80.00\n"
    "2025-04-01 11:00:00,Kisumu,Milk,Dairy,Achieng,Customer 02,INV-2,1,60.50,40.00\n"
)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    running = start_stack(tmp_path_factory.mktemp("enforced-stack"))
    try:
        yield running
    finally:
        assert running.stop() == 0


@pytest.fixture(scope="module")
def tokens(stack: RunningStack) -> Iterator[Tokens]:
    """Tokens signed with the keys this stack generated (not the test session's)."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MAUZO_AUTH_KEYS", json.dumps(auth_keys(stack.data_dir)))
        yield Tokens(MauzoSettings())


def bearer(tokens: Tokens, subject: str, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.issue(Principal(subject, role))}"}


def test_a_drop_flows_through_every_service_with_their_own_credentials(
    stack: RunningStack, tokens: Tokens, tmp_path: Path
) -> None:
    ann = bearer(tokens, "ann", Role.UPLOADER)
    path = tmp_path / "april.csv"
    path.write_text(CSV)
    with path.open("rb") as handle:
        accepted = httpx.post(
            stack.url("UPLOAD") + "/api/ingest/upload",
            data={"datasource": "sales"},
            files={"file": (path.name, handle, "text/csv")},
            headers=ann,
            timeout=60,
        )
    assert accepted.status_code == 202, accepted.text
    status_url = f"{stack.url('TASK_TRACKER')}/api/ingest/status/{accepted.json()['task_id']}"
    state: dict[str, str] = {}

    def ended() -> bool:
        answer = httpx.get(status_url, headers=ann, timeout=10)  # ann owns it: she sees it
        state.update(answer.json())
        return state.get("state") in ("succeeded", "failed", "rejected")

    wait_until(ended, 120, "the drop loaded")
    assert state["state"] == "succeeded", state
    assert state["owner"] == "ann"

    viewer = bearer(tokens, "vic", Role.VIEWER)
    answer = httpx.post(
        stack.url("QUERY_API") + "/graphql",
        json={"query": OVERVIEW, "variables": {"f": {"dateFrom": "2025-04-01",
                                                     "dateTo": "2025-04-01"}}},
        headers=viewer,
        timeout=60,
    )  # fmt: skip
    overview = answer.json()["data"]["salesOverview"]
    assert overview == {"netSales": pytest.approx(180.5), "transactions": 2}


def test_every_door_refuses_a_caller_without_the_right_credentials(
    stack: RunningStack, tokens: Tokens
) -> None:
    now = int(time.time())
    claims = {"iss": "mauzo", "aud": "mauzo", "sub": "x", "iat": now, "exp": now + 300,
              "typ": "access", "role": "admin", "kind": "user"}  # fmt: skip
    # Well formed, but signed with the test session's key, which this deployment does not hold.
    foreign = jwt.encode(claims, TEST_KEY, "HS256", headers={"kid": TEST_KEY_ID})
    for name in SERVICES:
        metrics = stack.url(name) + "/metrics"
        assert httpx.get(metrics, timeout=10).status_code == 401, name
        stranger = {"Authorization": f"Bearer {foreign}"}
        assert httpx.get(metrics, headers=stranger, timeout=10).status_code == 401, name
        viewer = bearer(tokens, "vic", Role.VIEWER)
        assert httpx.get(metrics, headers=viewer, timeout=10).status_code == 403, name
        admin = bearer(tokens, "ops", Role.ADMIN)
        assert httpx.get(metrics, headers=admin, timeout=10).status_code == 200, name
        assert httpx.get(stack.url(name) + "/api/health", timeout=10).status_code == 200, name

    sql = stack.url("OLAP_LITE") + "/druid/v2/sql"
    query = {"query": "SELECT COUNT(*) AS n FROM sales"}
    assert httpx.post(sql, json=query, timeout=30).status_code == 401
    wrong = httpx.post(sql, json=query, auth=("mauzo", "guess"), timeout=30)
    assert wrong.status_code == 401
    right = httpx.post(sql, json=query, auth=("mauzo", druid_password(stack.data_dir)), timeout=30)
    assert right.status_code == 200, right.text
    assert httpx.get(stack.url("OLAP_LITE") + "/status/health", timeout=10).json() is True
