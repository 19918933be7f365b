"""Bad files through the whole stack: a specific error, zero rows loaded, every service healthy.

Every case is sent once per stack, all at once (a module fixture), so the file stays fast; each
test then checks one case's outcome. A case is refused either by upload (a 4xx with a code, nothing
kept) or by the validator (202, then the task ends `rejected` with a code).
"""

from __future__ import annotations

import csv
import functools
import http.client
import importlib.util
import io
import json
import uuid
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import polars as pl
import pytest
from msoffcrypto.format.ooxml import OOXMLFile

from mauzo_common.object_store import open_object_store
from mauzo_common.settings import MauzoSettings
from mauzo_common.testing.stack import RunningStack

pytestmark = [pytest.mark.e2e, pytest.mark.kafka]

HEADER = "time,branch,product,product_line,salesperson,customer,invoice_id,quantity,amount,cost\n"
LINE = "2025-03-10 10:00:00,Mombasa,Kimbo 1kg,Cooking Oils,Amina,Baraka Shop,INV-1,2,760,640\n"
MB = 1024 * 1024


def rows(n: int, line: str = LINE) -> str:
    return "".join(line.replace("INV-1", f"INV-{i}") for i in range(n))


def good_csv(n: int = 40) -> bytes:
    return (HEADER + rows(n)).encode()


@functools.cache
def _xlsx_builder() -> ModuleType:
    """The validator tests' minimal .xlsx writer (no writer library is a dependency)."""
    path = Path(__file__).resolve().parents[2] / "services/validator/tests/xlsx_builder.py"
    spec = importlib.util.spec_from_file_location("e2e_xlsx_builder", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    data: bytes = _xlsx_builder().xlsx_bytes(sheets)
    return data


def sales_xlsx() -> bytes:
    table = [row.split(",") for row in (HEADER + rows(5)).splitlines()]
    return xlsx({"Sales": table})


def password_protected_xlsx() -> bytes:
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(sales_xlsx())).encrypt("s3cret-Pa55", encrypted)
    return encrypted.getvalue()


@functools.cache
def zip_bomb_xlsx() -> bytes:
    """A well-formed workbook whose one sheet inflates to 128 MB of padding from ~130 kB."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(sales_xlsx())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(info.filename, source.read(info))
        with bomb.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0"?><worksheet><sheetData>')
            padding = b" " * (16 * MB)
            for _ in range(8):
                sheet.write(padding)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def zip_of_csv() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("sales.csv", good_csv())
    return out.getvalue()


def fake_parquet() -> bytes:
    return b"PAR1" + b"not really parquet " * 50 + b"PAR1"


def truncated_parquet() -> bytes:
    buffer = io.BytesIO()
    pl.DataFrame({"time": ["2025-03-10"], "amount": [5.0]}).write_parquet(buffer)
    return buffer.getvalue()[:-20]


def utf16_with_a_lone_surrogate() -> bytes:
    text = (HEADER + rows(60)).encode("utf-16")
    middle = len(text) // 4 * 2  # on a code-unit boundary
    return text[:middle] + b"\x00\xd8" + text[middle:]


def one_50_mb_line() -> bytes:
    return b"time,amount,note\n2025-03-10,5," + b"x" * (50 * MB) + b"\n2025-03-11,6,ok\n"


def ten_thousand_columns() -> bytes:
    header = ",".join(f"c{i}" for i in range(10_000))
    return (header + "\n" + ",".join(["1"] * 10_000) + "\n").encode()


@dataclass(frozen=True)
class Case:
    id: str
    content: Callable[[], bytes]
    code: str
    http: int = 202
    """202: upload accepts and the task must end `rejected`; else upload refuses with this."""
    file_name: bytes = b"sales.csv"
    datasource: bytes | None = None
    fields: dict[str, str] = field(default_factory=dict)
    bug: str | None = None
    """Why this case is expected to fail today (strict xfail), until the validator is fixed."""

    @property
    def target(self) -> str:
        return f"bad_{self.id}"


def text(value: str) -> Callable[[], bytes]:
    return lambda: value.encode()


def raw(value: bytes) -> Callable[[], bytes]:
    return lambda: value


CASES = [
    # Refused by upload before anything is kept.
    Case("empty", raw(b""), "empty_file", 422),
    Case("binary_garbage", raw(bytes(range(256)) * 40), "unsupported_file_type", 415),
    Case("nul_bytes", raw(b"\x00" * 4096), "unsupported_file_type", 415),
    Case("pdf_named_csv", raw(b"%PDF-1.7\n" + bytes(range(256)) * 4), "unsupported_file_type", 415),
    Case(
        "html_named_xls",
        text("<html><table><tr><td>Date</td></tr></table></html>\n"),
        "unsupported_file_type",
        415,
        b"report.xls",
    ),
    Case(
        "json_array",
        text('[{"time": "2025-03-10", "amount": 5}]\n'),
        "unsupported_file_type",
        415,
        b"sales.json",
    ),
    Case("xlsx_named_csv", sales_xlsx, "extension_mismatch", 415, b"sales.csv"),
    Case("csv_named_xlsx", good_csv, "extension_mismatch", 415, b"sales.xlsx"),
    Case("password_protected_xlsx", password_protected_xlsx, "password_protected", 415, b"s.xlsx"),
    Case("zip_of_a_csv", zip_of_csv, "unsupported_archive", 415, b"sales.xlsx"),
    Case("truncated_parquet", truncated_parquet, "truncated_file", 422, b"sales.parquet"),
    Case("path_traversal_datasource", good_csv, "invalid_datasource", 422, datasource=b"../etc"),
    Case(
        "control_chars_in_datasource",
        good_csv,
        "invalid_datasource",
        422,
        datasource=b"sales\x1b[2J\x00",
    ),
    Case("mapping_not_json", good_csv, "invalid_mapping", 422, fields={"mapping": "{amount"}),
    # Accepted by upload, refused by the validator: the task ends `rejected`.
    Case("header_only", text(HEADER), "header_only"),
    Case("whitespace_only", text(" \r\n\n  \n"), "empty_file"),
    Case(
        "undecodable_bytes",
        lambda: good_csv() + "Café".encode() + b"\xff\xfe\n",
        "undecodable_bytes",
    ),
    Case("utf16_with_garbage", utf16_with_a_lone_surrogate, "undecodable_bytes"),
    Case("ragged_rows", text(HEADER + rows(30) + "2025-03-10,Mombasa\n"), "ragged_rows"),
    Case("ten_thousand_columns", ten_thousand_columns, "too_many_columns"),
    Case("one_50_mb_line", one_50_mb_line, "line_too_long"),
    Case("duplicate_headers", text(HEADER.replace("cost", "amount") + LINE), "duplicate_headers"),
    Case(
        "duplicate_hidden_by_control_chars",
        text("time,amount,\x1bamount\x07\n" + "2025-03-10,5,6\n" * 300),
        "duplicate_headers",
    ),
    Case("no_time_column", text("branch,amount\nMombasa,100\n"), "no_time_column"),
    Case(
        "no_parseable_date",
        text(HEADER + rows(5, LINE.replace("2025-03-10 10:00:00", "someday"))),
        "no_parseable_date",
    ),
    Case("time_column_of_years", text("time,amount\n2023,100\n2024,200\n"), "no_parseable_date"),
    Case(
        "every_date_in_the_future",
        text(HEADER + rows(5, LINE.replace("2025", "2099"))),
        "all_dates_in_future",
    ),
    Case(
        "amounts_not_numbers",
        text(HEADER + rows(5, LINE.replace(",760,", ",lots,"))),
        "amounts_not_numbers",
    ),
    Case("amounts_missing", text("date,amount\n2025-03-10,NA\n2025-03-11,\n"), "missing_amounts"),
    Case("no_amount_column", text("date,branch\n2025-03-10,Mombasa\n"), "no_amount_column"),
    Case(
        "quantities_not_numbers",
        text(HEADER + rows(5, LINE.replace(",2,760,", ",two,760,"))),
        "quantities_not_numbers",
    ),
    Case(
        "semicolons_with_broken_decimal_comma",
        text("date;amount\n" + "2025-03-10;76x0,50\n" * 5),
        "amounts_not_numbers",
        fields={"options": '{"decimal_comma": "true"}'},
    ),
    Case(
        "unclosed_quote",
        text(HEADER + rows(5) + '2025-03-10 10:00:00,"Mombasa,unclosed\n'),
        "unclosed_quote",
    ),
    Case("zip_bomb_xlsx", zip_bomb_xlsx, "zip_bomb", file_name=b"sales.xlsx"),
    Case(
        "xlsx_whose_only_sheet_is_empty",
        lambda: xlsx({"Sheet1": []}),
        "empty_file",
        file_name=b"sales.xlsx",
    ),
    Case(
        "xlsx_header_only",
        lambda: xlsx({"Sales": [["date", "amount"]]}),
        "header_only",
        file_name=b"sales.xlsx",
    ),
    Case("damaged_xlsx", lambda: sales_xlsx()[:-200], "unreadable_file", file_name=b"sales.xlsx"),
    Case(
        "damaged_xls",
        raw(bytes.fromhex("d0cf11e0a1b11ae1") + b"\x01" * 600),
        "unreadable_file",
        file_name=b"sales.xls",
    ),
    Case("parquet_that_is_not", fake_parquet, "unreadable_file", file_name=b"sales.parquet"),
    Case(
        "json_lines_with_garbage",
        text('{"time": "2025-03-10", "amount": 1}\nnot json at all\n{"time": 1}\n'),
        "unreadable_file",
        file_name=b"sales.jsonl",
    ),
    Case(
        "mapping_to_a_missing_column",
        good_csv,
        "mapping_column_not_found",
        fields={"mapping": '{"amount": "Net Sales"}'},
    ),
    Case("unknown_option", good_csv, "invalid_option", fields={"options": '{"colour": "red"}'}),
    Case(
        "amount_overflowing_to_infinity",
        text("date,amount\n2025-03-10,1e400\n2025-03-11,5\n"),
        "amounts_not_numbers",
    ),
]


def multipart(
    datasource: bytes | None, file_name: bytes, content: bytes, fields: dict[str, str]
) -> bytes:
    """A hand-made body, so names reach the server byte for byte (httpx would escape them)."""
    parts = [(b"datasource", datasource)] if datasource is not None else []
    parts += [(k.encode(), v.encode()) for k, v in fields.items()]
    body = b"".join(
        b'--b0undary\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % part
        for part in parts
    )
    head = b'--b0undary\r\nContent-Disposition: form-data; name="file"; filename="%s"\r\n' % (
        file_name
    )
    return (
        body
        + head
        + b"Content-Type: application/octet-stream\r\n\r\n"
        + content
        + (b"\r\n--b0undary--\r\n")
    )


def post(stack: RunningStack, body: bytes) -> httpx.Response:
    return httpx.post(
        stack.url("UPLOAD") + "/api/ingest/upload",
        content=body,
        headers={"content-type": "multipart/form-data; boundary=b0undary"},
        timeout=120,
        auth=stack.auth,
    )


@dataclass(frozen=True)
class Outcome:
    http: int
    error: dict[str, str]
    task: dict[str, Any] | None = None


def settle(stack: RunningStack, response: httpx.Response) -> Outcome:
    if response.status_code != 202:
        return Outcome(response.status_code, response.json()["error"])
    task = stack.wait_for_task(response.json()["task_id"])
    return Outcome(202, task.get("error") or {}, task)


def send(stack: RunningStack, case: Case) -> Outcome:
    datasource = case.datasource if case.datasource is not None else case.target.encode()
    body = multipart(datasource, case.file_name, case.content(), case.fields)
    return settle(stack, post(stack, body))


@pytest.fixture(scope="module")
def outcomes(stack: RunningStack) -> dict[str, Outcome]:
    """Every case sent at once: the stack must cope with all of them in flight together."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = pool.map(lambda case: (case.id, send(stack, case)), CASES)
        return dict(results)


def rows_in(stack: RunningStack, datasource: str) -> int:
    response = httpx.post(
        stack.url("OLAP_LITE") + "/druid/v2/sql",
        json={"query": f'SELECT COUNT(*) AS n FROM "{datasource}"'},
        timeout=30,
        auth=stack.auth,
    )
    if response.status_code == 400:  # Druid: the datasource does not exist
        return 0
    assert response.status_code == 200, response.text
    return int(response.json()[0]["n"])


def tracker(stack: RunningStack, path: str) -> httpx.Response:
    return httpx.get(
        f"{stack.url('TASK_TRACKER')}/api/ingest/tasks/{path}", timeout=30, auth=stack.auth
    )


def test_there_are_at_least_thirty_distinct_cases() -> None:
    assert len({c.id for c in CASES}) == len(CASES) >= 30


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.bug)] if c.bug else []
        )
        for c in CASES
    ],
)
def test_bad_input_is_refused_with_its_own_code_and_loads_nothing(
    stack: RunningStack, outcomes: dict[str, Outcome], case: Case
) -> None:
    outcome = outcomes[case.id]
    assert (outcome.http, outcome.error.get("code")) == (case.http, case.code), outcome
    assert outcome.error["message"]
    assert outcome.error["hint"]
    if outcome.task is not None:
        assert outcome.task["state"] == "rejected", outcome.task
        assert outcome.task["rows_ingested"] in (0, None), outcome.task
        # the validator's findings stay readable for a refused file
        report = httpx.get(
            stack.url("TASK_TRACKER") + outcome.task["links"]["report"], auth=stack.auth
        )
        assert report.json()["error"]["code"] == case.code
    assert rows_in(stack, case.target) == 0


def test_a_request_over_the_size_limit_is_refused_before_its_body_is_read(
    stack: RunningStack,
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", stack.port("UPLOAD"), timeout=30)
    try:
        connection.putrequest("POST", "/api/ingest/upload?datasource=bad_too_large")
        connection.putheader("Content-Type", "multipart/form-data; boundary=b0undary")
        connection.putheader("Content-Length", str(1 << 40))  # 1 TiB declared, none sent
        connection.putheader("Authorization", stack.bearer()["Authorization"])
        connection.endheaders()
        response = connection.getresponse()
        status, body = response.status, json.loads(response.read())
    finally:
        connection.close()
    assert status == 413
    assert body["error"]["code"] == "file_too_large"
    assert rows_in(stack, "bad_too_large") == 0


def stored_uploads(stack: RunningStack, datasource: str) -> list[str]:
    """Object keys (finished or partial) under the datasource's upload prefix, in either store."""
    env = stack.env
    settings = MauzoSettings(
        data_dir=stack.data_dir,
        object_store="s3" if env.get("MAUZO_OBJECT_STORE") == "s3" else "local",
        s3_endpoint_url=env.get("MAUZO_S3_ENDPOINT_URL"),
        s3_bucket=env.get("MAUZO_S3_BUCKET", "mauzo"),
        s3_access_key_id=env.get("AWS_ACCESS_KEY_ID"),
        s3_secret_access_key=env.get("AWS_SECRET_ACCESS_KEY"),
    )
    return open_object_store(settings).list(f"uploads/{datasource}/")


def test_a_streamed_upload_over_the_size_limit_is_refused_and_leaves_nothing(
    stack: RunningStack,
) -> None:
    """Chunked, so no Content-Length gives the size away: the limit holds as the bytes arrive."""
    limit = int(stack.env["MAUZO_MAX_UPLOAD_BYTES"])
    datasource = f"bad_streamed_{uuid.uuid4().hex[:8]}"
    block = rows(MB // len(LINE) + 1).encode()[:MB]
    block = block[: block.rindex(b"\n") + 1]  # whole rows only: valid CSV all the way
    sent = 0

    def body() -> Iterator[bytes]:
        nonlocal sent
        yield (
            b'--b0undary\r\nContent-Disposition: form-data; name="datasource"\r\n\r\n'
            + datasource.encode()
            + b'\r\n--b0undary\r\nContent-Disposition: form-data; name="file"; '
            b'filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n' + HEADER.encode()
        )
        while sent <= limit + MB:
            sent += len(block)
            yield block
        yield b"\r\n--b0undary--\r\n"

    response = httpx.post(
        stack.url("UPLOAD") + "/api/ingest/upload",
        content=body(),
        headers={"content-type": "multipart/form-data; boundary=b0undary"},
        timeout=120,
        auth=stack.auth,
    )
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "file_too_large"
    assert sent > limit  # the body really went past the limit before the answer
    assert stored_uploads(stack, datasource) == []
    tasks = httpx.get(
        stack.url("TASK_TRACKER") + "/api/ingest/tasks",
        params={"datasource": datasource},
        auth=stack.auth,
    )
    assert tasks.json()["tasks"] == []
    assert rows_in(stack, datasource) == 0
    assert (
        httpx.get(stack.url("UPLOAD") + "/api/health", timeout=10, auth=stack.auth).status_code
        == 200
    )
    small = post(stack, multipart(datasource.encode(), b"small.csv", good_csv(5), {}))
    assert small.status_code == 202, small.text
    assert stack.wait_for_task(small.json()["task_id"])["state"] == "succeeded"


@pytest.mark.parametrize(
    "file_name",
    [b"../../../../tmp/mauzo-e2e-%s.csv", b"..\\..\\\x1b[2J\x00mauzo-e2e-%s\x07.csv"],
    ids=["path_traversal", "control_characters"],
)
def test_a_nasty_file_name_is_made_safe_and_the_content_still_judged(
    stack: RunningStack, file_name: bytes
) -> None:
    marker = uuid.uuid4().hex[:8]
    datasource = f"bad_name_{marker}"
    content = (HEADER + rows(5, LINE.replace(",760,", ",lots,"))).encode()
    outcome = settle(
        stack, post(stack, multipart(datasource.encode(), file_name % marker.encode(), content, {}))
    )
    assert outcome.task is not None, outcome
    assert (outcome.task["state"], outcome.error["code"]) == ("rejected", "amounts_not_numbers")
    name = outcome.task["file_name"]
    assert name.endswith(f"mauzo-e2e-{marker}.csv")
    assert not set(name) & {"/", "\\"}
    assert name.isprintable()
    task_id = outcome.task["task_id"]
    assert outcome.task["object_key"] == f"uploads/{datasource}/{task_id}/{name}"
    assert not list(Path("/tmp").glob(f"mauzo-e2e-{marker}*"))
    assert rows_in(stack, datasource) == 0


def test_formula_cells_are_kept_as_text_and_escaped_in_the_rejected_rows(
    stack: RunningStack,
) -> None:
    formulas = ['=HYPERLINK("http://evil.example","Click")', "+cmd|' /C calc'!A0", "@SUM(1+1)"]
    lines = [LINE.replace("INV-1", f"INV-{i}") for i in range(60)]
    for i, formula in enumerate(formulas):
        lines[i] = lines[i].replace("Baraka Shop", '"' + formula.replace('"', '""') + '"')
    bad = LINE.replace("Baraka Shop", "=1+2").replace(",760,", ",=SUM(A1:A9),")
    content = (HEADER + "".join(lines) + bad).encode()
    datasource = f"formulas_{uuid.uuid4().hex[:8]}"
    outcome = settle(stack, post(stack, multipart(datasource.encode(), b"f.csv", content, {})))
    assert outcome.task is not None
    assert outcome.task["state"] == "succeeded", outcome

    stored = stack.sql(f'SELECT customer, COUNT(*) AS n FROM "{datasource}" GROUP BY customer')
    assert {r["customer"]: r["n"] for r in stored} == {"Baraka Shop": 57} | dict.fromkeys(
        formulas, 1
    )

    download = tracker(stack, f"{outcome.task['task_id']}/rejected-rows")
    assert download.status_code == 200, download.text
    rejected = list(csv.DictReader(io.StringIO(download.text)))
    assert len(rejected) == 1
    cells = set(rejected[0].values())
    assert "'=1+2" in cells
    assert "'=SUM(A1:A9)" in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells if c)


def test_a_semicolon_file_with_decimal_commas_loads_when_told(stack: RunningStack) -> None:
    """The counterpart of the broken decimal-comma case: the same shape, well formed, loads."""
    content = "date;branch;amount\n" + "".join(
        f"2025-03-{d:02d};Mombasa;1.234,50\n" for d in range(1, 11)
    )
    datasource = f"decimal_comma_{uuid.uuid4().hex[:8]}"
    body = multipart(
        datasource.encode(), b"s.csv", content.encode(), {"options": '{"decimal_comma": "true"}'}
    )
    outcome = settle(stack, post(stack, body))
    assert outcome.task is not None
    assert outcome.task["state"] == "succeeded", outcome
    total = stack.sql(f'SELECT SUM(gross_revenue) AS s, COUNT(*) AS n FROM "{datasource}"')
    assert total == [{"s": pytest.approx(12_345.0), "n": 10}]


def test_every_service_is_still_healthy_after_all_the_bad_input(
    stack: RunningStack, outcomes: dict[str, Outcome]
) -> None:
    assert len(outcomes) == len(CASES)
    assert stack.process.poll() is None, "mauzo up exited"
    assert stack.all_healthy()
