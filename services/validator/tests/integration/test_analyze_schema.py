"""POST /api/ingest/analyze-schema through HTTP against the validator's own app (nothing stored)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from mauzo_common.auth.principal import Role
from mauzo_common.testing.auth import auth
from mauzo_common.testing.errors import assert_error_body
from mauzo_validator.app import create_app
from mauzo_validator.settings import ValidatorSettings

ADMIN = auth(Role.ADMIN)  # re-mints: a module's tests outlive one access token
SALES = (
    b"Invoice Date,Store,Item,Qty,Amount,Year,Doc Type\n"
    b'03/04/2024,Nairobi,Soap,2,"KSh 1,200.50",2024,Invoice\n'
    b"04/05/2024,Mombasa,Tea,1,300,2024,Credit Note\n"
    b"05/06/2024,Nairobi,,3,450,2023,Invoice\n"
)


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = ValidatorSettings(
        data_dir=tmp_path, object_store_root=tmp_path / "objects", analyze_max_bytes=10_000
    )
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://validator", auth=ADMIN) as c:
        yield c
    assert not (tmp_path / "objects").exists() or not any((tmp_path / "objects").rglob("*.*"))


async def test_profiles_every_column_and_proposes_a_mapping(client: httpx.AsyncClient) -> None:
    answer = await client.post(
        "/api/ingest/analyze-schema", files={"file": ("export.csv", SALES, "text/csv")}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["file_kind"] == "delimited"
    assert body["rows_analyzed"] == 3
    columns = {c["name"]: c for c in body["columns"]}
    date = columns["Invoice Date"]
    assert (date["inferred_type"], date["date_format"]) == ("date", "D/M/YYYY")
    assert date["proposed_role"] == "time"
    assert date["confidence"] >= 0.9
    assert any("day- or month-first" in w for w in date["warnings"])
    amount = columns["Amount"]
    assert amount["inferred_type"] == "number"
    assert (amount["min"], amount["max"]) == (300.0, 1200.5)
    assert any("currency" in w for w in amount["warnings"])
    assert any("thousands" in w for w in amount["warnings"])
    assert columns["Item"]["null_pct"] == pytest.approx(33.33)
    assert columns["Store"]["distinct_count"] == 2
    assert columns["Store"]["examples"] == ["Nairobi", "Mombasa"]
    assert any("looks like a year" in w for w in columns["Year"]["warnings"])
    assert columns["Year"]["proposed_role"] != "time"
    assert body["proposed_mapping"] == {
        "time": "Invoice Date",
        "branch": "Store",
        "product": "Item",
        "quantity": "Qty",
        "amount": "Amount",
        "document_type": "Doc Type",
    }


async def test_the_amount_chosen_by_evidence_shows_its_evidence(
    client: httpx.AsyncClient,
) -> None:
    export = b"Order Date,Outlet,Units,Unit Price,Order Value\n" + b"".join(
        f"2024-01-{d:02d},A,{d % 3 + 1},25.5,{(d % 3 + 1) * 25.5}\n".encode() for d in range(1, 9)
    )
    answer = await client.post(
        "/api/ingest/analyze-schema", files={"file": ("orders.csv", export, "text/csv")}
    )
    assert answer.status_code == 200, answer.text
    columns = {c["name"]: c for c in answer.json()["columns"]}
    value = columns["Order Value"]
    assert value["target"] == "amount"
    assert "equals quantity x unit price (+3)" in value["role_evidence"]
    assert 0.5 < value["confidence"] < 1
    assert columns["Outlet"]["role_evidence"] == ["name is a synonym of branch"]


async def test_every_role_shows_its_column_evidence_and_confidence(
    client: httpx.AsyncClient,
) -> None:
    export = (
        b"Date of Sale,Shop Name,Sales Rep Name,Qty (pcs),Unit Price KES,Line Value,Output VAT\n"
    )
    export += b"".join(
        f"2024-01-{d:02d},Shop {d % 2},Rep {d % 3},{d % 4 + 1},10,{(d % 4 + 1) * 10},"
        f"{(d % 4 + 1) * 1.6:.2f}\n".encode()
        for d in range(1, 10)
    )
    answer = await client.post(
        "/api/ingest/analyze-schema",
        files={"file": ("till.csv", export, "text/csv")},
        data={"mapping": json.dumps({"customer": ""})},
    )
    assert answer.status_code == 200, answer.text
    roles = {r["role"]: r for r in answer.json()["roles"]}
    chosen = {r: (roles[r]["column"], roles[r]["decided_by"]) for r in roles if roles[r]["column"]}
    assert chosen == {
        "time": ("Date of Sale", "evidence"),
        "branch": ("Shop Name", "evidence"),
        "salesperson": ("Sales Rep Name", "evidence"),
        "quantity": ("Qty (pcs)", "evidence"),
        "unit_price": ("Unit Price KES", "evidence"),
        "amount": ("Line Value", "evidence"),
        "tax": ("Output VAT", "evidence"),
    }
    assert "a constant 16 % of the amount (+2)" in roles["tax"]["evidence"]
    assert all(0.5 < roles[r]["confidence"] < 1 for r in chosen)
    assert roles["customer"] == {
        "role": "customer",
        "column": None,
        "decided_by": "mapping",
        "confidence": 1.0,
        "evidence": ["left empty by the mapping"],
        "candidates": [],
    }


async def test_options_and_mapping_are_applied(client: httpx.AsyncClient) -> None:
    answer = await client.post(
        "/api/ingest/analyze-schema",
        files={"file": ("export.csv", SALES, "text/csv")},
        data={"day_first": "false", "mapping": json.dumps({"customer": "Item"})},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    date = next(c for c in body["columns"] if c["name"] == "Invoice Date")
    assert date["date_format"] == "M/D/YYYY"
    item = next(c for c in body["columns"] if c["name"] == "Item")
    assert (item["target"], item["confidence"]) == ("customer", 1.0)


async def test_a_file_over_the_cap_is_refused_with_413(client: httpx.AsyncClient) -> None:
    big = SALES + b"05/06/2024,Nairobi,Soap,3,450,2023,Invoice\n" * 2000
    answer = await client.post(
        "/api/ingest/analyze-schema", files={"file": ("big.csv", big, "text/csv")}
    )
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "file_too_large"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"", "empty_file"),
        (bytes(range(256)) * 8, "binary_file"),
        (b"date,amount,Amount\n2024-01-01,1,2\n", "duplicate_headers"),
    ],
)
async def test_bad_files_get_the_validators_error_codes(
    client: httpx.AsyncClient, payload: bytes, code: str
) -> None:
    answer = await client.post(
        "/api/ingest/analyze-schema", files={"file": ("x.csv", payload, "text/csv")}
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == code


async def test_no_file_field_is_a_clear_error(client: httpx.AsyncClient) -> None:
    answer = await client.post("/api/ingest/analyze-schema", data={"day_first": "true"})
    assert answer.status_code == 422


async def test_unknown_route_wrong_method_and_refusals_share_one_shape(
    client: httpx.AsyncClient,
) -> None:
    # The validator's only route reads its own body, so FastAPI never has a field to refuse.
    rid = {"x-request-id": "validator-rid-1"}
    unknown = await client.get("/api/nowhere", headers=rid)
    wrong_method = await client.get("/api/ingest/analyze-schema", headers=rid)
    not_a_form = await client.post("/api/ingest/analyze-schema", json={}, headers=rid)
    big = SALES * 1000
    too_large = await client.post(
        "/api/ingest/analyze-schema", files={"file": ("big.csv", big, "text/csv")}, headers=rid
    )
    assert_error_body(unknown, 404, "not_found")
    assert_error_body(wrong_method, 405, "method_not_allowed")
    assert assert_error_body(not_a_form, 422, "unreadable_file")["hint"]
    assert assert_error_body(too_large, 413, "file_too_large")["hint"]
    for response in (unknown, wrong_method, not_a_form, too_large):
        assert response.headers["x-request-id"] == "validator-rid-1"
