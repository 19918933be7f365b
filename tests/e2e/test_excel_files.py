"""A real old-format .xls through the whole stack: the sales sheet found among others, loaded."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
import xlwt

from mauzo_common.testing.stack import RunningStack

pytestmark = [pytest.mark.e2e, pytest.mark.kafka]

BRANCHES = ["Mombasa", "Nairobi CBD", "Kisumu"]


def write_xls(path: Path) -> list[tuple[str, str, int, float]]:
    """A cover sheet and a stock sheet before the sales, as tills often export them."""
    sales = [
        (f"2025-03-{10 + i % 3:02d} {8 + i % 10:02d}:15", BRANCHES[i % 3], i % 4 + 1, 99.5 + i)
        for i in range(30)
    ]
    book = xlwt.Workbook()
    cover = book.add_sheet("Cover")
    cover.write(0, 0, "Daily sales export")
    cover.write(1, 0, "Printed by Amina")
    stock = book.add_sheet("Stock")
    for c, title in enumerate(["Product", "In stock"]):
        stock.write(0, c, title)
    stock.write(1, 0, "Kimbo 1kg")
    stock.write(1, 1, 14)
    sheet = book.add_sheet("Sales")
    for c, title in enumerate(["Date", "Branch", "Product", "Qty", "Amount"]):
        sheet.write(0, c, title)
    for r, (when, branch, qty, amount) in enumerate(sales, start=1):
        for c, value in enumerate((when, branch, "Kimbo 1kg", qty, amount)):
            sheet.write(r, c, value)
    book.save(str(path))
    return sales


def test_an_xls_workbook_loads_its_sales_sheet(stack: RunningStack, tmp_path: Path) -> None:
    sales = write_xls(tmp_path / "till export.xls")
    datasource = f"xls_{uuid.uuid4().hex[:8]}"
    accepted = stack.upload(tmp_path / "till export.xls", datasource)
    status = stack.wait_for_task(accepted["task_id"])
    assert status["state"] == "succeeded", status
    assert status["rows_ingested"] == len(sales)

    rows = stack.sql(
        f"SELECT branch, COUNT(*) AS n, SUM(gross_revenue) AS revenue, "
        f'SUM(units_sold) AS units FROM "{datasource}" GROUP BY branch'
    )
    got = {r["branch"]: (r["n"], r["revenue"], r["units"]) for r in rows}
    expected = {
        b: (
            sum(1 for s in sales if s[1] == b),
            pytest.approx(sum(s[3] for s in sales if s[1] == b)),
            sum(s[2] for s in sales if s[1] == b),
        )
        for b in BRANCHES
    }
    assert got == expected

    report = httpx.get(
        f"{stack.url('TASK_TRACKER')}/api/ingest/tasks/{accepted['task_id']}/report",
        timeout=30,
        auth=stack.auth,
    )
    assert report.status_code == 200, report.text
    assert report.json()["sheet"] == "Sales"
