"""replace=true through the whole stack: the same export sent again, read differently, takes the
place of the first load instead of doubling every total."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from mauzo_common.testing.stack import RunningStack

pytestmark = [pytest.mark.e2e, pytest.mark.kafka]

HEADER = "time,branch,product,salesperson,customer,invoice_id,quantity,amount,cost\n"
# Every day <= 12: read day first by default (3 January … 3 August), month first when told.
CSV = HEADER + "".join(
    f"03/0{d}/2024 10:00:00,Mombasa,Kimbo 1kg,Amina,Baraka Shop,INV-{d},{d},{100 * d},{60 * d}\n"
    for d in range(1, 9)
)
ROWS, REVENUE = 8, sum(100.0 * d for d in range(1, 9))


def upload(stack: RunningStack, datasource: str, **fields: str) -> httpx.Response:
    return httpx.post(
        stack.url("UPLOAD") + "/api/ingest/upload",
        data={"datasource": datasource, **fields},
        files={"file": ("export.csv", CSV.encode(), "text/csv")},
        timeout=120,
        auth=stack.auth,
    )


def status(stack: RunningStack, task_id: str) -> dict[str, Any]:
    response = httpx.get(
        f"{stack.url('TASK_TRACKER')}/api/ingest/status/{task_id}", timeout=10, auth=stack.auth
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def totals(stack: RunningStack, datasource: str) -> dict[str, Any]:
    [row] = stack.sql(
        "SELECT COUNT(*) AS n, SUM(gross_revenue) AS revenue, SUM(units_sold) AS units, "
        "MIN(__time) AS first_sale, MAX(__time) AS last_sale, "
        f'COUNT(DISTINCT upload_id) AS uploads FROM "{datasource}"',
    )
    return row


def rows_of(stack: RunningStack, datasource: str, upload_id: str) -> int:
    [row] = stack.sql(f"SELECT COUNT(*) AS n FROM \"{datasource}\" WHERE upload_id = '{upload_id}'")
    return int(row["n"])


def test_replace_true_takes_the_place_of_the_first_load(stack: RunningStack) -> None:
    datasource = f"replace_{uuid.uuid4().hex[:8]}"
    first = upload(stack, datasource)
    assert first.status_code == 202, first.text
    first_id = first.json()["task_id"]
    assert stack.wait_for_task(first_id)["state"] == "succeeded"
    before = totals(stack, datasource)
    assert (before["n"], before["revenue"], before["uploads"]) == (ROWS, REVENUE, 1)
    assert before["first_sale"].startswith("2024-01-0")  # read day first

    again = upload(stack, datasource)
    assert again.status_code == 200, again.text
    assert (again.json()["status"], again.json()["duplicate_of"]) == ("duplicate", first_id)

    replacing = upload(stack, datasource, replace="true", options='{"day_first": "false"}')
    assert replacing.status_code == 202, replacing.text
    assert replacing.json()["status"] == "received"
    second_id = replacing.json()["task_id"]
    second = stack.wait_for_task(second_id)
    assert second["state"] == "succeeded", second
    [replaced] = second["replaces"]
    assert replaced["task_id"] == first_id
    retraction = stack.wait_for_task(replaced["retraction_task_id"])
    assert (retraction["state"], retraction["retracts_task_id"]) == ("succeeded", first_id)
    assert retraction["replaced_by"] == second_id
    old = status(stack, first_id)  # retracted in the same transaction as the retraction's success
    assert (old["state"], old["replaced_by"]) == ("retracted", second_id)

    after = totals(stack, datasource)
    assert (after["n"], after["revenue"], after["units"], after["uploads"]) == (
        ROWS,
        REVENUE,
        sum(range(1, 9)),
        1,
    )
    assert after["first_sale"].startswith("2024-03-01")  # the corrected reading, month first
    assert after["last_sale"].startswith("2024-03-08")
    assert rows_of(stack, datasource, first_id) == 0
    assert rows_of(stack, datasource, second_id) == ROWS

    # The same bytes once more are a duplicate of the load whose rows are there now.
    last = upload(stack, datasource)
    assert last.status_code == 200, last.text
    assert last.json()["duplicate_of"] == second_id


def test_a_replace_that_is_rejected_keeps_the_first_load(stack: RunningStack) -> None:
    datasource = f"replace_{uuid.uuid4().hex[:8]}"
    first = upload(stack, datasource)
    assert first.status_code == 202, first.text
    first_id = first.json()["task_id"]
    assert stack.wait_for_task(first_id)["state"] == "succeeded"

    refused = upload(stack, datasource, replace="true", mapping='{"amount": "Net Sales"}')
    assert refused.status_code == 202, refused.text
    task = stack.wait_for_task(refused.json()["task_id"])
    assert task["state"] == "rejected", task
    assert task["replaces"] == []
    assert stack.wait_for_task(first_id)["state"] == "succeeded"
    after = totals(stack, datasource)
    assert (after["n"], after["revenue"], after["uploads"]) == (ROWS, REVENUE, 1)
    assert rows_of(stack, datasource, first_id) == ROWS
