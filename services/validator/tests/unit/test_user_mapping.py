"""The user's mapping and options win over automatic proposals; accepted mappings are remembered."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from conftest import NOW, uploaded

from mauzo_common.object_store.local import LocalObjectStore
from mauzo_validator.pipeline import Keys, Outcome, Rejected, Validated, validate_upload
from mauzo_validator.remembered import header_hash, mapping_key
from mauzo_validator.settings import ValidatorSettings

ODD = (
    b"Wann,Laden,Artikel,Menge,Preis,Gewinn\n"
    b"03/04/2024,Nairobi,Soap,2,50,30\n"
    b"04/04/2024,Mombasa,Tea,-1,80,-20\n"
)


def validate(
    tmp_path: Path,
    data: bytes,
    *,
    mapping: dict[str, str] | None = None,
    options: dict[str, str] | None = None,
    task_id: str = "task1",
    store: LocalObjectStore | None = None,
) -> tuple[Outcome, LocalObjectStore]:
    store = store or LocalObjectStore(tmp_path / "objects")
    upload = uploaded(store, data, "sales.csv", task_id).model_copy(
        update={"mapping": mapping or {}, "options": options or {}}
    )
    settings = ValidatorSettings(object_store_root=tmp_path / "objects")
    return validate_upload(store, upload, task_id, settings, now=NOW), store


def frame_of(store: LocalObjectStore, task_id: str = "task1") -> pl.DataFrame:
    parts = store.list(Keys.of("sales", task_id).parts_prefix)
    return pl.read_parquet([store.path(key) for key in parts])


def test_without_a_mapping_unknown_names_are_not_understood(tmp_path: Path) -> None:
    outcome, _ = validate(tmp_path, ODD)
    assert isinstance(outcome, Rejected)
    assert outcome.error.code == "no_amount_column"


def test_the_users_mapping_and_expressions_are_honoured(tmp_path: Path) -> None:
    mapping = {
        "time": "Wann",
        "branch": "laden",  # names match ignoring case
        "product": "Artikel",
        "quantity": "Menge",
        "amount": "Menge * Preis",
        "cost": "Menge * Preis - Gewinn",
    }
    outcome, _ = validate(tmp_path, ODD, mapping=mapping)  # one operator per expression
    assert isinstance(outcome, Rejected)
    assert outcome.error.code == "mapping_column_not_found"
    assert "'Preis - Gewinn'" in outcome.error.message
    mapping["cost"] = "Preis x 0.5"
    outcome, store = validate(tmp_path, ODD, mapping=mapping)
    assert isinstance(outcome, Validated), outcome
    frame = frame_of(store)
    assert frame["branch"].to_list() == ["Nairobi", "Mombasa"]
    assert frame["gross_revenue"].to_list() == [100.0, 0.0]
    assert frame["returns_value"].to_list() == [0.0, -80.0]
    assert frame["cost"].to_list() == [25.0, -40.0]
    assert outcome.mapping["amount"] == "Menge * Preis"
    assert outcome.mapping["branch"] == "Laden"
    assert outcome.rows_read == 2
    assert outcome.date_formats == {"Wann": "D/M/YYYY"}


def test_cost_as_amount_minus_profit_expression(tmp_path: Path) -> None:
    data = b"date,sales,profit\n2024-01-01,100,30\n2024-01-02,50,-5\n"
    outcome, store = validate(tmp_path, data, mapping={"cost": "sales - profit"})
    assert isinstance(outcome, Validated), outcome
    assert frame_of(store)["cost"].to_list() == [70.0, 55.0]


@pytest.mark.parametrize(
    ("mapping", "code"),
    [
        ({"time": "Datum"}, "mapping_column_not_found"),
        ({"amount": "Menge * Nope"}, "mapping_column_not_found"),
        ({"colour": "Laden"}, "unknown_mapping_field"),
    ],
)
def test_a_mapping_naming_what_does_not_exist_is_rejected(
    tmp_path: Path, mapping: dict[str, str], code: str
) -> None:
    outcome, store = validate(tmp_path, ODD, mapping=mapping)
    assert isinstance(outcome, Rejected)
    assert outcome.error.code == code
    assert outcome.error.hint
    assert not store.list(Keys.of("sales", "task1").parts_prefix)


def test_options_choose_month_first_and_the_time_zone(tmp_path: Path) -> None:
    data = b"date,amount\n03/04/2024,5\n05/06/2024,6\n"
    outcome, store = validate(tmp_path, data, options={"day_first": "false", "timezone": "UTC"})
    assert isinstance(outcome, Validated)
    assert frame_of(store)["__time"].to_list() == [
        datetime(2024, 3, 4, tzinfo=UTC),
        datetime(2024, 5, 6, tzinfo=UTC),
    ]


def test_decimal_comma_option(tmp_path: Path) -> None:
    data = b"date;amount\n2024-01-01;1.200,50\n2024-01-02;3,5\n"
    outcome, store = validate(tmp_path, data, options={"decimal_comma": "true"})
    assert isinstance(outcome, Validated)
    assert frame_of(store)["gross_revenue"].to_list() == [1200.5, 3.5]


@pytest.mark.parametrize(
    "options", [{"day_first": "maybe"}, {"timezone": "Mars/Olympus"}, {"colour": "red"}]
)
def test_bad_options_are_rejected(tmp_path: Path, options: dict[str, str]) -> None:
    outcome, _ = validate(tmp_path, b"date,amount\n2024-01-01,1\n", options=options)
    assert isinstance(outcome, Rejected)
    assert outcome.error.code == "invalid_option"


def test_the_accepted_mapping_is_remembered_for_the_same_header(tmp_path: Path) -> None:
    mapping = {"time": "Wann", "branch": "Laden", "amount": "Menge * Preis"}
    first, store = validate(tmp_path, ODD, mapping=mapping)
    assert isinstance(first, Validated)
    key = mapping_key("sales", ["Wann", "Laden", "Artikel", "Menge", "Preis", "Gewinn"])
    same = header_hash(["wann", "LADEN", "Artikel", "Menge", "Preis", "Gewinn"])
    assert key == f"mappings/sales/{same}.json"
    assert json.loads(store.get_bytes(key))["mapping"]["amount"] == "Menge * Preis"

    again = ODD.replace(b"Nairobi", b"Kisumu")
    second, _ = validate(tmp_path, again, task_id="task2", store=store)
    assert isinstance(second, Validated), second
    assert frame_of(store, "task2")["branch"].to_list() == ["Kisumu", "Mombasa"]
    report = json.loads(store.get_bytes(Keys.of("sales", "task2").report))
    assert report["mapping_source"] == "remembered"

    other = b"Wann,Laden,Menge,Preis\n03/04/2024,Nairobi,2,50\n"
    third, _ = validate(tmp_path, other, task_id="task3", store=store)
    assert isinstance(third, Rejected)  # a different header is not read with that mapping


def test_an_explicit_mapping_replaces_the_remembered_one(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "objects")
    validate(tmp_path, ODD, mapping={"time": "Wann", "amount": "Menge * Preis"}, store=store)
    outcome, _ = validate(
        tmp_path, ODD, mapping={"time": "Wann", "amount": "Preis"}, task_id="t2", store=store
    )
    assert isinstance(outcome, Validated)
    assert frame_of(store, "t2")["gross_revenue"].to_list() == [50.0, 80.0]


def test_credit_notes_from_a_document_type_column(tmp_path: Path) -> None:
    data = (
        b"date,doc type,qty,amount\n"
        b"2024-01-01,Invoice,2,100\n"
        b"2024-01-02,Credit Note,1,40\n"
        b"2024-01-03,CN,1,10\n"
        b"2024-01-04,Return,-2,-20\n"
    )
    outcome, store = validate(tmp_path, data)
    assert isinstance(outcome, Validated), outcome
    frame = frame_of(store)
    assert frame["gross_revenue"].to_list() == [100.0, 0.0, 0.0, 0.0]
    assert frame["returns_value"].to_list() == [0.0, -40.0, -10.0, -20.0]
    assert frame["units_returned"].to_list() == [0.0, 1.0, 1.0, 2.0]
    assert outcome.mapping["document_type"] == "doc type"
