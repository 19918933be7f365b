"""Bad files through the whole stack: a specific error, zero rows loaded, every service healthy."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from mauzo_common.testing.stack import RunningStack

pytestmark = [pytest.mark.e2e, pytest.mark.kafka]

HEADER = "time,branch,product,product_line,salesperson,customer,invoice_id,quantity,amount,cost\n"
LINE = "2025-03-10 10:00:00,Mombasa,Kimbo 1kg,Cooking Oils,Amina,Baraka Shop,INV-1,2,760,640\n"

BAD_FILES: dict[str, bytes] = {
    "empty": b"",
    "header_only": HEADER.encode(),
    "binary_garbage": bytes(range(256)) * 40,
    "no_time_column": b"branch,amount\nMombasa,100\n",
    "no_parseable_date": (HEADER + LINE.replace("2025-03-10 10:00:00", "someday")).encode(),
    "amounts_not_numbers": (HEADER + LINE.replace(",760,", ",lots,") * 3).encode(),
    "ragged_rows": (HEADER + LINE + "2025-03-10,Mombasa\n").encode(),
    "all_in_future": (HEADER + LINE.replace("2025-03-10", "2099-01-01")).encode(),
    "duplicate_headers": (HEADER.replace("cost", "amount") + LINE).encode(),
}


def _rows_in(stack: RunningStack, datasource: str) -> int:
    response = httpx.post(
        stack.url("OLAP_LITE") + "/druid/v2/sql",
        json={"query": f'SELECT COUNT(*) AS n FROM "{datasource}"'},
        timeout=30,
    )
    if response.status_code == 400:  # Druid: the datasource does not exist
        return 0
    return int(response.json()[0]["n"])


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_is_refused_with_a_reason_and_loads_nothing(
    stack: RunningStack, tmp_path: Path, case: str
) -> None:
    path = tmp_path / f"{case}.csv"
    path.write_bytes(BAD_FILES[case])
    datasource = f"bad_{case}"
    with path.open("rb") as handle:
        response = httpx.post(
            stack.url("UPLOAD") + "/api/ingest/upload",
            data={"datasource": datasource},
            files={"file": (path.name, handle, "text/csv")},
            timeout=60,
        )
    if response.status_code == 202:
        status = stack.wait_for_task(response.json()["task_id"])
        assert status["state"] == "rejected", status
        error = status["error"]
    else:
        assert 400 <= response.status_code < 500, response.text
        error = response.json()["error"]
    assert error["code"], error
    assert error["message"], error
    assert _rows_in(stack, datasource) == 0
    assert stack.all_healthy()
